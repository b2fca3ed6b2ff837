// G01-G04: StatusNotification and ChangeAvailability for the station, an EVSE or a connector.
#include "conversions.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

void Adapter::send_status(ConnectorId connector, const ConnectorState& state, ErrorCode error,
                          const std::string& info, SystemTime at) {
  (void)state;  // read again when the message goes (send_status_now)
  (void)error;
  (void)info;
  // 2.0.1 reports connectors only: StatusNotification has no station-level form (evseId 0 is not
  // an EVSE), and a fault's details are the device model's (NotifyEvent), not this message's.
  if (connector == 0) return;
  if (!online()) {
    pending_status_[connector] = at;
    return;
  }
  send_status_now(connector, at);
}

void Adapter::send_status_now(ConnectorId connector, SystemTime at, bool force) {
  const auto where = topology_.located(connector);
  if (!where) return;
  // G01.FR.01: the connector's availability; the detail of a session goes in TransactionEvent's
  // chargingState. Read now, so that a status held while offline is the current one. The core
  // reports each change of the connector's state; its availability is sent when it changed (a
  // session's every phase is Occupied), or when asked (F06.FR.12).
  const auto availability = to_v201(core_->availability(connector));
  const auto last = sent_status_.find(connector);
  if (!force && last != sent_status_.end() && last->second == availability) return;
  sent_status_[connector] = availability;
  m::StatusNotificationRequest req;
  req.evseId = where->first;
  req.connectorId = where->second;
  req.connectorStatus = availability;
  req.timestamp = DateTime(at);
  rpc::call(client_->rpc(), req);
}

namespace {

m::ChangeAvailabilityStatusEnumType to_v201(AvailabilityAnswer a) {
  switch (a) {
    case AvailabilityAnswer::Accepted: return m::ChangeAvailabilityStatusEnumType::Accepted;
    case AvailabilityAnswer::Rejected: return m::ChangeAvailabilityStatusEnumType::Rejected;
    case AvailabilityAnswer::Scheduled: return m::ChangeAvailabilityStatusEnumType::Scheduled;
  }
  return m::ChangeAvailabilityStatusEnumType::Rejected;
}

}  // namespace

void Adapter::register_availability_handlers() {
  // G03 (station), G04 (EVSE or connector): Scheduled while a transaction runs there (G03.FR.05),
  // applied when it ends; persisted across restarts by the core.
  rpc::handle<m::ChangeAvailabilityRequest>(client_->rpc(), [this](const m::ChangeAvailabilityRequest& req) {
    m::ChangeAvailabilityResponse res;
    const bool operative = req.operationalStatus == m::OperationalStatusEnumType::Operative;
    if (!req.evse || req.evse->id == 0) {
      res.status = to_v201(core_->change_availability(0, operative));
      return res;
    }
    const EvseInfo* evse = topology_.evse(req.evse->id);
    if (evse == nullptr) {
      res.status = m::ChangeAvailabilityStatusEnumType::Rejected;
      return res;
    }
    std::vector<ConnectorId> targets;
    if (req.evse->connectorId) {
      if (auto flat = topology_.flat(req.evse->id, *req.evse->connectorId)) targets.push_back(*flat);
    } else {
      for (const auto& c : evse->connectors) targets.push_back(*topology_.flat(evse->id, c.id));
    }
    if (targets.empty()) {
      res.status = m::ChangeAvailabilityStatusEnumType::Rejected;
      return res;
    }
    res.status = m::ChangeAvailabilityStatusEnumType::Accepted;
    for (const auto flat : targets) {
      const auto answer = core_->change_availability(flat, operative);
      if (answer == AvailabilityAnswer::Rejected) res.status = m::ChangeAvailabilityStatusEnumType::Rejected;
      if (answer == AvailabilityAnswer::Scheduled && res.status == m::ChangeAvailabilityStatusEnumType::Accepted) {
        res.status = m::ChangeAvailabilityStatusEnumType::Scheduled;
      }
    }
    return res;
  });
}

}  // namespace ocpp::cp::v201
