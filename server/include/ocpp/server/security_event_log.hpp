#pragma once
// Security events: those the piles report (1.6 and 2.0.1 SecurityEventNotification, e.g.
// "OfflineCodeLockout", "OfflineCodeReplayed") and those the server finds itself while settling
// (docs/offline-code.md §8.3, §9: a code it never issued, a code of another pile, a code used twice).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/db/sql.hpp"

namespace ocpp::server {

inline constexpr const char* kSourceChargePoint = "charge_point";
inline constexpr const char* kSourceCsms = "csms";

// Types of the events the server records itself.
inline constexpr const char* kEventCodeNotIssued = "OfflineCodeNotIssued";
inline constexpr const char* kEventCodeOfOtherPile = "OfflineCodeOfOtherPile";
inline constexpr const char* kEventCodeUsedTwice = "OfflineCodeUsedTwice";

struct SecurityEvent {
  std::int64_t id = 0;
  std::string charge_point_id;
  std::string source;     // kSourceChargePoint or kSourceCsms
  std::string type;
  std::string timestamp;  // when it happened (RFC 3339), as its source says
  std::string tech_info;  // "" when none
  std::string received_at;
  std::int64_t received_count = 1;  // a pile that replays the same notification is counted, not listed twice
};

class SecurityEventLog {
 public:
  SecurityEventLog(db::SqlConnection& db, const Clock& clock) : db_(db), clock_(clock) {}

  void record(const std::string& charge_point_id, const std::string& source, const std::string& type,
              const std::string& timestamp, const std::string& tech_info);
  // Oldest first; all piles when `charge_point_id` is nullopt.
  std::vector<SecurityEvent> list(const std::optional<std::string>& charge_point_id);

 private:
  db::SqlConnection& db_;
  const Clock& clock_;
};

}  // namespace ocpp::server
