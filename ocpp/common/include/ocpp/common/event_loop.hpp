#pragma once
// The one event loop of DESIGN.md principle 2. All protocol and charging logic runs on its thread;
// other threads hand work to it with post().
#include <chrono>
#include <cstdint>
#include <functional>

#include "ocpp/common/clock.hpp"

namespace ocpp {

using TimerId = std::uint64_t;

class EventLoop {
 public:
  virtual ~EventLoop() = default;
  virtual const Clock& clock() const = 0;
  // Runs `fn` on the loop thread once `delay` has passed on clock().steady_now().
  virtual TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) = 0;
  // Cancelling an unknown or already fired timer is a no-op.
  virtual void cancel(TimerId id) = 0;
  // Thread-safe: runs `fn` on the loop thread as soon as possible, in posting order.
  virtual void post(std::function<void()> fn) = 0;
};

}  // namespace ocpp
