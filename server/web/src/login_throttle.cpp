#include "ocpp/server/web/login_throttle.hpp"

namespace ocpp::server::web {

std::chrono::seconds LoginThrottle::wait_for(const std::string& user) {
  const auto it = entries_.find(user);
  if (it == entries_.end()) return std::chrono::seconds{0};
  const SteadyTime now = clock_.steady_now();
  if (now < it->second.locked_until) {
    // Rounded up, so that a driver told "try in N seconds" is never refused again at N.
    return std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
  }
  return std::chrono::seconds{0};
}

void LoginThrottle::record_failure(const std::string& user) {
  const SteadyTime now = clock_.steady_now();
  auto it = entries_.find(user);
  if (it == entries_.end()) {
    if (entries_.size() >= kMaxNames) {
      auto stalest = entries_.begin();
      for (auto e = entries_.begin(); e != entries_.end(); ++e) {
        if (std::max(e->second.first_failure, e->second.locked_until) <
            std::max(stalest->second.first_failure, stalest->second.locked_until)) {
          stalest = e;
        }
      }
      entries_.erase(stalest);
    }
    it = entries_.emplace(user, Entry{}).first;
  }
  Entry& e = it->second;
  if (e.failures == 0 || now - e.first_failure > kWindow) {
    e.failures = 0;
    e.first_failure = now;
  }
  if (++e.failures >= kMaxFailures) {
    e.locked_until = now + kLockout;
    e.failures = 0;
  }
}

}  // namespace ocpp::server::web
