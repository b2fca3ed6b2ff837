// Log-in, log-out and sessions (docs/driver-pages.md "Logging in", "Security").
#include "ocpp/server/web/login_throttle.hpp"
#include "pages_fixture.hpp"

namespace ocpp::server::web::test {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TEST_F(DriverPagesTest, LoginFormSetsAPreLoginCookieAndCarriesNext) {
  const Response r = client.get("/login?next=%2Fc%2FCP-1%2F2");
  EXPECT_EQ(r.status, 200);
  const std::string set_cookie = header(r, "Set-Cookie");
  EXPECT_NE(set_cookie.find("driver_session="), std::string::npos);
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(r.body.find(R"(name="next" value="/c/CP-1/2")"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find(R"(<label for="user">)"), std::string::npos);
  EXPECT_NE(r.body.find(R"(<label for="password">)"), std::string::npos);
  EXPECT_NE(r.body.find(R"(autocomplete="current-password")"), std::string::npos);
}

TEST_F(DriverPagesTest, SuccessfulLoginSetsASessionCookieAndRedirectsToNext) {
  client.get("/login");
  const std::string pre_login_cookie = client.cookie;
  const Response r = client.log_in("alice", "s3cret", "/c/CP-1/2");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/c/CP-1/2");
  const std::string set_cookie = header(r, "Set-Cookie");
  EXPECT_NE(set_cookie.find("; Path=/"), std::string::npos);
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("; Max-Age=43200"), std::string::npos) << "12 hours";
  const std::string token = client.cookie.substr(client.cookie.find('=') + 1);
  EXPECT_EQ(token.size(), 32u) << "128 random bits in hex";
  EXPECT_NE(client.cookie, pre_login_cookie) << "a token seen before log-in is never a logged-in one";

  const Response page = client.get("/c/CP-1/2");
  EXPECT_NE(visible_text(page.body).find("Logged in as alice"), std::string::npos);
}

TEST_F(DriverPagesTest, OldPreLoginCookieIsNotLoggedIn) {
  client.get("/login");
  const std::string pre_login_cookie = client.cookie;
  client.log_in("alice", "s3cret");
  client.cookie = pre_login_cookie;  // an attacker who planted or saw the pre-login cookie
  EXPECT_EQ(client.get("/me").status, 303);
}

TEST_F(DriverPagesTest, WrongPasswordReshowsTheFormWithAnError) {
  const Response r = client.log_in("alice", "wrong", "/c/CP-1/1");
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(header(r, "Location").empty());
  const std::string text = visible_text(r.body);
  EXPECT_NE(text.find("Wrong user name or password."), std::string::npos);
  EXPECT_NE(r.body.find("role=\"alert\""), std::string::npos);
  EXPECT_NE(r.body.find(R"(name="user" type="text")"), std::string::npos);
  EXPECT_NE(r.body.find(R"(value="alice")"), std::string::npos) << "the user name stays typed";
  EXPECT_NE(r.body.find(R"(name="next" value="/c/CP-1/1")"), std::string::npos);
  EXPECT_EQ(client.get("/me").status, 303) << "still not logged in";
  EXPECT_EQ(client.log_in("bob", "s3cret").status, 403) << "unknown user";
}

TEST_F(DriverPagesTest, OpenRedirectsAreRefused) {
  for (const char* next : {"//evil.example/x", "https://evil.example/", "/\\evil.example", "evil.example",
                           "javascript:alert(1)", "/\r\nSet-Cookie:x=y", ""}) {
    PageClient fresh{pages};
    const Response r = fresh.log_in("alice", "s3cret", next);
    EXPECT_EQ(r.status, 303) << next;
    EXPECT_EQ(header(r, "Location"), "/me") << next;
  }
  PageClient local{pages};
  EXPECT_EQ(header(local.log_in("alice", "s3cret", "/c/CP-1/1?from=qr"), "Location"), "/c/CP-1/1?from=qr");
}

TEST_F(DriverPagesTest, LoginWithoutTheFormsTokenIsRefused) {
  client.get("/login");
  const Response forged = client.post("/login", "user=alice&password=s3cret&next=%2Fme");
  EXPECT_EQ(forged.status, 403);
  EXPECT_NE(visible_text(forged.body).find("log-in form had expired"), std::string::npos);
  EXPECT_EQ(client.get("/me").status, 303);

  PageClient no_cookies{pages};
  no_cookies.get("/login");
  const std::string token = no_cookies.csrf;
  no_cookies.cookie.clear();
  EXPECT_EQ(no_cookies.post("/login", "csrf=" + token + "&user=alice&password=s3cret").status, 403)
      << "a token without its cookie is nothing";
}

TEST_F(DriverPagesTest, AnotherSessionsTokenDoesNotPass) {
  PageClient other{pages};
  other.get("/login");
  client.get("/login");
  EXPECT_EQ(client.post("/login", "csrf=" + other.csrf + "&user=alice&password=s3cret").status, 403);
}

TEST_F(DriverPagesTest, RepeatedWrongPasswordsLockTheUserNameForAWhile) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.log_in("alice", "guess" + std::to_string(i)).status, 403);
  const Response locked = client.log_in("alice", "s3cret");
  EXPECT_EQ(locked.status, 429) << "even the right password waits";
  EXPECT_EQ(header(locked, "Retry-After"), "900");
  EXPECT_NE(visible_text(locked.body).find("Try again in 15 minutes"), std::string::npos);
  clock.advance(minutes{15});
  EXPECT_EQ(client.log_in("alice", "s3cret").status, 303);
}

TEST(DriverPagesSharedThrottleTest, GuessesMadeElsewhereCountOnTheLoginFormToo) {
  // The reference CSMS shares one throttle between its HTTP Basic and this form (docs/reference-csms.md).
  ManualClock clock{*parse_rfc3339("2026-11-24T09:30:00Z")};
  FakeBackend backend;
  backend.passwords["alice"] = "s3cret";
  LoginThrottle shared(clock);
  DriverPages pages{backend, clock, shared};
  PageClient client{pages};
  for (int i = 0; i < LoginThrottle::kMaxFailures; ++i) shared.record_failure("alice");
  EXPECT_EQ(client.log_in("alice", "s3cret").status, 429);
  clock.advance(LoginThrottle::kLockout);
  EXPECT_EQ(client.log_in("alice", "s3cret").status, 303);
  EXPECT_EQ(shared.wait_for("alice").count(), 0);
}

TEST_F(DriverPagesTest, SessionExpiresAfterTwelveHoursOnTheInjectedClock) {
  client.log_in("alice", "s3cret");
  clock.advance(hours{11} + minutes{59});
  EXPECT_EQ(client.get("/me").status, 200);
  clock.advance(minutes{1});
  const Response r = client.get("/me");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/login?next=%2Fme");
}

TEST_F(DriverPagesTest, WallClockStepsDoNotEndASession) {
  client.log_in("alice", "s3cret");
  clock.set_system(clock.system_now() + hours{24 * 30});
  EXPECT_EQ(client.get("/me").status, 200);
}

TEST_F(DriverPagesTest, LogoutEndsTheSession) {
  client.log_in("alice", "s3cret");
  client.get("/me");
  const std::string cookie = client.cookie;
  const Response r = client.post_form("/logout");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/login");
  EXPECT_NE(header(r, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  client.cookie = cookie;  // a copy of the old cookie is dead too
  EXPECT_EQ(client.get("/me").status, 303);
}

TEST_F(DriverPagesTest, LogoutWithoutTheTokenIsRefused) {
  client.log_in("alice", "s3cret");
  EXPECT_EQ(client.post("/logout", "").status, 403);
  EXPECT_EQ(client.get("/me").status, 200) << "still logged in";
}

TEST_F(DriverPagesTest, LoggedInDriverOpeningLoginGoesOn) {
  client.log_in("alice", "s3cret");
  const Response r = client.get("/login?next=%2Fc%2FCP-1%2F1");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/c/CP-1/1");
}

}  // namespace
}  // namespace ocpp::server::web::test
