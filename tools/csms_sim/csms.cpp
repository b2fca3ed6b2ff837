#include "csms.hpp"

#include "ocpp/common/log.hpp"
#include "ocpp/offline_code/keys.hpp"

namespace ocpp::csms {

Csms::Csms(transport::LwsLoop& loop, CsmsOptions options)
    : loop_(loop), options_(std::move(options)), store_(options_.database) {
  offline_codes_ = std::make_unique<server::OfflineCodeService>(store_.database(), loop_.clock(), *this, *this,
                                                                options_.offline_codes);
  transfers_ = std::make_unique<Transfers>(options_.transfers);
  if (!options_.firmware_signing_key.empty()) {
    signer_ = std::make_unique<FirmwareSigner>(options_.firmware_signing_key, options_.firmware_signing_cert);
  }
  if (!options_.ca_cert.empty()) ca_ = std::make_unique<CertificateAuthority>(options_.ca_cert, options_.ca_key);
  // Request ids of one run are unique; seeded from the clock so that a restarted CSMS does not
  // reuse the ids of the run before, whose status notifications may still arrive.
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(loop_.clock().system_now().time_since_epoch()).count();
  next_request_id_ = static_cast<int>(seconds % 1000000000);
  transport::ServerOptions server = options_.server;
  if (!options_.charge_point_passwords.empty()) {
    server.check_password = [this](const std::string& id, const std::string& password) {
      const auto it = options_.charge_point_passwords.find(id);
      return it != options_.charge_point_passwords.end() && it->second == password;
    };
  }
  transport::OcppServer::Callbacks callbacks;
  callbacks.on_open = [this](transport::Session& s) {
    if (s.rpc.version() == ProtocolVersion::v16) {
      register_v16(s);
      register_transfers_v16(s);
    } else {
      register_v201(s);
      register_transfers_v201(s);
    }
  };
  rpc::EndpointOptions rpc;
  rpc.call_timeout = options_.call_timeout;
  rpc.log_frames = true;  // the reference CSMS logs every frame, in both directions...
  rpc.secret_frame = offline_code::carries_pile_key;  // ...except those provisioning a pile's key
  server_ = std::make_unique<transport::OcppServer>(loop, std::move(server), std::move(callbacks), rpc);
}

std::string Csms::connected_version(const std::string& id) {
  auto* s = server_->find(id);
  return s == nullptr ? std::string() : std::string(to_string(s->rpc.version()));
}

bool Csms::call(const std::string& id, const std::string& action, rapidjson::Document payload,
                rpc::ResultHandler done) {
  auto* s = server_->find(id);
  if (s == nullptr) return false;
  s->rpc.call(action, std::move(payload), std::move(done));
  return true;
}

std::optional<server::PileFacts> Csms::find(const std::string& id) {
  const auto cp = store_.charge_point(id);
  if (!cp) return std::nullopt;
  server::PileFacts facts;
  auto* session = server_->find(id);
  facts.connected = session != nullptr;
  facts.version = session != nullptr ? session->rpc.version()
                  : cp->ocpp_version == "2.0.1" ? ProtocolVersion::v201
                                                : ProtocolVersion::v16;
  facts.connectors = store_.highest_connector(id);
  return facts;
}

void Csms::after_boot(const std::string& id, ProtocolVersion version) {
  // Posted, so that the BootNotification answer leaves first: a pile reads no CALL before it knows
  // it is accepted.
  loop_.post([this, id, version] {
    if (server_->find(id) != nullptr) offline_codes_->on_boot(id, version);
  });
}

void Csms::settle_if_offline_code(const std::string& id, const std::string& transaction_id) {
  const auto tx = store_.transaction(id, transaction_id);
  if (!tx) return;
  server::EndedTransaction ended;
  ended.charge_point_id = id;
  ended.transaction_id = transaction_id;
  // The connector as a code names it: 1.6 connectorId, 2.0.1 EVSE id (docs/offline-code.md §2).
  ended.connector_id = tx->evse_id.value_or(tx->connector_id);
  ended.id_tag = tx->id_tag;
  ended.meter_start_wh = tx->meter_start_wh;
  ended.meter_stop_wh = tx->meter_stop_wh;
  ended.started_at = tx->started_at;
  ended.stopped_at = tx->stopped_at.value_or("");
  offline_codes_->on_transaction_ended(ended);
}

std::string Csms::authorization_status(const std::string& id_tag) const {
  const auto it = options_.id_tags.find(id_tag);
  return it == options_.id_tags.end() ? options_.unknown_id_tag_status : it->second;
}

}  // namespace ocpp::csms
