#pragma once
// Reconnect back-off of OCPP 2.0.1 (B10.FR..., device model variables RetryBackOffWaitMinimum,
// RetryBackOffRandomRange, RetryBackOffRepeatTimes), also used for 1.6: the first wait is the
// minimum plus a random part; each failure doubles the wait, RepeatTimes times, then it stays.
#include <chrono>
#include <random>

namespace ocpp::transport {

struct BackoffPolicy {
  std::chrono::seconds wait_minimum{5};
  std::chrono::seconds random_range{10};
  int repeat_times = 5;
};

class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy, std::uint64_t seed = std::random_device{}())
      : policy_(policy), rng_(seed) {}
  void set_policy(BackoffPolicy policy) { policy_ = policy; }
  // The wait before the next attempt; counts one more failed attempt.
  std::chrono::milliseconds next();
  void reset() { attempts_ = 0; }
  int attempts() const { return attempts_; }

 private:
  BackoffPolicy policy_;
  std::mt19937_64 rng_;
  int attempts_ = 0;
};

}  // namespace ocpp::transport
