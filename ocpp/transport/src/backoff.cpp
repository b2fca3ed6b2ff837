#include "ocpp/transport/backoff.hpp"

#include <algorithm>

namespace ocpp::transport {

std::chrono::milliseconds Backoff::next() {
  const int doublings = std::min(attempts_, std::max(policy_.repeat_times, 0));
  ++attempts_;
  const auto base = std::chrono::milliseconds(policy_.wait_minimum) * (1LL << std::min(doublings, 20));
  const auto range_ms = std::chrono::duration_cast<std::chrono::milliseconds>(policy_.random_range).count();
  std::uniform_int_distribution<long long> jitter(0, std::max<long long>(range_ms, 0));
  return base + std::chrono::milliseconds(jitter(rng_));
}

}  // namespace ocpp::transport
