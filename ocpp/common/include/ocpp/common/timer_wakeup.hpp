#pragma once
// When an event loop must next wake up for its timers, and whether the kernel timer that wakes it
// needs re-arming. Kept apart from the loop so that this arithmetic is tested on a ManualClock: a
// pile that sleeps between its timers depends on it (issue 15: an idle pile wakes only when a timer
// is due, never to look at the time).
#include <chrono>
#include <optional>

#include "ocpp/common/clock.hpp"

namespace ocpp {

class TimerWakeup {
 public:
  enum class Action { keep, arm, disarm };
  struct Step {
    Action action = Action::keep;
    // For arm: how long from now; never zero, because a zero timerfd value disarms it.
    std::chrono::nanoseconds delay{0};
  };

  // The step that makes the wake-up match `next`, the earliest deadline of the loop's timers (none
  // when it has no timer), at `now`. `keep` when what is armed already matches: scheduling a timer
  // later than the earliest, or cancelling one that is not the earliest, costs no system call.
  Step update(std::optional<SteadyTime> next, SteadyTime now);
  // The armed wake-up went off; the next update() arms again even for the same deadline (a clock
  // other than the kernel's monotonic one may not have reached it yet).
  void fired() { armed_.reset(); }
  std::optional<SteadyTime> armed() const { return armed_; }

 private:
  std::optional<SteadyTime> armed_;
};

}  // namespace ocpp
