#pragma once
// Brute force of offline codes sent online (docs/offline-code.md §8.4). A pile that is online sends
// what is typed at its keypad in Authorize without judging it, so the server brakes the guesses
// itself, per pile and with the pile's own policy (offline_code::Lockout, §8.1), kept in its
// database so that a restart of the server gives no attempts back.
#include <cstdint>
#include <string>

#include "ocpp/db/sql.hpp"
#include "ocpp/offline_code/lockout.hpp"
#include "ocpp/server/security_event_log.hpp"

namespace ocpp::server {

// The security event the server records when it starts refusing a pile's codes.
inline constexpr const char* kEventOnlineCodeLockout = "OfflineCodeOnlineLockout";

class OnlineCodeThrottle {
 public:
  OnlineCodeThrottle(db::SqlConnection& db, SecurityEventLog& events, offline_code::LockoutPolicy policy = {})
      : db_(db), events_(events), policy_(policy) {}

  // Whether a code from this pile may be judged at `now` (Unix seconds); while it may not, every
  // code of the pile is refused unjudged, so that the answer tells nothing about it.
  bool open(const std::string& charge_point_id, std::int64_t now);
  // A tag shaped like a code that is no code issued for this pile (a wrong MAC, or a genuine code
  // that was never issued: they count alike, or the count would tell them apart). A lock that
  // begins here is logged and recorded as a security event; `at` is `now` in RFC 3339.
  void record_failure(const std::string& charge_point_id, std::int64_t now, const std::string& at);
  // A code issued for this pile was accepted: the count of consecutive failures restarts.
  void record_success(const std::string& charge_point_id, std::int64_t now);

 private:
  // Authorize names no connector, so every online attempt counts on one: connector 0.
  static constexpr unsigned kOnline = 0;

  offline_code::Lockout load(const std::string& charge_point_id);
  void store(const std::string& charge_point_id, const offline_code::Lockout& state);

  db::SqlConnection& db_;
  SecurityEventLog& events_;
  offline_code::LockoutPolicy policy_;
};

}  // namespace ocpp::server
