// B11-B12 Reset: Immediate stops the transactions (stoppedReason ImmediateReset) and restarts once
// what was sent before has reached the CSMS; OnIdle waits until no transaction runs (B12.FR.01).
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

bool any_transaction(ChargePoint& core) {
  for (const auto& v : core.view()) {
    if (v.transaction) return true;
  }
  return false;
}

}  // namespace

void Adapter::register_reset_handlers() {
  rpc::handle<m::ResetRequest>(client_->rpc(), [this](const m::ResetRequest& req) {
    m::ResetResponse res;
    // C-13: resetting a single EVSE is optional; this station resets only as a whole.
    if (req.evseId || reset_ || reset_when_idle_) {
      res.status = m::ResetStatusEnumType::Rejected;
      return res;
    }
    auto alive = alive_;
    if (req.type == m::ResetEnumType::OnIdle && any_transaction(*core_)) {
      // B12.FR.01: Scheduled; it happens when the last transaction has ended (pump() looks).
      reset_when_idle_ = true;
      res.status = m::ResetStatusEnumType::Scheduled;
      return res;
    }
    loop_.post([this, alive] {
      if (!*alive) return;
      core_->reset(true, [this, alive] {
        if (*alive) restart_when_delivered(true);
      });
    });
    res.status = m::ResetStatusEnumType::Accepted;
    return res;
  });
}

// As in 1.6: the restart waits (boundedly) until the answer and the stops it caused are delivered.
void Adapter::restart_when_delivered(bool hard) {
  constexpr std::chrono::seconds kDeliveryLimit{10};
  if (reset_) return;
  reset_ = PendingReset{hard, false, 0};
  auto alive = alive_;
  reset_->deadline = loop_.schedule_after(kDeliveryLimit, [this, alive] {
    if (!*alive || !reset_) return;
    reset_->deadline = 0;
    log::warn("v201", "Reset: the CSMS did not confirm delivery in time; restarting anyway (the outbox keeps the rest)");
    finish_reset();
  });
  reset_progress();
}

void Adapter::reset_progress() {
  if (reset_when_idle_ && !reset_ && !any_transaction(*core_)) {
    reset_when_idle_ = false;
    log::info("v201", "Reset OnIdle: no transaction runs any more; resetting");
    auto alive = alive_;
    core_->reset(false, [this, alive] {
      if (*alive) restart_when_delivered(false);
    });
    return;
  }
  if (!reset_ || reset_->probe_sent) return;
  if (!online()) {
    finish_reset();
    return;
  }
  if (retry_.holding() || core_->outbox().size() > 0) return;  // pump() calls again
  // One round trip more proves that every frame sent before it has left (answers come in order).
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
  auto alive = alive_;
  loop_.post([this, alive, hard] {
    if (*alive && on_reset_) on_reset_(hard);
  });
}

}  // namespace ocpp::cp::v201
