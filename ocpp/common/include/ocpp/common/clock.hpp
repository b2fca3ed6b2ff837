#pragma once
// Time sources. All protocol and charging logic reads time through Clock so that tests can drive it
// deterministically (DESIGN.md principle 2): steady time for timers and timeouts, system time for the
// timestamps that go on the wire.
#include <chrono>

namespace ocpp {

using SteadyTime = std::chrono::steady_clock::time_point;
using SystemTime = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime steady_now() const = 0;
  virtual SystemTime system_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
  SystemTime system_now() const override { return std::chrono::system_clock::now(); }
};

// A clock that only moves when told to. Steady and system time advance together.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(SystemTime system_start = SystemTime{std::chrono::hours{24 * 365 * 55}})
      : system_(system_start) {}
  SteadyTime steady_now() const override { return steady_; }
  SystemTime system_now() const override { return system_; }
  void advance(std::chrono::milliseconds d) {
    steady_ += d;
    system_ += d;
  }
  // Steps the wall clock only, as a clock sync or a reset RTC does.
  void set_system(SystemTime t) { system_ = t; }

 private:
  SteadyTime steady_{};
  SystemTime system_;
};

}  // namespace ocpp
