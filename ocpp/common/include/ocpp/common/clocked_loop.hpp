#pragma once
// An event loop seen through another clock: timers and posted work run on `loop`, but clock()
// answers with `clock`. Several charge points share one loop (ocpp-fleet) while each keeps the
// wall time its own CSMS set (1.6 §4.2/§4.6 currentTime, through cp::SyncedClock): before this,
// the pile's clock was the loop's, so one pile's time sync would have moved every pile's time.
// `clock` must read the same steady time as the loop's own clock, since the loop's timers run on it.
#include "ocpp/common/event_loop.hpp"

namespace ocpp {

class ClockedLoop final : public EventLoop {
 public:
  ClockedLoop(EventLoop& loop, const Clock& clock) : loop_(loop), clock_(clock) {}
  const Clock& clock() const override { return clock_; }
  TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override {
    return loop_.schedule_after(delay, std::move(fn));
  }
  void cancel(TimerId id) override { loop_.cancel(id); }
  void post(std::function<void()> fn) override { loop_.post(std::move(fn)); }

 private:
  EventLoop& loop_;
  const Clock& clock_;
};

}  // namespace ocpp
