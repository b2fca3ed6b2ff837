// The reference CSMS's answers to OCPP 1.6J charge points.
#include "csms.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/messages/serialize.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::csms {
namespace {

v16::IdTagInfo id_tag_info(const Csms& csms, const std::string& tag) {
  v16::IdTagInfo info;
  if (!v16::from_string(csms.authorization_status(tag), info.status)) info.status = v16::IdTagInfoStatus::Invalid;
  return info;
}

// An offline code's answer (docs/offline-code.md §9 "Online"): valid until the code's own expiry.
v16::IdTagInfo id_tag_info(const server::CodeAuthorization& code) {
  v16::IdTagInfo info;
  if (!v16::from_string(code.status, info.status)) info.status = v16::IdTagInfoStatus::Invalid;
  if (code.expiry) info.expiryDate = DateTime::parse(*code.expiry);
  return info;
}


}  // namespace

void Csms::register_v16(transport::Session& session) {
  auto& ep = session.rpc;
  const std::string cp = session.charge_point_id();

  // 1.6 §4.2: accept every charge point that boots, and tell it the heartbeat interval.
  rpc::handle<v16::BootNotificationRequest>(ep, [this, cp](const v16::BootNotificationRequest& req) {
    ChargePointRecord r;
    r.id = cp;
    r.ocpp_version = "1.6";
    r.vendor = req.chargePointVendor.str();
    r.model = req.chargePointModel.str();
    r.serial = req.chargePointSerialNumber ? req.chargePointSerialNumber->str() : std::string();
    r.firmware = req.firmwareVersion ? req.firmwareVersion->str() : std::string();
    const DateTime t = DateTime::now();
    store_.record_boot(r, t.str());
    after_boot(cp, ProtocolVersion::v16);
    v16::BootNotificationResponse res;
    res.status = v16::BootNotificationStatus::Accepted;
    res.currentTime = t;
    res.interval = heartbeat_interval();
    return res;
  });
  rpc::handle<v16::HeartbeatRequest>(ep, [](const v16::HeartbeatRequest&) {
    v16::HeartbeatResponse res;
    res.currentTime = DateTime::now();
    return res;
  });
  rpc::handle<v16::StatusNotificationRequest>(ep, [this, cp](const v16::StatusNotificationRequest& req) {
    store_.record_status(cp, 0, req.connectorId, std::string(to_string(req.status)), std::string(to_string(req.errorCode)),
                         req.timestamp ? req.timestamp->str() : DateTime::now().str());
    return v16::StatusNotificationResponse{};
  });
  // 1.6 §4.1; an offline code sent online is decided by the server side (server/).
  rpc::handle<v16::AuthorizeRequest>(ep, [this, cp](const v16::AuthorizeRequest& req) {
    v16::AuthorizeResponse res;
    const auto code = offline_codes_->authorize(cp, req.idTag.str());
    res.idTagInfo = code ? id_tag_info(*code) : id_tag_info(*this, req.idTag.str());
    return res;
  });
  rpc::handle<v16::StartTransactionRequest>(ep, [this, cp](const v16::StartTransactionRequest& req) {
    v16::StartTransactionResponse res;
    // All of the message's writes in one commit: one fsync instead of several, and on PostgreSQL one
    // transaction, re-run as a whole if another instance got in the way.
    store_.in_transaction([&] {
      const std::string id =
          store_.start_transaction_v16(cp, req.connectorId, req.idTag.str(), req.meterStart, req.timestamp.str());
      res.transactionId = std::stoi(id);
      // A code is bound to the transaction it starts (single use), judged at the start's own time.
      const auto code = offline_codes_->on_transaction_started(cp, id, req.connectorId, req.idTag.str(), req.timestamp.str());
      res.idTagInfo = code ? id_tag_info(*code) : id_tag_info(*this, req.idTag.str());
    });
    return res;
  });
  rpc::handle<v16::StopTransactionRequest>(ep, [this, cp](const v16::StopTransactionRequest& req) {
    const std::optional<std::string> tag = req.idTag ? std::optional<std::string>(req.idTag->str()) : std::nullopt;
    const std::optional<std::string> reason =
        req.reason ? std::optional<std::string>(to_string(*req.reason)) : std::nullopt;
    // The stop, its meter values and its settlement in one commit (as StartTransaction).
    store_.in_transaction([&] {
      store_.stop_transaction(cp, std::to_string(req.transactionId), req.meterStop, req.timestamp.str(), reason, tag);
      if (req.transactionData) {
        for (const auto& data : *req.transactionData) {
          store_.add_meter_values(cp, std::to_string(req.transactionId), 0, serialize(data));
        }
      }
      // docs/offline-code.md §9: exactly one settlement per code, however often this stop is replayed.
      settle_if_offline_code(cp, std::to_string(req.transactionId));
    });
    v16::StopTransactionResponse res;
    if (tag) {
      // The code that started this transaction is still good for it; any other code is judged as in
      // Authorize, without being used up.
      const std::string tx_id = std::to_string(req.transactionId);
      const auto tx = store_.transaction(cp, tx_id);
      const auto code = tx && tx->id_tag == *tag
                            ? offline_codes_->on_transaction_started(cp, tx_id, tx->connector_id, *tag, tx->started_at)
                            : offline_codes_->authorize(cp, *tag);
      res.idTagInfo = code ? id_tag_info(*code) : id_tag_info(*this, *tag);
    }
    return res;
  });
  rpc::handle<v16::MeterValuesRequest>(ep, [this, cp](const v16::MeterValuesRequest& req) {
    const std::optional<std::string> tx =
        req.transactionId ? std::optional<std::string>(std::to_string(*req.transactionId)) : std::nullopt;
    for (const auto& mv : req.meterValue) store_.add_meter_values(cp, tx, req.connectorId, serialize(mv));
    return v16::MeterValuesResponse{};
  });
  rpc::handle<v16::DataTransferRequest>(ep, [](const v16::DataTransferRequest&) {
    v16::DataTransferResponse res;
    res.status = v16::DataTransferStatus::UnknownVendorId;
    return res;
  });
  // Security extension §2.8; the pile reports offline-code lockouts and replayed codes this way.
  rpc::handle<v16::SecurityEventNotificationRequest>(ep, [this, cp](const v16::SecurityEventNotificationRequest& req) {
    offline_codes_->on_security_event(cp, req.type.str(), req.timestamp.str(), req.techInfo ? req.techInfo->str() : "");
    return v16::SecurityEventNotificationResponse{};
  });
  // Firmware, diagnostics and certificate messages: handlers_transfers.cpp.
}

}  // namespace ocpp::csms
