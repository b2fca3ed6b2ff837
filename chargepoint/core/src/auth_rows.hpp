#pragma once
// Private to the authorization block: how an IdTagInfo is written to and read from the
// `auth_cache` and `local_list` rows (status as its OCPP name, expiry as RFC 3339 UTC text).
#include <string>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/types.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp::auth_rows {

// format_rfc3339 writes fixed-width UTC ("2026-11-24T09:30:00.123Z"), so stored expiries also
// compare correctly as text, which the cache's eviction query relies on.
inline std::optional<std::string> expiry_text(const std::optional<SystemTime>& expiry) {
  if (!expiry) return std::nullopt;
  return format_rfc3339(*expiry);
}

// Reads status, expiry, parent_id_tag from columns first, first+1, first+2. A row this program did
// not write (unknown status, unreadable expiry) is read as the safe answer: Invalid, or expired.
inline IdTagInfo read_info(const db::Statement& row, int first, std::string_view table) {
  IdTagInfo info;
  const std::string status = row.text(first);
  if (!from_string(status, info.status)) {
    log::warn("auth", std::string(table) + ": unknown status \"" + status + "\" read as Invalid");
    info.status = AuthorizationStatus::Invalid;
  }
  if (const auto expiry = row.optional_text(first + 1)) {
    info.expiry = parse_rfc3339(*expiry);
    if (!info.expiry) {
      log::warn("auth", std::string(table) + ": unreadable expiry \"" + *expiry + "\" read as expired");
      info.expiry = SystemTime{};
    }
  }
  info.parent_id_tag = row.optional_text(first + 2);
  return info;
}

}  // namespace ocpp::cp::auth_rows
