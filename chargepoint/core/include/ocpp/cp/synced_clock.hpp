#pragma once
// Wall time corrected by the CSMS's clock (BootNotification and Heartbeat currentTime, 1.6 §4.2 and
// §4.6): the offset is applied to what the system clock says, so the pile's timestamps follow the
// CSMS even where the process may not set the system clock. Steady time is untouched, so timers
// do not jump.
#include <atomic>
#include <functional>
#include <utility>

#include "ocpp/common/clock.hpp"

namespace ocpp::cp {

class SyncedClock final : public Clock {
 public:
  explicit SyncedClock(const Clock& base) : base_(base) {}
  SteadyTime steady_now() const override { return base_.steady_now(); }
  SystemTime system_now() const override {
    return base_.system_now() + std::chrono::milliseconds(offset_ms_.load());
  }
  // Sets the offset so that system_now() reads `csms_time` now.
  void sync_to(SystemTime csms_time) {
    const long long before = offset_ms_;
    offset_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(csms_time - base_.system_now()).count();
    if (on_sync_) on_sync_();
    if (on_moved_) on_moved_(std::chrono::milliseconds(offset_ms_.load() - before));
  }
  // Called (on the loop thread) after each sync with how far the pile's time moved: the security
  // monitor's SettingSystemTime.
  void on_moved(std::function<void(std::chrono::milliseconds)> fn) { on_moved_ = std::move(fn); }
  // Called (on the loop thread) after each sync: the offline code's clock policy records it
  // (docs/offline-code.md §7).
  void on_sync(std::function<void()> fn) { on_sync_ = std::move(fn); }
  std::chrono::milliseconds offset() const { return std::chrono::milliseconds(offset_ms_.load()); }

 private:
  const Clock& base_;
  std::atomic<long long> offset_ms_{0};
  std::function<void()> on_sync_;
  std::function<void(std::chrono::milliseconds)> on_moved_;
};

}  // namespace ocpp::cp
