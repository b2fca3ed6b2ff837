// GET /me, "My sessions": the driver's codes not used yet and the settled sessions, newest first
// (docs/offline-code.md §9 "Settlement": the settlement reaches the user).
#include <algorithm>

#include "formatting.hpp"
#include "ocpp/common/datetime.hpp"
#include "pages.hpp"

namespace ocpp::server::web {
namespace {

// Sort key for "newest first": the parsed time, with unparsable times last.
SystemTime sort_time(const std::string& rfc3339) { return parse_rfc3339(rfc3339).value_or(SystemTime::min()); }

std::string utc_text(const std::string& rfc3339) {
  const auto t = parse_rfc3339(rfc3339);
  return t ? format_utc(*t) : rfc3339;
}

Html pending_list(std::vector<PendingCodeView> codes, SystemTime now) {
  if (codes.empty()) return render_template("me_pending_empty.html", {});
  std::stable_sort(codes.begin(), codes.end(), [](const PendingCodeView& a, const PendingCodeView& b) {
    return sort_time(a.expires_at) > sort_time(b.expires_at);
  });
  std::string items;
  for (const PendingCodeView& c : codes) {
    const auto expires = parse_rfc3339(c.expires_at);
    items += render_template("me_pending_item.html",
                             {{"code", group_code(c.code)},
                              {"charge_point_id", c.charge_point_id},
                              {"connector", std::to_string(c.connector_id)},
                              {"expires_at", c.expires_at},
                              {"expires_text", utc_text(c.expires_at)},
                              {"expires_relative", expires ? format_relative(*expires, now) : "unknown"}})
                 .text;
  }
  return render_template("card_list.html", {{"items", Html{std::move(items)}}});
}

Html settlement_list(std::vector<SettlementView> settlements) {
  if (settlements.empty()) return render_template("me_settlements_empty.html", {});
  std::stable_sort(settlements.begin(), settlements.end(), [](const SettlementView& a, const SettlementView& b) {
    return sort_time(a.stopped_at) > sort_time(b.stopped_at);
  });
  std::string items;
  for (const SettlementView& s : settlements) {
    const auto started = parse_rfc3339(s.started_at);
    const auto stopped = parse_rfc3339(s.stopped_at);
    const std::string duration =
        started && stopped ? format_duration(std::chrono::duration_cast<std::chrono::seconds>(*stopped - *started))
                           : "unknown";
    items += render_template("me_settlement_item.html", {{"amount", s.amount + " " + s.currency},
                                                         {"energy", format_kwh(s.energy_wh)},
                                                         {"duration", duration},
                                                         {"charge_point_id", s.charge_point_id},
                                                         {"connector", std::to_string(s.connector_id)},
                                                         {"started_at", s.started_at},
                                                         {"started_text", utc_text(s.started_at)},
                                                         {"stopped_at", s.stopped_at},
                                                         {"stopped_text", utc_text(s.stopped_at)},
                                                         {"code", group_code(s.code)}})
                 .text;
  }
  return render_template("card_list.html", {{"items", Html{std::move(items)}}});
}

}  // namespace

Response my_sessions_page(PageEnv& env, const Visit& visit) {
  if (!visit.logged_in()) return redirect(login_href("/me"));
  const std::string& user = visit.session->user;
  Html main = render_template("me.html", {{"pending", pending_list(env.backend.pending_codes(user), env.clock.system_now())},
                                          {"settlements", settlement_list(env.backend.settlements(user))}});
  return html_page(200, "My sessions", std::move(main), visit, "/me");
}

}  // namespace ocpp::server::web
