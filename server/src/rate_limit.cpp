#include "ocpp/server/rate_limit.hpp"

#include <algorithm>
#include <stdexcept>

namespace ocpp::server {

RateLimit::RateLimit(unsigned max_per_window, std::int64_t window_s) : max_(max_per_window), window_s_(window_s) {
  if (max_per_window == 0) throw std::invalid_argument("the rate limit must allow at least one code");
  if (window_s <= 0) throw std::invalid_argument("the rate limit window must be positive");
}

std::optional<std::int64_t> RateLimit::retry_after(std::vector<std::int64_t> recent, std::int64_t now) const {
  if (recent.size() < max_) return std::nullopt;
  // One more is allowed once all but max-1 of them have left the window: wait for the one at index
  // size - max (oldest first) to leave it.
  std::sort(recent.begin(), recent.end());
  const std::int64_t leaves_at = recent[recent.size() - max_] + window_s_;
  return std::max<std::int64_t>(1, leaves_at - now);
}

}  // namespace ocpp::server
