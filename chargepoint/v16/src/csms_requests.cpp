// What the CSMS asks of a 1.6 charge point, turned into core commands (1.6 §5).
#include "conversions.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/auth_cache.hpp"
#include "ocpp/cp/local_auth_list.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/cp/v16/config_keys.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

void Adapter::register_handlers() {
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
    const bool ok = core_->remote_start(req.connectorId ? std::optional<ConnectorId>(*req.connectorId) : std::nullopt,
                                        req.idTag.str());
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
  // §5.13 Reset: accepted now; transactions stop (SoftReset/HardReset) and the daemon restarts once
  // the answer is out (restart_when_delivered).
  rpc::handle<m::ResetRequest>(ep, [this](const m::ResetRequest& req) {
    m::ResetResponse res;
    if (reset_) {
      res.status = m::ResetStatus::Rejected;  // one is under way already
      return res;
    }
    const bool hard = req.type == m::ResetType::Hard;
    auto alive = alive_;
    loop_.post([this, alive, hard] {
      if (!*alive) return;
      core_->reset(hard, [this, alive, hard] {
        if (*alive) restart_when_delivered(hard);
      });
    });
    res.status = m::ResetStatus::Accepted;
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
  // §5.2 ChangeAvailability.
  rpc::handle<m::ChangeAvailabilityRequest>(ep, [this](const m::ChangeAvailabilityRequest& req) {
    m::ChangeAvailabilityResponse res;
    switch (core_->change_availability(req.connectorId, req.type == m::ChangeAvailabilityType::Operative)) {
      case AvailabilityAnswer::Accepted: res.status = m::ChangeAvailabilityStatus::Accepted; break;
      case AvailabilityAnswer::Rejected: res.status = m::ChangeAvailabilityStatus::Rejected; break;
      case AvailabilityAnswer::Scheduled: res.status = m::ChangeAvailabilityStatus::Scheduled; break;
    }
    return res;
  });
  // §5.8 GetConfiguration.
  rpc::handle<m::GetConfigurationRequest>(ep, [this](const m::GetConfigurationRequest& req) {
    std::optional<std::vector<std::string>> keys;
    if (req.key) {
      keys.emplace();
      for (const auto& k : *req.key) keys->push_back(k.str());
    }
    const GetResult got = get_configuration(settings_, keys, core_->connector_count());
    if (got.refused) throw rpc::CallErrorReply(RpcErrorCode::OccurrenceConstraintViolation, *got.refused);
    m::GetConfigurationResponse res;
    std::vector<m::ConfigurationKey> known;
    for (const auto& kv : got.known) {
      m::ConfigurationKey k;
      k.key = kv.key;
      k.readonly = kv.readonly;
      if (kv.value) k.value = kv.value->substr(0, 500);
      known.push_back(std::move(k));
    }
    if (!known.empty()) res.configurationKey = std::move(known);
    if (!got.unknown.empty()) {
      std::vector<CiString<50>> unknown;
      for (const auto& u : got.unknown) unknown.emplace_back(u.substr(0, 50));
      res.unknownKey = std::move(unknown);
    }
    return res;
  });
  // §5.3 ChangeConfiguration.
  rpc::handle<m::ChangeConfigurationRequest>(ep, [this](const m::ChangeConfigurationRequest& req) {
    ChangePolicy policy;
    // DESIGN.md: write-only secrets travel only over an encrypted link (profile 2 or 3), unless a
    // lab allowed plaintext provisioning in the configuration file.
    policy.write_only_keys_allowed = encrypted_ || allow_plaintext_secrets_;
    std::string why;
    m::ChangeConfigurationResponse res;
    switch (change_configuration(settings_, req.key.str(), req.value.str(), policy, &why)) {
      case SetResult::Accepted: res.status = m::ChangeConfigurationStatus::Accepted; break;
      case SetResult::Rejected: res.status = m::ChangeConfigurationStatus::Rejected; break;
      case SetResult::RebootRequired: res.status = m::ChangeConfigurationStatus::RebootRequired; break;
      case SetResult::NotSupported: res.status = m::ChangeConfigurationStatus::NotSupported; break;
    }
    if (!why.empty()) log::info("v16", "ChangeConfiguration " + req.key.str() + ": " + why);
    return res;
  });
  // §5.4 ClearCache.
  rpc::handle<m::ClearCacheRequest>(ep, [this](const m::ClearCacheRequest&) {
    m::ClearCacheResponse res;
    cache_->clear();
    res.status = m::ClearCacheStatus::Accepted;
    return res;
  });
  // §5.6 DataTransfer: no vendor extensions are known.
  rpc::handle<m::DataTransferRequest>(ep, [](const m::DataTransferRequest&) {
    m::DataTransferResponse res;
    res.status = m::DataTransferStatus::UnknownVendorId;
    return res;
  });
  // §5.10 GetLocalListVersion.
  rpc::handle<m::GetLocalListVersionRequest>(ep, [this](const m::GetLocalListVersionRequest&) {
    m::GetLocalListVersionResponse res;
    res.listVersion = local_list_->version();
    return res;
  });
  // §5.15 SendLocalList.
  rpc::handle<m::SendLocalListRequest>(ep, [this](const m::SendLocalListRequest& req) {
    std::vector<LocalListEntry> entries;
    if (req.localAuthorizationList) {
      for (const auto& d : *req.localAuthorizationList) {
        LocalListEntry e;
        e.id_tag = d.idTag.str();
        if (d.idTagInfo) e.info = from_v16(*d.idTagInfo);
        entries.push_back(std::move(e));
      }
    }
    const auto type =
        req.updateType == m::UpdateType::Full ? LocalListUpdateType::Full : LocalListUpdateType::Differential;
    m::SendLocalListResponse res;
    switch (local_list_->apply(req.listVersion, type, entries)) {
      case LocalListUpdateStatus::Accepted: res.status = m::SendLocalListStatus::Accepted; break;
      case LocalListUpdateStatus::Failed: res.status = m::SendLocalListStatus::Failed; break;
      case LocalListUpdateStatus::NotSupported: res.status = m::SendLocalListStatus::NotSupported; break;
      case LocalListUpdateStatus::VersionMismatch: res.status = m::SendLocalListStatus::VersionMismatch; break;
    }
    return res;
  });
  // §5.17 TriggerMessage: the triggered message follows the answer.
  rpc::handle<m::TriggerMessageRequest>(ep, [this](const m::TriggerMessageRequest& req) {
    m::TriggerMessageResponse res;
    const std::optional<ConnectorId> connector =
        req.connectorId ? std::optional<ConnectorId>(*req.connectorId) : std::nullopt;
    if (connector && *connector != 0 && !core_->valid_connector(*connector)) {
      res.status = m::TriggerMessageStatus::Rejected;
      return res;
    }
    std::function<void()> send;
    switch (req.requestedMessage) {
      case m::RequestedMessage::BootNotification:
        send = [this] {
          registration_ = Registration::None;
          boot();
        };
        break;
      case m::RequestedMessage::Heartbeat:
        send = [this] {
          rpc::call(client_->rpc(), m::HeartbeatRequest{}, [this](rpc::Typed<m::HeartbeatResponse>& r) {
            if (r.ok()) sync_clock(r.response->currentTime);
          });
        };
        break;
      case m::RequestedMessage::StatusNotification:
        send = [this, connector] {
          // A triggered status is sent even when it has not changed.
          if (connector) {
            core_->report_status(*connector, true);
          } else {
            core_->report_statuses();
          }
        };
        break;
      case m::RequestedMessage::MeterValues:
        send = [this, connector] { core_->trigger_meter_values(connector); };
        break;
      case m::RequestedMessage::DiagnosticsStatusNotification:
        send = [this] {
          m::DiagnosticsStatusNotificationRequest n;
          n.status = m::DiagnosticsStatusNotificationStatus::Idle;
          rpc::call(client_->rpc(), n);
        };
        break;
      case m::RequestedMessage::FirmwareStatusNotification:
        send = [this] {
          m::FirmwareStatusNotificationRequest n;
          n.status = m::FirmwareStatusNotificationStatus::Idle;
          rpc::call(client_->rpc(), n);
        };
        break;
    }
    res.status = m::TriggerMessageStatus::Accepted;
    auto alive = alive_;
    loop_.post([alive, send] {
      if (*alive) send();
    });
    return res;
  });
}

// §5.13 Reset: the process restarts only once what was sent before has reached the CSMS: the
// Reset answer itself (the process must not go down with it still in the socket's queue), and the
// StopTransactions of the transactions the reset ended (a stop whose answer is lost in the restart
// would be sent a second time after it). Bounded: a CSMS that does not answer gets the rest after
// the restart, from the durable outbox.
void Adapter::restart_when_delivered(bool hard) {
  constexpr std::chrono::seconds kDeliveryLimit{10};
  if (reset_) return;  // a second Reset accepted before the first got here: one restart is enough
  reset_ = PendingReset{hard, false, 0};
  auto alive = alive_;
  const std::string late = "Reset: the CSMS did not confirm delivery within " + std::to_string(kDeliveryLimit.count()) +
                           " s; restarting anyway (the outbox keeps what is left)";
  reset_->deadline = loop_.schedule_after(kDeliveryLimit, [this, alive, late] {
    if (!*alive || !reset_) return;
    reset_->deadline = 0;
    log::warn("v16", late);
    finish_reset();
  });
  reset_progress();
}

void Adapter::reset_progress() {
  if (!reset_ || reset_->probe_sent) return;
  if (!online()) {
    finish_reset();
    return;
  }
  if (sending_ || retry_timer_ != 0 || core_->outbox().size() > 0) return;  // pump() calls again
  // The outbox is delivered. One round trip more proves that every frame sent before it (the Reset
  // answer among them) has left: the CSMS answers in order on one TCP connection.
  reset_->probe_sent = true;
  auto alive = alive_;
  rpc::call(client_->rpc(), m::HeartbeatRequest{}, [this, alive](rpc::Typed<m::HeartbeatResponse>& r) {
    if (!*alive) return;
    if (r.ok()) sync_clock(r.response->currentTime);
    if (reset_) finish_reset();
  });
}

void Adapter::finish_reset() {
  if (!reset_) return;
  const bool hard = reset_->hard;
  if (reset_->deadline != 0) loop_.cancel(reset_->deadline);
  reset_.reset();
  // Posted: this may run inside a callback of the connection that the restart tears down.
  auto alive = alive_;
  loop_.post([this, alive, hard] {
    if (*alive && on_reset_) on_reset_(hard);
  });
}

}  // namespace ocpp::cp::v16
