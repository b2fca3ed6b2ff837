#pragma once
// Deadline-ordered timers shared by every EventLoop implementation.
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/event_loop.hpp"

namespace ocpp {

class TimerQueue {
 public:
  TimerId add(SteadyTime deadline, std::function<void()> fn);
  void cancel(TimerId id);
  // Runs every timer due at `now`, earliest first; timers added while running wait for the next call
  // unless they are already due (a zero delay runs in the same call). Returns how many ran.
  std::size_t run_due(SteadyTime now);
  std::optional<SteadyTime> next_deadline() const;
  bool empty() const { return timers_.empty(); }

 private:
  using Key = std::pair<SteadyTime, TimerId>;
  std::map<Key, std::function<void()>> timers_;
  std::unordered_map<TimerId, SteadyTime> deadlines_;
  TimerId next_id_ = 1;
};

// An EventLoop for tests: nothing happens until the test advances the ManualClock through it.
class ManualEventLoop final : public EventLoop {
 public:
  explicit ManualEventLoop(ManualClock& clock) : clock_(clock) {}
  const Clock& clock() const override { return clock_; }
  TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancel(TimerId id) override { timers_.cancel(id); }
  void post(std::function<void()> fn) override;
  // Runs posted work and due timers until nothing is left to do at the current time.
  void run_pending();
  // Moves the clock forward in steps, firing timers at their deadlines in order.
  void advance(std::chrono::milliseconds d);

 private:
  ManualClock& clock_;
  TimerQueue timers_;
  std::vector<std::function<void()>> posted_;
};

}  // namespace ocpp
