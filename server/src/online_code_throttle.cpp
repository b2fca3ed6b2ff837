#include "ocpp/server/online_code_throttle.hpp"

#include <chrono>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::server {
namespace {

std::string rfc3339(std::int64_t unix_seconds) {
  return format_rfc3339(SystemTime(std::chrono::seconds(unix_seconds)));
}

}  // namespace

offline_code::Lockout OnlineCodeThrottle::load(const std::string& cp) {
  auto st = db_.prepare("SELECT state FROM offline_code_online_lockouts WHERE charge_point_id=?1");
  st.bind(1, cp);
  if (!st.step()) return offline_code::Lockout(policy_);
  if (auto parsed = offline_code::Lockout::parse(st.text(0), policy_)) return std::move(*parsed);
  // Only this class writes the row; a state it cannot read is a damaged database, said loudly.
  log::error("offline-code", "unreadable online lockout state of " + cp + ": starting it again");
  return offline_code::Lockout(policy_);
}

void OnlineCodeThrottle::store(const std::string& cp, const offline_code::Lockout& state) {
  db_.prepare(R"sql(
INSERT INTO offline_code_online_lockouts(charge_point_id, state) VALUES(?1, ?2)
ON CONFLICT(charge_point_id) DO UPDATE SET state=excluded.state)sql")
      .bind(1, cp).bind(2, state.serialise())
      .run();
}

bool OnlineCodeThrottle::open(const std::string& cp, std::int64_t now) {
  auto state = load(cp);
  const auto gate = state.gate(kOnline, now);
  if (gate.open()) return true;
  log::warn("offline-code", "charge point " + cp + ": online code entry locked until " + rfc3339(gate.until) +
                                " (" + std::string(offline_code::to_string(gate.locked_by)) + "): refused unjudged");
  return false;
}

void OnlineCodeThrottle::record_failure(const std::string& cp, std::int64_t now, const std::string& at) {
  auto state = load(cp);
  const auto outcome = state.record_failure(kOnline, now);
  // §8.1 on the pile: the failure is durable before the answer leaves.
  store(cp, state);
  if (!outcome.connector_locked && !outcome.pile_locked) return;
  const std::int64_t until = outcome.pile_locked ? outcome.pile_until : outcome.connector_until;
  const std::string what = "online code entry locked until " + rfc3339(until) + " after " +
                           std::to_string(outcome.connector_failures) + " wrong codes in a row, " +
                           std::to_string(outcome.budget_left) + " attempts left in the pile's budget";
  log::error("security", "charge point " + cp + ": " + what);
  events_.record(cp, kSourceCsms, kEventOnlineCodeLockout, at, what);
}

void OnlineCodeThrottle::record_success(const std::string& cp, std::int64_t now) {
  auto state = load(cp);
  state.record_success(kOnline, now);
  store(cp, state);
}

}  // namespace ocpp::server
