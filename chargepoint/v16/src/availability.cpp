// Connector statuses and availability (Core profile): §4.9 StatusNotification, held while offline
// and sent on return, and §5.2 ChangeAvailability (the core schedules a change that a running
// transaction holds up, and keeps it across restarts).
#include "conversions.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

void Adapter::send_status(ConnectorId connector, const ConnectorState& state, ErrorCode error,
                          const std::string& info, SystemTime at) {
  if (!online()) {
    pending_status_[connector] = PendingStatus{state, error, info, at};
    return;
  }
  // §4.9: a status is sent when it changed; the same status again tells the CSMS nothing.
  const m::StatusNotificationStatus status = to_v16(state);
  const auto said = std::make_pair(std::string(m::to_string(status)), error);
  const auto last = sent_status_.find(connector);
  if (last != sent_status_.end() && last->second == said) return;
  sent_status_[connector] = said;
  m::StatusNotificationRequest req;
  req.connectorId = connector;
  req.status = status;
  req.errorCode = to_v16(error);
  if (!info.empty()) req.info = info.substr(0, 50);
  req.timestamp = DateTime(at);
  rpc::call(client_->rpc(), req);
}

void Adapter::register_availability_handlers() {
  // §5.2 ChangeAvailability.
  rpc::handle<m::ChangeAvailabilityRequest>(client_->rpc(), [this](const m::ChangeAvailabilityRequest& req) {
    m::ChangeAvailabilityResponse res;
    switch (core_->change_availability(req.connectorId, req.type == m::ChangeAvailabilityType::Operative)) {
      case AvailabilityAnswer::Accepted: res.status = m::ChangeAvailabilityStatus::Accepted; break;
      case AvailabilityAnswer::Rejected: res.status = m::ChangeAvailabilityStatus::Rejected; break;
      case AvailabilityAnswer::Scheduled: res.status = m::ChangeAvailabilityStatus::Scheduled; break;
    }
    return res;
  });
}

}  // namespace ocpp::cp::v16
