// Routing of the driver's pages (docs/driver-pages.md "Paths"): which path is a page, which method
// it takes, and the session its cookie names. Everything else is nullopt, for the HTTP API.
#include "ocpp/server/web/driver_pages.hpp"

#include <exception>
#include <memory>

#include "ocpp/common/log.hpp"
#include "pages.hpp"
#include "url_form.hpp"

namespace ocpp::server::web {
namespace {

bool is_get(const Request& r) { return r.method == "GET" || r.method == "HEAD"; }
bool is_post(const Request& r) { return r.method == "POST"; }

Response not_found(const Visit& visit) {
  Message m;
  m.status = 404;
  m.heading = "Page not found";
  m.message = "There is no page at this address. To charge, scan the QR code on the charger.";
  return message_page(m, visit, visit.request.path);
}

Response method_not_allowed(const Visit& visit, const char* allow) {
  Message m;
  m.status = 405;
  m.heading = "Not possible here";
  m.message = "This address cannot be used this way. Use the buttons on the pages.";
  Response r = message_page(m, visit, visit.request.path);
  r.headers.emplace_back("Allow", allow);
  return r;
}

}  // namespace

class DriverPages::Impl {
 public:
  Impl(DriverBackend& backend, const Clock& clock, LoginThrottle* shared_throttle)
      : sessions_(clock),
        own_throttle_(shared_throttle != nullptr ? nullptr : std::make_unique<LoginThrottle>(clock)),
        env_{backend, clock, sessions_, shared_throttle != nullptr ? *shared_throttle : *own_throttle_} {}

  std::optional<Response> handle(const Request& request) {
    const std::vector<std::string> segments = path_segments(request.path);
    if (segments.empty() || !is_page_root(segments.front())) return std::nullopt;
    Visit visit{request, {}, parse_form(request.query), nullptr};
    if (is_post(request)) visit.form = parse_form(request.body);
    if (const auto token = cookie_value(request.cookie, kSessionCookie)) visit.session = sessions_.find(*token);
    try {
      Response r = route(visit, segments);
      if (request.method == "HEAD") r.body.clear();
      return r;
    } catch (const std::exception& e) {
      // A broken template or a backend that threw: the driver gets a page, the log says what.
      log::error("web", request.method + " " + request.path + " failed: " + e.what());
      Response r;
      r.status = 500;
      r.content_type = "text/plain; charset=utf-8";
      r.body = "Something went wrong on our side. Please try again in a moment.\n";
      r.headers.emplace_back("Cache-Control", "no-store");
      return r;
    }
  }

 private:
  static bool is_page_root(const std::string& first) {
    return first == "c" || first == "login" || first == "logout" || first == "me" || first == "static";
  }

  Response route(const Visit& visit, const std::vector<std::string>& s) {
    const Request& r = visit.request;
    const std::string& root = s.front();
    if (root == "c") {
      if (s.size() == 3 && !s[1].empty()) {
        return is_get(r) ? landing_page(env_, visit, s[1], s[2]) : method_not_allowed(visit, "GET");
      }
      if (s.size() == 4 && !s[1].empty() && s[3] == "code") {
        if (is_post(r)) return issue_code_page(env_, visit, s[1], s[2]);
        // A reload or a bookmark of the code address: back to the charger's page.
        if (is_get(r)) return redirect("/c/" + percent_encode(s[1]) + "/" + percent_encode(s[2]));
        return method_not_allowed(visit, "POST");
      }
      return not_found(visit);
    }
    if (s.size() != 1) {
      if (root == "static" && s.size() == 2 && is_get(r)) {
        if (auto file = static_file(s[1])) return *file;
      }
      return not_found(visit);
    }
    if (root == "login") {
      if (is_get(r)) return login_form(env_, visit);
      if (is_post(r)) return login_submit(env_, visit);
      return method_not_allowed(visit, "GET, POST");
    }
    if (root == "logout") return is_post(r) ? logout(env_, visit) : method_not_allowed(visit, "POST");
    if (root == "me") return is_get(r) ? my_sessions_page(env_, visit) : method_not_allowed(visit, "GET");
    return not_found(visit);  // "/static" alone
  }

  SessionStore sessions_;
  std::unique_ptr<LoginThrottle> own_throttle_;  // when none is shared
  PageEnv env_;
};

DriverPages::DriverPages(DriverBackend& backend, const Clock& clock)
    : impl_(std::make_unique<Impl>(backend, clock, nullptr)) {}
DriverPages::DriverPages(DriverBackend& backend, const Clock& clock, LoginThrottle& shared_throttle)
    : impl_(std::make_unique<Impl>(backend, clock, &shared_throttle)) {}
DriverPages::~DriverPages() = default;
std::optional<Response> DriverPages::handle(const Request& request) { return impl_->handle(request); }

}  // namespace ocpp::server::web
