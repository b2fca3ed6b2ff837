// F01-F06: what the CSMS asks of a running station: RequestStartTransaction, RequestStopTransaction,
// UnlockConnector and TriggerMessage.
#include "conversions.hpp"
#include "ocpp/cp/v201/smart_charging.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/charging_limits.hpp"
#include "ocpp/cp/firmware_update.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

// K05 (F01.FR.08 onward): the profile a RequestStartTransaction carries is a TxProfile for the
// transaction it starts, so it has no transactionId yet; checked now, installed when the
// transaction begins (the core's RemoteStartRequest::profile). SetChargingProfile's own checks
// (stack level, unit, periods) apply as well.
std::optional<ocpp::cp::ProfileRefusal> Adapter::remote_start_profile(const m::ChargingProfileType& in, int evse,
                                                            RemoteStartRequest& start) {
  if (in.chargingProfilePurpose != m::ChargingProfilePurposeEnumType::TxProfile) {
    return ocpp::cp::ProfileRefusal{"InvalidProfile", "a RequestStartTransaction's charging profile must be a TxProfile"};
  }
  if (in.transactionId) {
    return ocpp::cp::ProfileRefusal{"InvalidProfile",
                          "a RequestStartTransaction's charging profile must not name a transaction: it has none yet"};
  }
  auto converted = to_core_profile(in, evse);
  if (auto* refusal = std::get_if<ocpp::cp::ProfileRefusal>(&converted)) return *refusal;
  auto profile = std::get<ChargingProfile>(std::move(converted));
  if (auto refusal = core_->limits().check_remote_start_profile(profile)) return refusal;
  start.profile = std::move(profile);
  return std::nullopt;
}

void Adapter::register_remote_control_handlers() {
  auto& ep = client_->rpc();
  // F01/F02 RequestStartTransaction: accepted when an EVSE can take it; the transaction starts once
  // authorized (AuthCtrlr.AuthorizeRemoteStart) and plugged (TxCtrlr.EVConnectionTimeOut).
  rpc::handle<m::RequestStartTransactionRequest>(ep, [this](const m::RequestStartTransactionRequest& req) {
    m::RequestStartTransactionResponse res;
    res.status = m::RequestStartStopStatusEnumType::Rejected;
    // B02.FR.02: while Pending the CSMS may not start transactions.
    if (registration_ != Registration::Accepted) return res;
    RemoteStartRequest start;
    if (req.evseId) {
      // F01: the EVSE's connector that takes the start (the one whose cable is in, when the EVSE
      // has several: the others are out of service while it is in use), else its first.
      const auto flat = topology_.flat(*req.evseId, 1);
      if (!flat) return res;
      start.connector = *flat;
      for (const auto& c : topology_.evse(*req.evseId)->connectors) {
        const ConnectorId id = *topology_.flat(*req.evseId, c.id);
        if (core_->state(id).session == SessionPhase::Preparing) start.connector = id;
      }
    }
    start.id_tag = req.idToken.idToken.str();
    start.id_token_type = std::string(m::to_string(req.idToken.type));
    start.remote_start_id = req.remoteStartId;
    if (req.chargingProfile) {
      auto refusal = remote_start_profile(*req.chargingProfile, req.evseId.value_or(0), start);
      if (refusal) {
        res.statusInfo = status_info(*refusal);
        return res;
      }
    }
    if (core_->remote_start(start)) res.status = m::RequestStartStopStatusEnumType::Accepted;
    return res;
  });
  // F03 RequestStopTransaction, by the station's transactionId.
  rpc::handle<m::RequestStopTransactionRequest>(ep, [this](const m::RequestStopTransactionRequest& req) {
    m::RequestStopTransactionResponse res;
    const bool ok = registration_ == Registration::Accepted && core_->remote_stop(req.transactionId.str());
    res.status = ok ? m::RequestStartStopStatusEnumType::Accepted : m::RequestStartStopStatusEnumType::Rejected;
    return res;
  });
  // F05 UnlockConnector: not while an authorized transaction holds it (F05.FR.02).
  rpc::handle<m::UnlockConnectorRequest>(ep, [this](const m::UnlockConnectorRequest& req) {
    m::UnlockConnectorResponse res;
    const auto flat = topology_.flat(req.evseId, req.connectorId);
    if (!flat) {
      res.status = m::UnlockStatusEnumType::UnknownConnector;
      return res;
    }
    if (core_->view().at(static_cast<std::size_t>(*flat - 1)).transaction) {
      res.status = m::UnlockStatusEnumType::OngoingAuthorizedTransaction;
      return res;
    }
    res.status = core_->unlock(*flat) == UnlockAnswer::Unlocked ? m::UnlockStatusEnumType::Unlocked
                                                                 : m::UnlockStatusEnumType::UnlockFailed;
    return res;
  });
  // F06 TriggerMessage: the triggered message follows the answer.
  rpc::handle<m::TriggerMessageRequest>(ep, [this](const m::TriggerMessageRequest& req) {
    m::TriggerMessageResponse res;
    std::optional<ConnectorId> connector;
    if (req.evse && req.evse->id != 0) {
      connector = topology_.flat(req.evse->id, req.evse->connectorId.value_or(1));
      if (!connector) {
        res.status = m::TriggerMessageStatusEnumType::Rejected;
        return res;
      }
    }
    std::function<void()> send;
    switch (req.requestedMessage) {
      case m::MessageTriggerEnumType::BootNotification:
        // F06.FR.17: an accepted station does not boot again on request.
        if (registration_ == Registration::Accepted) {
          res.status = m::TriggerMessageStatusEnumType::Rejected;
          return res;
        }
        send = [this] { boot(); };
        break;
      case m::MessageTriggerEnumType::Heartbeat:
        send = [this] { send_heartbeat(); };
        break;
      case m::MessageTriggerEnumType::StatusNotification:
        // F06.FR.12: the status of the connector asked for, sent even unchanged.
        if (!connector) {
          res.status = m::TriggerMessageStatusEnumType::Rejected;
          return res;
        }
        send = [this, connector] { send_status_now(*connector, core_->now(), true); };
        break;
      case m::MessageTriggerEnumType::MeterValues:
      case m::MessageTriggerEnumType::TransactionEvent:
        // F06.FR.07: a triggered reading of a transaction goes in order with its events, as a
        // TransactionEvent Updated with triggerReason Trigger; outside one it is MeterValues.
        send = [this, connector] { core_->trigger_meter_values(connector); };
        break;
      case m::MessageTriggerEnumType::LogStatusNotification:
        send = [this] { send_triggered_log_status(); };
        break;
      case m::MessageTriggerEnumType::SignChargingStationCertificate:
        // A02 (certificates.cpp): a new key pair and SignCertificate.
        if (certificates_ == nullptr) {
          res.status = m::TriggerMessageStatusEnumType::Rejected;
          return res;
        }
        send = [this] { send_sign_certificate(); };
        break;
      case m::MessageTriggerEnumType::FirmwareStatusNotification:
        if (firmware_ == nullptr) {
          res.status = m::TriggerMessageStatusEnumType::NotImplemented;
          return res;
        }
        // L01.FR.25 (F06): the update in progress, else Idle without a requestId.
        send = [this] { send_firmware_status(firmware_->current()); };
        break;
      default:
        res.status = m::TriggerMessageStatusEnumType::NotImplemented;
        return res;
    }
    res.status = m::TriggerMessageStatusEnumType::Accepted;
    auto alive = alive_;
    loop_.post([alive, send] {
      if (*alive) send();
    });
    return res;
  });
}

}  // namespace ocpp::cp::v201
