// What the CSMS asks of a running charge point (1.6 §3 feature profiles Core and Remote Trigger):
// §5.11 RemoteStartTransaction, §5.12 RemoteStopTransaction, §5.18 UnlockConnector and §5.17
// TriggerMessage.
#include "ocpp/cp/firmware_update.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/cp/v16/smart_charging.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

// No diagnostics upload or firmware update ever runs here: a triggered notification says Idle,
// the status 1.6 keeps for exactly this answer.
template <class Notification>
void send_idle(rpc::Endpoint& ep) {
  Notification n;
  n.status = decltype(n.status)::Idle;
  rpc::call(ep, n);
}

}  // namespace

void Adapter::register_remote_control_handlers() {
  auto& ep = client_->rpc();
  // §5.11 RemoteStartTransaction: accepted when a connector can take it; the transaction then
  // starts once authorized (AuthorizeRemoteTxRequests) and plugged (ConnectionTimeOut).
  rpc::handle<m::RemoteStartTransactionRequest>(ep, [this](const m::RemoteStartTransactionRequest& req) {
    m::RemoteStartTransactionResponse res;
    // §4.2: while the registration is Pending the CSMS may read and change the configuration,
    // but not start or stop transactions.
    if (registration_ != Registration::Accepted) {
      res.status = m::RemoteStartTransactionStatus::Rejected;
      return res;
    }
    RemoteStartRequest start;
    start.connector = req.connectorId ? std::optional<ConnectorId>(*req.connectorId) : std::nullopt;
    start.id_tag = req.idTag.str();
    if (req.chargingProfile) {
      // §5.11: the profile is for the transaction this starts (a TxProfile, without transactionId).
      start.profile = to_core_profile(*core_, 0, *req.chargingProfile);
      if (!start.profile || req.chargingProfile->transactionId ||
          core_->limits().check_remote_start_profile(*start.profile)) {
        res.status = m::RemoteStartTransactionStatus::Rejected;
        return res;
      }
    }
    const bool ok = core_->remote_start(start);
    res.status = ok ? m::RemoteStartTransactionStatus::Accepted : m::RemoteStartTransactionStatus::Rejected;
    return res;
  });
  // §5.12 RemoteStopTransaction.
  rpc::handle<m::RemoteStopTransactionRequest>(ep, [this](const m::RemoteStopTransactionRequest& req) {
    m::RemoteStopTransactionResponse res;
    if (registration_ != Registration::Accepted) {  // §4.2, as above
      res.status = m::RemoteStopTransactionStatus::Rejected;
      return res;
    }
    res.status = core_->remote_stop(std::to_string(req.transactionId)) ? m::RemoteStopTransactionStatus::Accepted
                                                                        : m::RemoteStopTransactionStatus::Rejected;
    return res;
  });
  // §5.18 UnlockConnector.
  rpc::handle<m::UnlockConnectorRequest>(ep, [this](const m::UnlockConnectorRequest& req) {
    m::UnlockConnectorResponse res;
    switch (core_->unlock(req.connectorId)) {
      case UnlockAnswer::Unlocked: res.status = m::UnlockConnectorStatus::Unlocked; break;
      case UnlockAnswer::UnlockFailed: res.status = m::UnlockConnectorStatus::UnlockFailed; break;
      case UnlockAnswer::NotSupported: res.status = m::UnlockConnectorStatus::NotSupported; break;
    }
    return res;
  });
}

void Adapter::register_trigger_handlers() {
  // §5.17 TriggerMessage: the triggered message follows the answer.
  rpc::handle<m::TriggerMessageRequest>(client_->rpc(), [this](const m::TriggerMessageRequest& req) {
    m::TriggerMessageResponse res;
    const std::optional<ConnectorId> connector =
        req.connectorId ? std::optional<ConnectorId>(*req.connectorId) : std::nullopt;
    auto send = triggered_message(m::to_string(req.requestedMessage), connector);
    if (!send) {
      res.status = m::TriggerMessageStatus::Rejected;
      return res;
    }
    res.status = m::TriggerMessageStatus::Accepted;
    auto alive = alive_;
    loop_.post([alive, send] {
      if (*alive) send();
    });
    return res;
  });
}

// What sends the message TriggerMessage (or the Security Whitepaper's ExtendedTriggerMessage) names;
// empty for a connector that does not exist or a message this block does not send.
std::function<void()> Adapter::triggered_message(std::string_view name, std::optional<ConnectorId> connector) {
  m::RequestedMessage requested{};
  if (!m::from_string(name, requested)) return {};
  if (connector && *connector != 0 && !core_->valid_connector(*connector)) return {};
  std::function<void()> send;
  switch (requested) {
      case m::RequestedMessage::BootNotification:
        send = [this] {
          registration_ = Registration::None;
          boot();
        };
        break;
      case m::RequestedMessage::Heartbeat:
        send = [this] { send_heartbeat(); };
        break;
      case m::RequestedMessage::StatusNotification:
        send = [this, connector] {
          // §5.17: a triggered status is sent even when it has not changed.
          if (connector) {
            sent_status_.erase(*connector);
            core_->report_status(*connector, true);
          } else {
            sent_status_.clear();
            core_->report_statuses();
          }
        };
        break;
      case m::RequestedMessage::MeterValues:
        send = [this, connector] { core_->trigger_meter_values(connector); };
        break;
      case m::RequestedMessage::DiagnosticsStatusNotification:
        send = [this] { send_triggered_log_status(true); };
        break;
      case m::RequestedMessage::FirmwareStatusNotification:
        // §4.5: the update in progress, else Idle (firmware.cpp).
        send = [this] { send_firmware_status(firmware_ != nullptr ? firmware_->current() : FirmwareProgress{}, true); };
        break;
  }
  return send;
}

}  // namespace ocpp::cp::v16
