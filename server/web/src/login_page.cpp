// GET/POST /login and POST /logout (docs/driver-pages.md "Logging in"). The password is checked by
// DriverBackend::check_password; the session cookie and the CSRF token are ours (sessions.hpp).
#include "ocpp/common/log.hpp"
#include "pages.hpp"
#include "url_form.hpp"

namespace ocpp::server::web {
namespace {

const char* const kDefaultNext = "/me";

// Where to go after log-in: the `next` the form or URL carries when it is a path on this site,
// else "My sessions" (an absolute or protocol-relative URL is an open redirect: refused).
std::string next_target(const std::map<std::string, std::string>& fields) {
  const auto it = fields.find("next");
  if (it == fields.end()) return kDefaultNext;
  return local_path(it->second).value_or(kDefaultNext);
}

// A user name as it may go into a log line: control characters (a forged line break) replaced,
// length bounded.
std::string for_log(const std::string& user) {
  std::string out = user.substr(0, 64);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

std::string field(const Visit& visit, const char* name) {
  const auto it = visit.form.find(name);
  return it == visit.form.end() ? std::string{} : it->second;
}

Response form_page(int status, const Visit& visit, const Session& session, const std::string& next,
                   const std::string& user, const std::string& error) {
  Html alert = error.empty() ? Html{} : render_template("alert.html", {{"message", error}});
  Html main = render_template(
      "login.html", {{"error", std::move(alert)}, {"csrf", session.csrf_token}, {"next", next}, {"user", user}});
  return html_page(status, "Log in", std::move(main), visit, "/login");
}

}  // namespace

Response login_form(PageEnv& env, const Visit& visit) {
  const std::string next = next_target(visit.query);
  if (visit.logged_in()) return redirect(next);
  // The form's CSRF token needs a session before log-in (sessions.hpp).
  if (visit.session != nullptr) return form_page(200, visit, *visit.session, next, "", "");
  const Session& session = env.sessions.create_anonymous();
  Visit with_session{visit.request, visit.form, visit.query, &session};
  Response r = form_page(200, with_session, session, next, "", "");
  r.headers.push_back(session_cookie(session, env.sessions.limits()));
  return r;
}

Response login_submit(PageEnv& env, const Visit& visit) {
  const std::string next = next_target(visit.form);
  const std::string user = field(visit, "user");
  if (!visit.csrf_ok()) {
    // No session (cookies blocked, or the form sat open past its lifetime) or a forged post.
    const Session* session = visit.session;
    Response r;
    if (session == nullptr) session = &env.sessions.create_anonymous();
    Visit with_session{visit.request, visit.form, visit.query, session};
    r = form_page(403, with_session, *session, next, user,
                  "This log-in form had expired. Please log in again (your browser must accept cookies).");
    if (session != visit.session) r.headers.push_back(session_cookie(*session, env.sessions.limits()));
    return r;
  }
  const auto wait = env.login_throttle.wait_for(user);
  if (wait.count() > 0) {
    Response r = form_page(429, visit, *visit.session, next, user,
                           "Too many wrong passwords for this user. Try again in " +
                               std::to_string((wait.count() + 59) / 60) + " minutes.");
    r.headers.emplace_back("Retry-After", std::to_string(wait.count()));
    return r;
  }
  if (user.empty() || !env.backend.check_password(user, field(visit, "password"))) {
    env.login_throttle.record_failure(user);
    log::warn("web", "log-in refused for user '" + for_log(user) + "'");
    return form_page(403, visit, *visit.session, next, user, "Wrong user name or password.");
  }
  env.login_throttle.record_success(user);
  const Session& session = env.sessions.log_in(visit.session->token, user);
  log::info("web", "user '" + for_log(user) + "' logged in");
  Response r = redirect(next);
  r.headers.push_back(session_cookie(session, env.sessions.limits()));
  return r;
}

Response logout(PageEnv& env, const Visit& visit) {
  if (visit.session == nullptr) return redirect("/login");  // already logged out (or expired)
  if (!visit.csrf_ok()) {
    Message m;
    m.status = 403;
    m.heading = "Please try again";
    m.message = "This log-out button is out of date. Reload the page and press it again.";
    return message_page(m, visit, "/me");
  }
  env.sessions.remove(visit.session->token);
  Response r = redirect("/login");
  r.headers.push_back(expired_session_cookie());
  return r;
}

}  // namespace ocpp::server::web
