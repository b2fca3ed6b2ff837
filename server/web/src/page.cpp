#include "page.hpp"

#include "url_form.hpp"

namespace ocpp::server::web {
namespace {

void add_security_headers(Response& r) {
  // Pages show codes and bills: never cached (a shared phone's back button must not show them).
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  // Only our own stylesheet and script; no inline script, no framing (clickjacking), forms only here.
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                         "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
}

Html account_links(const Visit& visit, const std::string& here) {
  if (visit.logged_in()) {
    return render_template("nav_user.html", {{"user", visit.session->user}, {"csrf", visit.session->csrf_token}});
  }
  if (here == "/login") return {};  // the page is the log-in form itself
  return render_template("nav_guest.html", {{"login_href", login_href(here)}});
}

}  // namespace

bool Visit::csrf_ok() const {
  if (session == nullptr) return false;
  const auto it = form.find("csrf");
  return it != form.end() && SessionStore::csrf_matches(*session, it->second);
}

Response html_page(int status, const std::string& title, Html main, const Visit& visit, const std::string& here) {
  Response r;
  r.status = status;
  r.body = render_template("layout.html", {{"title", title}, {"account", account_links(visit, here)}, {"main", std::move(main)}})
               .text;
  add_security_headers(r);
  return r;
}

Response message_page(const Message& m, const Visit& visit, const std::string& here) {
  Html main = render_template("message.html", {{"heading", m.heading},
                                               {"message", m.message},
                                               {"message_class", m.is_error ? "error" : "lead"},
                                               {"role", m.is_error ? "alert" : "status"},
                                               {"detail", m.detail},
                                               {"back_href", m.back_href},
                                               {"back_text", m.back_text}});
  return html_page(m.status, m.heading, std::move(main), visit, here);
}

Response redirect(const std::string& location) {
  Response r;
  r.status = 303;
  r.headers.emplace_back("Location", location);
  add_security_headers(r);
  return r;
}

std::pair<std::string, std::string> session_cookie(const Session& session, const SessionLimits& limits) {
  const auto lifetime = session.user.empty() ? limits.anonymous_lifetime : limits.logged_in_lifetime;
  // HttpOnly: no script reads it; SameSite=Strict: no other site's form or link sends it.
  return {"Set-Cookie", std::string(kSessionCookie) + "=" + session.token +
                            "; Path=/; Max-Age=" + std::to_string(lifetime.count()) + "; HttpOnly; SameSite=Strict"};
}

std::pair<std::string, std::string> expired_session_cookie() {
  return {"Set-Cookie", std::string(kSessionCookie) + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"};
}

std::string login_href(const std::string& next) { return "/login?next=" + percent_encode(next); }

std::string landing_href(const std::string& charge_point_id, int connector) {
  return "/c/" + percent_encode(charge_point_id) + "/" + std::to_string(connector);
}

}  // namespace ocpp::server::web
