// A04 SecurityEventNotification: the core's durable queue of security events (offline-code
// lockouts and replays among them) sent in order whenever the link is up; not transaction
// messages, so they may overtake those. Also P01 DataTransfer.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

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
    log::error("v201", std::string("cannot read the security events: ") + e.what());
    return;
  }
  if (!event) return;
  m::SecurityEventNotificationRequest req;
  req.type = event->type;
  req.timestamp = DateTime(event->at);
  if (!event->tech_info.empty()) req.techInfo = event->tech_info;
  sending_security_event_ = true;
  auto alive = alive_;
  const auto seq = event->seq;
  rpc::call(client_->rpc(), req, [this, alive, seq](rpc::Typed<m::SecurityEventNotificationResponse>& r) {
    if (!*alive) return;
    sending_security_event_ = false;
    using S = rpc::CallOutcome::Status;
    if (r.status == S::Timeout || r.status == S::Disconnected) return;  // kept: sent again when online
    if (!r.ok()) {
      log::warn("v201", "the CSMS did not take security event " + std::to_string(seq) + " (" +
                            std::string(rpc::to_string(r.status)) + " " + r.error_code + "); dropped");
    }
    try {
      security_events_->remove(seq);
    } catch (const db::DbError& e) {
      log::error("v201", std::string("cannot remove a sent security event: ") + e.what());
      return;
    }
    send_security_events();
  });
}

void Adapter::register_misc_handlers() {
  auto& ep = client_->rpc();
  // P01: no vendor extensions are known.
  rpc::handle<m::DataTransferRequest>(ep, [](const m::DataTransferRequest&) {
    m::DataTransferResponse res;
    res.status = m::DataTransferStatusEnumType::UnknownVendorId;
    return res;
  });
}

}  // namespace ocpp::cp::v201
