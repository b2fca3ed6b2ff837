#include "ocpp/cp/security_log.hpp"

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::cp {

void SecurityLog::record(const std::string& type, const std::string& tech_info, SystemTime at) {
  db_.prepare("INSERT INTO security_log(type, tech_info, at) VALUES(?1, ?2, ?3)")
      .bind(1, type)
      .bind(2, tech_info)
      .bind(3, format_rfc3339(at))
      .run();
  auto excess = db_.prepare("SELECT COUNT(*) - ?1 FROM security_log");
  excess.bind(1, max_entries_);
  if (excess.step() && excess.int64(0) > 0) {
    const auto n = excess.int64(0);
    db_.prepare("DELETE FROM security_log WHERE seq IN (SELECT seq FROM security_log ORDER BY seq LIMIT ?1)")
        .bind(1, n)
        .run();
    log::info("security", "security log: " + std::to_string(n) + " oldest entr" + (n == 1 ? "y" : "ies") +
                              " dropped; it keeps the newest " + std::to_string(max_entries_));
  }
}

std::vector<SecurityLogEntry> SecurityLog::entries(std::optional<SystemTime> oldest, std::optional<SystemTime> latest) {
  std::vector<SecurityLogEntry> out;
  auto st = db_.prepare("SELECT seq, type, tech_info, at FROM security_log ORDER BY seq");
  while (st.step()) {
    SecurityLogEntry e;
    e.seq = st.int64(0);
    e.type = st.text(1);
    e.tech_info = st.optional_text(2).value_or("");
    e.at = parse_rfc3339(st.text(3)).value_or(SystemTime{});
    if ((oldest && e.at < *oldest) || (latest && e.at > *latest)) continue;
    out.push_back(std::move(e));
  }
  return out;
}

std::int64_t SecurityLog::count() {
  auto st = db_.prepare("SELECT COUNT(*) FROM security_log");
  st.step();
  return st.int64(0);
}

std::string SecurityLog::to_text(const std::vector<SecurityLogEntry>& entries) {
  std::string text;
  for (const auto& e : entries) {
    text += format_rfc3339(e.at) + " " + e.type;
    if (!e.tech_info.empty()) text += " " + e.tech_info;
    text += "\n";
  }
  return text;
}

}  // namespace ocpp::cp
