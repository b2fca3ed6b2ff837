#pragma once
// The security log (1.6 Security Whitepaper §"Security events" / GetLog SecurityLog, 2.0.1 A04 and
// N01 logType SecurityLog): every security event the pile records, KEPT after the CSMS has been
// told (unlike the send queue of security_events.hpp), so that GetLog can upload it later. Bounded
// to the newest entries: a pile under a long attack must not fill its flash with the record of it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/types.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

struct SecurityLogEntry {
  std::int64_t seq = 0;
  std::string type;
  std::string tech_info;
  SystemTime at{};
};

class SecurityLog {
 public:
  static constexpr std::int64_t kDefaultMaxEntries = 2000;

  explicit SecurityLog(db::Database& db, std::int64_t max_entries = kDefaultMaxEntries)
      : db_(db), max_entries_(max_entries) {}

  // Appends one entry; beyond the bound the oldest go, with a log line. Rotating old entries out
  // is not "clearing" the log (2.0.1 SecurityLogWasCleared means the log as a whole was erased), so
  // it raises no event. Runs inside the caller's transaction when there is one.
  void record(const std::string& type, const std::string& tech_info, SystemTime at);
  // Entries with oldest <= at <= latest (either bound optional), oldest first.
  std::vector<SecurityLogEntry> entries(std::optional<SystemTime> oldest = std::nullopt,
                                        std::optional<SystemTime> latest = std::nullopt);
  std::int64_t count();
  // One line per entry, "2026-12-07T10:00:00Z StartupOfTheDevice techInfo", for the uploaded archive.
  static std::string to_text(const std::vector<SecurityLogEntry>& entries);

 private:
  db::Database& db_;
  std::int64_t max_entries_;
};

}  // namespace ocpp::cp
