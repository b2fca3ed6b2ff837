#include "ocpp/server/driver_backend.hpp"

#include <algorithm>
#include <chrono>

namespace ocpp::server {

bool OfflineCodeDriverBackend::check_password(const std::string& user, const std::string& password) const {
  return users_.check(user, password);
}

std::optional<web::PileInfo> OfflineCodeDriverBackend::pile(const std::string& cp) {
  const auto facts = piles_.find(cp);
  if (!facts) return std::nullopt;
  web::PileInfo info;
  info.id = cp;
  info.connected = facts->connected;
  info.connectors = facts->connectors;
  info.codes_available = service_.enabled() && service_.key_state(cp).codes_available();
  return info;
}

std::variant<web::IssuedCode, web::IssueError> OfflineCodeDriverBackend::issue_code(
    const std::string& user, const std::string& cp, int connector_id, std::optional<std::int64_t> energy_cap_wh) {
  IssueRequest req;
  req.user = user;
  req.charge_point_id = cp;
  req.connector_id = connector_id;
  req.energy_cap_wh = energy_cap_wh;
  const auto out = service_.issue(req);
  if (const auto* e = std::get_if<IssueError>(&out)) {
    web::IssueError err;
    err.reason = e->failure == IssueFailure::Disabled ? "no_key" : e->reason;
    err.message = e->failure == IssueFailure::Disabled ? "This server does not issue offline codes." : e->message;
    err.retry_after_s = static_cast<int>(e->retry_after_s);
    return err;
  }
  const auto& r = std::get<IssuedCode>(out).record;
  return web::IssuedCode{r.code, r.expires_at, r.energy_cap_wh};
}

std::vector<web::SettlementView> OfflineCodeDriverBackend::settlements(const std::string& user) {
  auto rows = service_.settlements_of(user);
  std::reverse(rows.begin(), rows.end());
  std::vector<web::SettlementView> out;
  for (const auto& s : rows) {
    out.push_back(web::SettlementView{s.code, s.charge_point_id, s.connector_id, s.transaction_id, s.energy_wh,
                                      s.started_at, s.stopped_at, s.amount, s.currency});
  }
  return out;
}

std::vector<web::PendingCodeView> OfflineCodeDriverBackend::pending_codes(const std::string& user) {
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.system_now().time_since_epoch()).count();
  std::vector<web::PendingCodeView> out;
  for (const auto& c : service_.codes_of(user)) {
    if (service_.settlement(c.charge_point_id, c.code)) continue;
    if (c.expires_unix <= now && !c.transaction_id) continue;
    out.push_back(web::PendingCodeView{c.code, c.charge_point_id, c.connector_id, c.expires_at});
  }
  return out;
}

}  // namespace ocpp::server
