// The reference CSMS's answers to OCPP 2.0.1 charging stations.
#include <cmath>

#include "csms.hpp"
#include "ocpp/messages/serialize.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::csms {
namespace {

v201::IdTokenInfoType id_token_info(const Csms& csms, const std::string& token) {
  v201::IdTokenInfoType info;
  if (!v201::from_string(csms.authorization_status(token), info.status)) {
    info.status = v201::AuthorizationStatusEnumType::Invalid;
  }
  return info;
}

// An offline code's answer (docs/offline-code.md §9 "Online"): cached no longer than the code lives.
v201::IdTokenInfoType id_token_info(const server::CodeAuthorization& code) {
  v201::IdTokenInfoType info;
  if (!v201::from_string(code.status, info.status)) info.status = v201::AuthorizationStatusEnumType::Invalid;
  if (code.expiry) info.cacheExpiryDateTime = DateTime::parse(*code.expiry);
  return info;
}

// DESIGN.md: a code travels as an idToken of type KeyCode.
bool is_key_code(const v201::IdTokenType& token) { return token.type == v201::IdTokenEnumType::KeyCode; }


// The energy register in a meter value, in Wh (2.0.1 default measurand and unit).
std::optional<std::int64_t> energy_wh(const std::optional<std::vector<v201::MeterValueType>>& values) {
  if (!values) return std::nullopt;
  std::optional<std::int64_t> wh;
  for (const auto& mv : *values) {
    for (const auto& sv : mv.sampledValue) {
      const bool energy = !sv.measurand || *sv.measurand == v201::MeasurandEnumType::Energy_Active_Import_Register;
      if (!energy || sv.phase) continue;
      double value = sv.value;
      if (sv.unitOfMeasure && sv.unitOfMeasure->unit && sv.unitOfMeasure->unit->str() == "kWh") value *= 1000.0;
      const int multiplier = sv.unitOfMeasure && sv.unitOfMeasure->multiplier ? *sv.unitOfMeasure->multiplier : 0;
      value *= std::pow(10.0, multiplier);
      // Whole Wh at each end, as 1.6 carries meterStart and meterStop: truncating one end and not
      // the other would bill a watt-hour too many or too few.
      wh = std::llround(value);
    }
  }
  return wh;
}

// Messages the reference CSMS only needs to acknowledge.
template <class Request>
void acknowledge(rpc::Endpoint& ep) {
  rpc::handle<Request>(ep, [](const Request&) { return typename Request::Response{}; });
}

}  // namespace

void Csms::register_v201(transport::Session& session) {
  auto& ep = session.rpc;
  const std::string cp = session.charge_point_id();

  // B01: accept every station that boots, and tell it the heartbeat interval.
  rpc::handle<v201::BootNotificationRequest>(ep, [this, cp](const v201::BootNotificationRequest& req) {
    ChargePointRecord r;
    r.id = cp;
    r.ocpp_version = "2.0.1";
    r.vendor = req.chargingStation.vendorName.str();
    r.model = req.chargingStation.model.str();
    r.serial = req.chargingStation.serialNumber ? req.chargingStation.serialNumber->str() : std::string();
    r.firmware = req.chargingStation.firmwareVersion ? req.chargingStation.firmwareVersion->str() : std::string();
    const DateTime t = DateTime::now();
    store_.record_boot(r, t.str());
    after_boot(cp, ProtocolVersion::v201);
    v201::BootNotificationResponse res;
    res.status = v201::RegistrationStatusEnumType::Accepted;
    res.currentTime = t;
    res.interval = heartbeat_interval();
    return res;
  });
  rpc::handle<v201::HeartbeatRequest>(ep, [](const v201::HeartbeatRequest&) {
    v201::HeartbeatResponse res;
    res.currentTime = DateTime::now();
    return res;
  });
  rpc::handle<v201::StatusNotificationRequest>(ep, [this, cp](const v201::StatusNotificationRequest& req) {
    store_.record_status(cp, req.evseId, req.connectorId, std::string(to_string(req.connectorStatus)), "",
                         req.timestamp.str());
    return v201::StatusNotificationResponse{};
  });
  // C01; an offline code (type KeyCode) is decided by the server side (server/).
  rpc::handle<v201::AuthorizeRequest>(ep, [this, cp](const v201::AuthorizeRequest& req) {
    v201::AuthorizeResponse res;
    const auto code = is_key_code(req.idToken) ? offline_codes_->authorize(cp, req.idToken.idToken.str()) : std::nullopt;
    res.idTokenInfo = code ? id_token_info(*code) : id_token_info(*this, req.idToken.idToken.str());
    return res;
  });
  // E01-E07: TransactionEvent Started/Updated/Ended, keyed by the station's transactionId.
  rpc::handle<v201::TransactionEventRequest>(ep, [this, cp](const v201::TransactionEventRequest& req) {
    const std::string tx = req.transactionInfo.transactionId.str();
    const std::optional<std::string> token =
        req.idToken ? std::optional<std::string>(req.idToken->idToken.str()) : std::nullopt;
    const std::optional<std::string> reason = req.transactionInfo.stoppedReason
                                                  ? std::optional<std::string>(to_string(*req.transactionInfo.stoppedReason))
                                                  : std::nullopt;
    // E01.FR.16: the EVSE comes in the first event only; later ones are the same transaction's.
    std::optional<int> evse = req.evse ? std::optional<int>(req.evse->id) : std::nullopt;
    int connector = req.evse && req.evse->connectorId ? *req.evse->connectorId : 0;
    if (!req.evse) {
      if (const auto known = store_.transaction(cp, tx)) {
        connector = known->connector_id;
        evse = known->evse_id;
      }
    }
    // The event and its meter values in one commit: a replayed backlog costs one fsync per event,
    // as 1.6's MeterValues do (it was two).
    store_.in_transaction([&] {
      store_.upsert_transaction_v201(cp, tx, connector, evse, token, std::string(to_string(req.eventType)),
                                     req.timestamp.str(), energy_wh(req.meterValue), reason);
      if (req.meterValue) {
        for (const auto& mv : *req.meterValue) store_.add_meter_values(cp, tx, connector, serialize(mv));
      }
    });
    v201::TransactionEventResponse res;
    if (token) {
      // A code is bound to the transaction it authorizes (single use), judged at the start's time.
      std::optional<server::CodeAuthorization> code;
      if (is_key_code(*req.idToken)) {
        const auto record = store_.transaction(cp, tx);
        const int code_connector = record ? record->evse_id.value_or(record->connector_id) : evse.value_or(0);
        const std::string started = record && !record->started_at.empty() ? record->started_at : req.timestamp.str();
        code = offline_codes_->on_transaction_started(cp, tx, code_connector, *token, started);
      }
      res.idTokenInfo = code ? id_token_info(*code) : id_token_info(*this, *token);
    }
    // docs/offline-code.md §9: exactly one settlement per code, however often Ended is replayed.
    if (req.eventType == v201::TransactionEventEnumType::Ended) settle_if_offline_code(cp, tx);
    return res;
  });
  rpc::handle<v201::MeterValuesRequest>(ep, [this, cp](const v201::MeterValuesRequest& req) {
    for (const auto& mv : req.meterValue) store_.add_meter_values(cp, std::nullopt, req.evseId, serialize(mv));
    return v201::MeterValuesResponse{};
  });
  rpc::handle<v201::DataTransferRequest>(ep, [](const v201::DataTransferRequest&) {
    v201::DataTransferResponse res;
    res.status = v201::DataTransferStatusEnumType::UnknownVendorId;
    return res;
  });
  acknowledge<v201::NotifyReportRequest>(ep);
  acknowledge<v201::NotifyEventRequest>(ep);
  acknowledge<v201::NotifyMonitoringReportRequest>(ep);
  // A04; the station reports offline-code lockouts and replayed codes this way.
  rpc::handle<v201::SecurityEventNotificationRequest>(ep, [this, cp](const v201::SecurityEventNotificationRequest& req) {
    offline_codes_->on_security_event(cp, req.type.str(), req.timestamp.str(), req.techInfo ? req.techInfo->str() : "");
    return v201::SecurityEventNotificationResponse{};
  });
  // FirmwareStatusNotification, LogStatusNotification, SignCertificate: handlers_transfers.cpp.
  acknowledge<v201::NotifyChargingLimitRequest>(ep);
  acknowledge<v201::ClearedChargingLimitRequest>(ep);
  acknowledge<v201::ReservationStatusUpdateRequest>(ep);
  acknowledge<v201::NotifyCustomerInformationRequest>(ep);
  acknowledge<v201::NotifyDisplayMessagesRequest>(ep);
}

}  // namespace ocpp::csms
