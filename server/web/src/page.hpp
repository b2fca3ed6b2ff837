#pragma once
// What every page shares: the layout, the security headers, redirects, the message page, and the
// collaborators a page handler may use.
#include <string>

#include "html.hpp"
#include "ocpp/server/web/driver_pages.hpp"
#include "ocpp/server/web/login_throttle.hpp"
#include "sessions.hpp"

namespace ocpp::server::web {

inline constexpr const char* kSessionCookie = "driver_session";

struct PageEnv {
  DriverBackend& backend;
  const Clock& clock;
  SessionStore& sessions;
  LoginThrottle& login_throttle;
};

// One request being answered: the request, its parsed form (POST body) and query, and the live
// session its cookie names (nullptr when none).
struct Visit {
  const Request& request;
  std::map<std::string, std::string> form;
  std::map<std::string, std::string> query;
  const Session* session = nullptr;

  bool logged_in() const { return session != nullptr && !session->user.empty(); }
  // A POST form of this session carries its CSRF token (SameSite=Strict is the first guard, the
  // token the second: docs/driver-pages.md "Security").
  bool csrf_ok() const;
};

// A page inside the layout. `here` is the page's own path, for the "Log in" link's `next`.
Response html_page(int status, const std::string& title, Html main, const Visit& visit, const std::string& here);

struct Message {
  int status = 200;
  std::string heading;
  std::string message;
  bool is_error = true;       // shown as an alert (role="alert")
  Html detail;                // more markup under the message (may be empty)
  std::string back_href = "/me";
  std::string back_text = "Go to my sessions";
};
Response message_page(const Message& m, const Visit& visit, const std::string& here);

// 303 See Other: after a POST the browser loads `location` with GET.
Response redirect(const std::string& location);

// Set-Cookie for a new session, and the header that ends one.
std::pair<std::string, std::string> session_cookie(const Session& session, const SessionLimits& limits);
std::pair<std::string, std::string> expired_session_cookie();

// "/login?next=<this path>", for pages that need a logged-in driver.
std::string login_href(const std::string& next);
// "/c/<id>/<connector>", the charge point id percent-encoded.
std::string landing_href(const std::string& charge_point_id, int connector);

}  // namespace ocpp::server::web
