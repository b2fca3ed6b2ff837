// 1.6 §5.14 Reset (Core profile), and the restart of the daemon that follows it.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

void Adapter::register_reset_handlers() {
  // §5.14 Reset: accepted now; transactions stop (SoftReset/HardReset) and the daemon restarts once
  // the answer is out (restart_when_delivered).
  rpc::handle<m::ResetRequest>(client_->rpc(), [this](const m::ResetRequest& req) {
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
}

// §5.14 Reset: the process restarts only once what was sent before has reached the CSMS: the
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
  if (retry_.holding() || core_->outbox().size() > 0) return;  // pump() calls again
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
