#pragma once
// How many codes one user may be issued (`--offline-code-rate-limit`, default 10 an hour): a sliding
// window over the issue times the code book keeps, so that it holds across restarts of the server.
#include <cstdint>
#include <optional>
#include <vector>

namespace ocpp::server {

class RateLimit {
 public:
  explicit RateLimit(unsigned max_per_window = 10, std::int64_t window_s = 3600);

  unsigned max_per_window() const { return max_; }
  // Codes issued after this time count against the user at `now`.
  std::int64_t window_start(std::int64_t now) const { return now - window_s_; }
  // `recent`: the issue times (Unix seconds) of the user's codes after window_start(now), in any order.
  // nullopt: one more may be issued now; else the seconds to wait until one may (at least 1), for a
  // Retry-After header.
  std::optional<std::int64_t> retry_after(std::vector<std::int64_t> recent, std::int64_t now) const;

 private:
  unsigned max_;
  std::int64_t window_s_;
};

}  // namespace ocpp::server
