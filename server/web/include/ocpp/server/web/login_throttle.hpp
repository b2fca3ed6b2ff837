#pragma once
// Slows down password guessing on the log-in form (docs/driver-pages.md "Security") and, shared with
// it, on the reference CSMS's HTTP Basic (docs/reference-csms.md): after kMaxFailures wrong
// passwords for one user name within kWindow, that name is refused for kLockout whatever the
// password, counted on the injected clock's steady time. Bounded in memory: past kMaxNames entries
// the stalest is forgotten.
#include <chrono>
#include <cstddef>
#include <map>
#include <string>

#include "ocpp/common/clock.hpp"

namespace ocpp::server::web {

class LoginThrottle {
 public:
  static constexpr int kMaxFailures = 5;
  static constexpr std::chrono::seconds kWindow{15 * 60};
  static constexpr std::chrono::seconds kLockout{15 * 60};
  static constexpr std::size_t kMaxNames = 10000;

  explicit LoginThrottle(const Clock& clock) : clock_(clock) {}

  // Zero when `user` may try now, else how long until it may.
  std::chrono::seconds wait_for(const std::string& user);
  void record_failure(const std::string& user);
  void record_success(const std::string& user) { entries_.erase(user); }

 private:
  struct Entry {
    int failures = 0;
    SteadyTime first_failure{};
    SteadyTime locked_until{};
  };
  const Clock& clock_;
  std::map<std::string, Entry> entries_;
};

}  // namespace ocpp::server::web
