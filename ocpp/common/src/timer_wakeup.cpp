#include "ocpp/common/timer_wakeup.hpp"

#include <algorithm>

namespace ocpp {

TimerWakeup::Step TimerWakeup::update(std::optional<SteadyTime> next, SteadyTime now) {
  if (!next) {
    if (!armed_) return {};
    armed_.reset();
    return {Action::disarm, {}};
  }
  if (armed_ == next) return {};
  armed_ = next;
  // A deadline already passed still needs a wake-up, at once.
  const auto delay = std::max<std::chrono::nanoseconds>(*next - now, std::chrono::nanoseconds{1});
  return {Action::arm, delay};
}

}  // namespace ocpp
