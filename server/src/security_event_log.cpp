#include "ocpp/server/security_event_log.hpp"

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::server {

void SecurityEventLog::record(const std::string& cp, const std::string& source, const std::string& type,
                              const std::string& timestamp, const std::string& tech_info) {
  db_.prepare(R"sql(
INSERT INTO security_events(charge_point_id, source, type, timestamp, tech_info, received_at)
VALUES(?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT(charge_point_id, source, type, timestamp, tech_info) DO UPDATE SET received_count=security_events.received_count+1)sql")
      .bind(1, cp).bind(2, source).bind(3, type).bind(4, timestamp).bind(5, tech_info)
      .bind(6, format_rfc3339(clock_.system_now()))
      .run();
  log::warn("security", "security event " + type + " from " + source + " for charge point " + cp + " at " + timestamp +
                            (tech_info.empty() ? std::string() : ": " + tech_info));
}

std::vector<SecurityEvent> SecurityEventLog::list(const std::optional<std::string>& cp) {
  auto st = db_.prepare(
      "SELECT pk, charge_point_id, source, type, timestamp, tech_info, received_at, received_count FROM security_events "
      "WHERE CAST(?1 AS TEXT) IS NULL OR charge_point_id=?1 ORDER BY pk");
  st.bind(1, cp);
  std::vector<SecurityEvent> out;
  while (st.step()) {
    SecurityEvent e;
    e.id = st.int64(0);
    e.charge_point_id = st.text(1);
    e.source = st.text(2);
    e.type = st.text(3);
    e.timestamp = st.text(4);
    e.tech_info = st.text(5);
    e.received_at = st.text(6);
    e.received_count = st.int64(7);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ocpp::server
