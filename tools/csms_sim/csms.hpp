#pragma once
// The reference CSMS: accepts charge points of both OCPP versions, answers their messages
// sensibly (registration, heartbeats, statuses, authorization, transactions, meter values),
// records everything in SQLite, and lets an operator call a charge point through the HTTP API.
// It hosts the server side of the offline code (server/): key provisioning after boots, online
// authorization of codes, settlement of sessions paid with them, security events.
#include <map>
#include <memory>
#include <string>

#include "ocpp/rpc/endpoint.hpp"
#include "ocpp/server/offline_code_service.hpp"
#include "ocpp/server/pile_directory.hpp"
#include "ocpp/transport/ocpp_server.hpp"
#include "operations.hpp"
#include "store.hpp"
#include "test_pki.hpp"
#include "transfers.hpp"

namespace ocpp::csms {

struct CsmsOptions {
  transport::ServerOptions server;
  std::string database = "csms.db";
  int heartbeat_interval_s = 300;
  std::chrono::milliseconds call_timeout{std::chrono::seconds{30}};
  // Authorization: known id tags with their status ("Accepted", "Blocked", "Expired", "Invalid");
  // unknown tags get `unknown_id_tag_status`.
  std::map<std::string, std::string> id_tags;
  std::string unknown_id_tag_status = "Accepted";
  // Charge point passwords for HTTP Basic (security profiles 1 and 2). Empty: no Basic required.
  std::map<std::string, std::string> charge_point_passwords;
  // Offline codes: the master secret (none: codes are disabled), tariff, validity, rate limit.
  server::OfflineCodeOptions offline_codes;
  // Firmware and log files over the HTTP listener (transfers.hpp).
  TransferOptions transfers;
  // The test PKI (test_pki.hpp); empty: firmware is sent unsigned only, and CSRs are refused.
  std::string firmware_signing_key, firmware_signing_cert;
  std::string ca_cert, ca_key;
};

// PileDirectory and PileLink: what the offline code's server side needs from a CSMS.
class Csms final : public server::PileDirectory, public server::PileLink {
 public:
  Csms(transport::LwsLoop& loop, CsmsOptions options);
  int ocpp_port() const { return server_->port(); }
  Store& store() { return store_; }
  server::OfflineCodeService& offline_codes() { return *offline_codes_; }
  const Clock& clock() const { return loop_.clock(); }
  bool connected(const std::string& id) { return server_->find(id) != nullptr; }
  std::string connected_version(const std::string& id);
  // Sends a CALL to a connected charge point. False when it is not connected.
  bool call(const std::string& id, const std::string& action, rapidjson::Document payload,
            rpc::ResultHandler done) override;
  // A charge point that has booted here: its version, whether it is connected, its connectors.
  std::optional<server::PileFacts> find(const std::string& id) override;

  // Handlers of each version (handlers_v16.cpp, handlers_v201.cpp).
  void register_v16(transport::Session& session);
  void register_v201(transport::Session& session);
  // The status of an id tag, as the version-neutral string both versions use.
  std::string authorization_status(const std::string& id_tag) const;
  int heartbeat_interval() const { return options_.heartbeat_interval_s; }
  // Once the BootNotification answer is on its way: the offline-code key check of that pile.
  void after_boot(const std::string& id, ProtocolVersion version);
  // Whitepaper §2.2 / A02-A03: a CSR of `id` checked and signed; the chain goes out in
  // CertificateSigned once the answer has left. False (answer Rejected) without a CA or when the
  // CSR is refused.
  bool on_csr(const std::string& id, const std::string& csr, ProtocolVersion version);
  // A transaction ended: settles it if its id tag is an offline code.
  void settle_if_offline_code(const std::string& id, const std::string& transaction_id);

  // Firmware, logs and certificates (handlers_transfers.cpp, issue 13).
  Transfers& transfers() { return *transfers_; }
  OperationBoard& operations() { return operations_; }
  const FirmwareSigner* firmware_signer() const { return signer_.get(); }
  // A requestId for SignedUpdateFirmware, GetLog and 2.0.1 UpdateFirmware, unique in this run.
  int next_request_id() { return next_request_id_++; }
  void register_transfers_v16(transport::Session& session);
  void register_transfers_v201(transport::Session& session);

 private:
  transport::LwsLoop& loop_;
  CsmsOptions options_;
  Store store_;
  // Declared after the store it uses and before the server, so that CALLs still in flight when the
  // server goes (and complete as Disconnected) find it alive.
  std::unique_ptr<server::OfflineCodeService> offline_codes_;
  std::unique_ptr<Transfers> transfers_;
  std::unique_ptr<FirmwareSigner> signer_;
  std::unique_ptr<CertificateAuthority> ca_;
  OperationBoard operations_;
  int next_request_id_ = 1;
  std::unique_ptr<transport::OcppServer> server_;
};

}  // namespace ocpp::csms
