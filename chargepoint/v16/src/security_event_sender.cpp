// Security events to the CSMS (1.6 security extension, "SecurityEventNotification"): the durable
// queue of the core (security_events.hpp) is sent in order, one at a time, whenever the link is up.
// Events are not transaction messages and may overtake them (1.6 §3.7 orders only those).
#include "ocpp/common/log.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

void Adapter::bind_security_events(SecurityEvents& events) {
  security_events_ = &events;
  events.on_push([this] { send_security_events(); });
}

void Adapter::send_security_events() {
  if (security_events_ == nullptr || sending_security_event_ || !online()) return;
  std::optional<SecurityEvent> event;
  try {
    event = security_events_->front();
  } catch (const db::DbError& e) {
    log::error("v16", std::string("cannot read the security events: ") + e.what());
    return;
  }
  if (!event) return;
  ocpp::v16::SecurityEventNotificationRequest req;
  req.type = event->type;  // the queue keeps types and texts within the protocol's lengths
  req.timestamp = DateTime(event->at);
  if (!event->tech_info.empty()) req.techInfo = event->tech_info;
  sending_security_event_ = true;
  auto alive = alive_;
  const auto seq = event->seq;
  rpc::call(client_->rpc(), req, [this, alive, seq](rpc::Typed<ocpp::v16::SecurityEventNotificationResponse>& r) {
    if (!*alive) return;
    sending_security_event_ = false;
    using S = rpc::CallOutcome::Status;
    if (r.status == S::Timeout || r.status == S::Disconnected) return;  // kept: sent again when online
    if (!r.ok()) {
      // A CSMS without the security extension answers NotImplemented: it will never take the
      // event, so it is dropped (with a log line) rather than blocking the ones after it.
      log::warn("v16", "the CSMS did not take security event " + std::to_string(seq) + " (" +
                           std::string(rpc::to_string(r.status)) + " " + r.error_code + "); dropped");
    }
    try {
      security_events_->remove(seq);
    } catch (const db::DbError& e) {
      log::error("v16", std::string("cannot remove a sent security event: ") + e.what());
      return;
    }
    send_security_events();
  });
}

}  // namespace ocpp::cp::v16
