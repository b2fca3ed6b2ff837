#include "ocpp/cp/security_events.hpp"

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/security_log.hpp"

namespace ocpp::cp {

void SecurityEvents::push(const std::string& type, const std::string& tech_info, SystemTime at) {
  db_.transaction([&] {
    db_.prepare("INSERT INTO security_events(type, tech_info, at) VALUES(?1, ?2, ?3)")
        .bind(1, type.substr(0, kMaxTypeLength))
        .bind(2, tech_info.substr(0, kMaxTechInfoLength))
        .bind(3, format_rfc3339(at))
        .run();
    // Also kept in the security log, which outlives the sending (GetLog SecurityLog).
    SecurityLog(db_).record(type.substr(0, kMaxTypeLength), tech_info.substr(0, kMaxTechInfoLength), at);
    auto excess = db_.prepare("SELECT COUNT(*) - ?1 FROM security_events");
    excess.bind(1, kMaxQueued);
    if (excess.step() && excess.int64(0) > 0) {
      const auto n = excess.int64(0);
      db_.prepare("DELETE FROM security_events WHERE seq IN (SELECT seq FROM security_events ORDER BY seq LIMIT ?1)")
          .bind(1, n)
          .run();
      log::warn("security", std::to_string(n) + " unsent security event(s) dropped: the queue holds " +
                                std::to_string(kMaxQueued));
    }
  });
  log::warn("security", type + (tech_info.empty() ? "" : ": " + tech_info));
  for (std::size_t i = 0; i < listeners_.size(); ++i) listeners_[i]();
}

std::optional<SecurityEvent> SecurityEvents::front() {
  auto st = db_.prepare("SELECT seq, type, tech_info, at FROM security_events ORDER BY seq LIMIT 1");
  if (!st.step()) return std::nullopt;
  SecurityEvent e;
  e.seq = st.int64(0);
  e.type = st.text(1);
  e.tech_info = st.optional_text(2).value_or("");
  e.at = parse_rfc3339(st.text(3)).value_or(SystemTime{});
  return e;
}

void SecurityEvents::remove(std::int64_t seq) {
  db_.prepare("DELETE FROM security_events WHERE seq=?1").bind(1, seq).run();
}

std::int64_t SecurityEvents::count() {
  auto st = db_.prepare("SELECT COUNT(*) FROM security_events");
  st.step();
  return st.int64(0);
}

}  // namespace ocpp::cp
