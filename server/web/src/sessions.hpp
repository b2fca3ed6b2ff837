#pragma once
// Log-in sessions of the driver's pages, in memory (docs/driver-pages.md "Sessions").
//
// A session is created before log-in (anonymous), so that the log-in form already carries a CSRF
// token bound to a cookie; log-in replaces it with a new one (a token seen before log-in is never
// a logged-in token: no session fixation). Tokens are 128 random bits from OpenSSL's RAND_bytes.
// Expiry runs on the injected clock's steady time, so a wall-clock step neither ends nor extends a
// session. The number of sessions is bounded: anonymous ones are dropped first, so that a flood of
// log-in page views cannot log anyone out.
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "ocpp/common/clock.hpp"

namespace ocpp::server::web {

struct Session {
  std::string token;       // the cookie value
  std::string csrf_token;  // the hidden field every POST form of this session carries
  std::string user;        // empty: not logged in
  SteadyTime created{};
  SteadyTime expires{};
};

struct SessionLimits {
  std::chrono::seconds logged_in_lifetime{12 * 3600};
  std::chrono::seconds anonymous_lifetime{3600};
  std::size_t max_sessions = 10000;
};

class SessionStore {
 public:
  explicit SessionStore(const Clock& clock, SessionLimits limits = {});

  // The live session whose token is `token`, or nullptr (unknown or expired; an expired one is
  // removed). The pointer is valid until the next call that creates or removes a session.
  const Session* find(const std::string& token);
  const Session& create_anonymous();
  // Removes the session `old_token` (if any) and creates a logged-in one for `user`.
  const Session& log_in(const std::string& old_token, const std::string& user);
  void remove(const std::string& token);

  std::size_t size() const { return sessions_.size(); }
  const SessionLimits& limits() const { return limits_; }
  // Constant-time comparison of a submitted CSRF token with the session's.
  static bool csrf_matches(const Session& session, const std::string& submitted);

 private:
  const Session& create(const std::string& user, std::chrono::seconds lifetime);
  void make_room();

  const Clock& clock_;
  SessionLimits limits_;
  std::map<std::string, Session> sessions_;
};

// 128 random bits from RAND_bytes as 32 hexadecimal characters; std::runtime_error if OpenSSL's
// generator fails (never a weaker token).
std::string random_token();

}  // namespace ocpp::server::web
