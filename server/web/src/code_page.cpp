// POST /c/ID/N/code: a logged-in driver asks for an offline charging code (docs/offline-code.md §9
// "Issue"); the page shows it large, with its expiry, cap and how to type it.
#include <charconv>

#include "formatting.hpp"
#include "ocpp/common/datetime.hpp"
#include "pages.hpp"
#include "url_form.hpp"

namespace ocpp::server::web {
namespace {

// The limits the landing page offers (offer_form.html); anything else is refused, not rounded.
bool is_offered_cap(std::int64_t wh) { return wh == 5000 || wh == 10000 || wh == 20000 || wh == 50000; }

// nullopt: no cap; a cap; or false in `ok` when the field is not one of the offered values.
std::optional<std::int64_t> parse_cap(const std::string& text, bool& ok) {
  ok = true;
  if (text.empty()) return std::nullopt;
  std::int64_t wh = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), wh);
  if (ec != std::errc{} || end != text.data() + text.size() || !is_offered_cap(wh)) {
    ok = false;
    return std::nullopt;
  }
  return wh;
}

Response issued_page(PageEnv& env, const Visit& visit, const std::string& here, const std::string& charge_point_id,
                     int connector, const IssuedCode& issued) {
  std::string expires_text = issued.expires_at;
  std::string expires_relative = "see the time in UTC below";
  if (const auto expires = parse_rfc3339(issued.expires_at)) {
    expires_text = format_utc(*expires);
    expires_relative = format_relative(*expires, env.clock.system_now());
  }
  const std::string cap = issued.energy_cap_wh
                              ? "Energy limit: " + format_kwh(*issued.energy_cap_wh) + ". The charger stops there."
                              : "No energy limit.";
  Html main = render_template("code.html", {{"charge_point_id", charge_point_id},
                                            {"connector", std::to_string(connector)},
                                            {"code", group_code(issued.code)},
                                            {"expires_at", issued.expires_at},
                                            {"expires_text", expires_text},
                                            {"expires_relative", expires_relative},
                                            {"cap", cap}});
  return html_page(200, "Your charging code", std::move(main), visit, here);
}

// Each reason of DriverBackend::issue_code has its own page (docs/driver-pages.md "Errors").
Response issue_error_page(PageEnv& env, const Visit& visit, const std::string& here,
                          const std::string& charge_point_id, int connector, const IssueError& error) {
  Message m;
  m.back_href = landing_href(charge_point_id, connector);
  m.back_text = "Back to the charger";
  if (error.reason == "unknown_charge_point") {
    m.status = 404;
    m.heading = "Charger not found";
    m.message = "There is no charger called \"" + charge_point_id + "\" any more. Scan the QR code on the charger again.";
  } else if (error.reason == "unknown_connector") {
    m.status = 404;
    m.heading = "Connector not found";
    m.message = "Charger " + charge_point_id + " has no connector " + std::to_string(connector) +
                ". Scan the QR code next to the connector you want to use.";
  } else if (error.reason == "no_key") {
    m.status = 409;
    m.heading = "No codes for this charger yet";
    m.message = "This charger has not received its code key yet, so it could not check a code. "
                "Please use another charger, or try again once this one has been online.";
  } else if (error.reason == "rate_limited") {
    m.status = 429;
    m.heading = "Too many codes for now";
    m.message = "You have asked for many codes in a short time. Codes you already have still work.";
    const int wait_s = error.retry_after_s > 0 ? error.retry_after_s : 60;
    const SystemTime retry_at = env.clock.system_now() + std::chrono::seconds{wait_s};
    const std::string relative = format_relative(retry_at, env.clock.system_now());
    m.detail = render_template("retry_detail.html", {{"retry_relative", relative == "now" ? "in a minute" : relative},
                                                     {"retry_at", format_rfc3339(retry_at)},
                                                     {"retry_text", format_utc(retry_at)}});
    Response r = message_page(m, visit, here);
    r.headers.emplace_back("Retry-After", std::to_string(wait_s));
    return r;
  } else if (error.reason == "exhausted") {
    m.status = 409;
    m.heading = "No more codes for this charger";
    m.message = "This charger has used up its codes until the operator renews its key. "
                "Please use another charger.";
  } else {
    // A reason this page does not know yet: the backend's own sentence, never a blank page.
    m.status = 502;
    m.heading = "No code this time";
    m.message = error.message.empty() ? "The code could not be issued (" + error.reason + ")." : error.message;
  }
  return message_page(m, visit, here);
}

}  // namespace

Response issue_code_page(PageEnv& env, const Visit& visit, const std::string& charge_point_id,
                         const std::string& connector_text) {
  const std::string here = visit.request.path;
  const std::string landing = "/c/" + percent_encode(charge_point_id) + "/" + percent_encode(connector_text);
  if (!visit.logged_in()) return redirect(login_href(landing));
  if (!visit.csrf_ok()) {
    Message m;
    m.status = 403;
    m.heading = "Please try again";
    m.message = "This form is out of date (it belongs to an earlier log-in). Open the charger's page again and repeat.";
    m.back_href = landing;
    m.back_text = "Back to the charger";
    return message_page(m, visit, here);
  }
  const std::optional<PileInfo> pile = env.backend.pile(charge_point_id);
  if (!pile) return unknown_pile_page(visit, here, charge_point_id);
  const std::optional<int> connector = parse_connector(connector_text, *pile);
  if (!connector) return unknown_connector_page(visit, here, *pile, connector_text);

  bool cap_ok = true;
  const auto cap_field = visit.form.find("energy_cap_wh");
  const std::optional<std::int64_t> cap = parse_cap(cap_field == visit.form.end() ? "" : cap_field->second, cap_ok);
  if (!cap_ok) {
    Message m;
    m.status = 400;
    m.heading = "Unknown energy limit";
    m.message = "Choose one of the energy limits on the charger's page, or no limit.";
    m.back_href = landing_href(charge_point_id, *connector);
    m.back_text = "Back to the charger";
    return message_page(m, visit, here);
  }

  const auto result = env.backend.issue_code(visit.session->user, charge_point_id, *connector, cap);
  if (const auto* issued = std::get_if<IssuedCode>(&result)) {
    return issued_page(env, visit, here, charge_point_id, *connector, *issued);
  }
  return issue_error_page(env, visit, here, charge_point_id, *connector, std::get<IssueError>(result));
}

}  // namespace ocpp::server::web
