// The pieces under the pages whose rules a driver notices only at their edges: the session bound,
// the redirect check, and how codes, energy and times are written.
#include <gtest/gtest.h>

#include "formatting.hpp"
#include "html.hpp"
#include "ocpp/common/datetime.hpp"
#include "sessions.hpp"
#include "url_form.hpp"

namespace ocpp::server::web {
namespace {

TEST(SessionStore, BoundedWithAnonymousSessionsDroppedFirst) {
  ManualClock clock;
  SessionStore store(clock, SessionLimits{std::chrono::hours{12}, std::chrono::hours{1}, 3});
  const std::string alice = store.log_in("", "alice").token;
  clock.advance(std::chrono::seconds{1});
  const std::string bob = store.log_in("", "bob").token;
  clock.advance(std::chrono::seconds{1});
  for (int i = 0; i < 10; ++i) store.create_anonymous();  // a flood of log-in page views
  EXPECT_EQ(store.size(), 3u);
  EXPECT_NE(store.find(alice), nullptr) << "a flood cannot log anyone out";
  EXPECT_NE(store.find(bob), nullptr);
  store.log_in("", "carol");
  store.log_in("", "dave");
  EXPECT_EQ(store.size(), 3u);
  EXPECT_EQ(store.find(alice), nullptr) << "full of logged-in sessions: the oldest goes";
}

TEST(SessionStore, TokensAreDistinctAndUnguessableLength) {
  ManualClock clock;
  SessionStore store(clock);
  const Session& a = store.create_anonymous();
  const std::string a_token = a.token, a_csrf = a.csrf_token;
  const Session& b = store.create_anonymous();
  EXPECT_NE(a_token, b.token);
  EXPECT_NE(a_token, a_csrf);
  EXPECT_EQ(a_token.size(), 32u);
  EXPECT_TRUE(SessionStore::csrf_matches(b, b.csrf_token));
  EXPECT_FALSE(SessionStore::csrf_matches(b, a_csrf));
  EXPECT_FALSE(SessionStore::csrf_matches(b, ""));
}

TEST(LocalPath, OnlyPathsOnThisSite) {
  EXPECT_EQ(local_path("/me"), std::optional<std::string>("/me"));
  EXPECT_EQ(local_path("/c/CP-1/1?x=1"), std::optional<std::string>("/c/CP-1/1?x=1"));
  for (const char* bad : {"", "me", "//evil.example", "/\\evil.example", "https://evil.example", "/a\\b", "/a\nb",
                          "\t/me"}) {
    EXPECT_FALSE(local_path(bad)) << bad;
  }
}

TEST(UrlForm, DecodesFormsAndCookies) {
  const auto form = parse_form("user=a+b%40c&password=%25x%2&empty=&flag&user=second");
  EXPECT_EQ(form.at("user"), "a b@c") << "first of repeated names wins";
  EXPECT_EQ(form.at("password"), "%x%2") << "a broken escape is kept, not refused";
  EXPECT_EQ(form.at("empty"), "");
  EXPECT_EQ(form.at("flag"), "");
  EXPECT_EQ(cookie_value("a=1; driver_session=abc ;b=2", "driver_session"), std::optional<std::string>("abc"));
  EXPECT_FALSE(cookie_value("xdriver_session=abc", "driver_session"));
  EXPECT_EQ(percent_decode(percent_encode("CP 7/ä?&"), false), "CP 7/ä?&");
  EXPECT_EQ(path_segments("/c/CP%2F1/2"), (std::vector<std::string>{"c", "CP/1", "2"}));
}

TEST(Formatting, CodesEnergyDurationsTimes) {
  EXPECT_EQ(group_code("1234567890123456"), "1234 5678 9012 3456");
  EXPECT_EQ(group_code("12345"), "12345");
  EXPECT_EQ(format_kwh(0), "0.00 kWh");
  EXPECT_EQ(format_kwh(4), "0.00 kWh");
  EXPECT_EQ(format_kwh(5), "0.01 kWh");
  EXPECT_EQ(format_kwh(7500), "7.50 kWh");
  EXPECT_EQ(format_kwh(-1234), "-1.23 kWh");
  EXPECT_EQ(format_duration(std::chrono::seconds{40}), "40 s");
  EXPECT_EQ(format_duration(std::chrono::seconds{300}), "5 min");
  EXPECT_EQ(format_duration(std::chrono::seconds{3900}), "1 h 5 min");
  const SystemTime t = *parse_rfc3339("2026-02-28T23:05:59Z");
  EXPECT_EQ(format_utc(t), "Sat 28 Feb 2026, 23:05 UTC");
  EXPECT_EQ(format_relative(t + std::chrono::hours{25}, t), "in 25 hours");
  EXPECT_EQ(format_relative(t + std::chrono::hours{49}, t), "in 2 days");
  EXPECT_EQ(format_relative(t - std::chrono::minutes{1}, t), "1 minute ago");
  EXPECT_EQ(format_relative(t + std::chrono::seconds{30}, t), "now");
}

TEST(Templates, MissingOrUnusedValuesAreProgrammingErrors) {
  EXPECT_THROW(render_template("alert.html", {}), std::logic_error);
  EXPECT_THROW(render_template("alert.html", {{"message", "x"}, {"extra", "y"}}), std::logic_error);
  EXPECT_THROW(render_template("no-such.html", {}), std::logic_error);
  EXPECT_EQ(render_template("alert.html", {{"message", "<i>"}}).text, "<p class=\"error\" role=\"alert\">&lt;i&gt;</p>\n");
  EXPECT_EQ(render_template("alert.html", {{"message", Html{"<i>"}}}).text, "<p class=\"error\" role=\"alert\"><i></p>\n");
}

}  // namespace
}  // namespace ocpp::server::web
