#pragma once
// The driver's pages (DESIGN.md "Driver pages", docs/driver-pages.md): server-rendered HTML for a
// phone. The HTTP server of the reference CSMS hands every non-/api/ request here; a page path gets
// a response, anything else gets nullopt so that the caller can answer it (the API, or its own 404).
// Everything the pages show or do goes through DriverBackend; login sessions live in memory here.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/server/web/driver_backend.hpp"

namespace ocpp::server::web {

// One HTTP request as the pages need it. `path` excludes the query string; `query` and a form
// `body` are application/x-www-form-urlencoded; `cookie` and `authorization` are the raw header
// values (empty when absent).
struct Request {
  std::string method, path, query, body, cookie, authorization;
};

// The answer to one request. `headers` holds extra headers (Location, Set-Cookie, Retry-After, ...)
// to send as given, besides Content-Type and Content-Length.
struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class LoginThrottle;

class DriverPages {
 public:
  DriverPages(DriverBackend& backend, const ocpp::Clock& clock);
  // With a throttle of password guesses shared with another way in (the CSMS's HTTP Basic), so
  // that guesses through either count together. It outlives the pages.
  DriverPages(DriverBackend& backend, const ocpp::Clock& clock, LoginThrottle& shared_throttle);
  ~DriverPages();
  DriverPages(const DriverPages&) = delete;
  DriverPages& operator=(const DriverPages&) = delete;

  // Not thread-safe: call from one thread (the HTTP server's) at a time.
  std::optional<Response> handle(const Request& request);  // nullopt: not a page path

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocpp::server::web
