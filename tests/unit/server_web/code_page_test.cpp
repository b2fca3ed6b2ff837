// POST /c/ID/N/code: issuing a code and showing it (docs/driver-pages.md "The code").
#include <set>

#include "pages_fixture.hpp"

namespace ocpp::server::web::test {
namespace {

class CodePageTest : public DriverPagesTest {
 protected:
  CodePageTest() {
    client.log_in("alice", "s3cret");
    client.get("/c/CP-1/2");  // the landing page's form carries the token
  }
};

TEST_F(CodePageTest, IssuedCodeIsShownLargeAndGroupedWithExpiryAndHowToEnterIt) {
  backend.next_issue = IssuedCode{"8213409954276310", "2026-11-25T09:30:00Z", std::nullopt};
  const Response r = client.post_form("/c/CP-1/2/code");
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(backend.issue_calls.size(), 1u);
  EXPECT_EQ(backend.issue_calls[0].user, "alice");
  EXPECT_EQ(backend.issue_calls[0].charge_point_id, "CP-1");
  EXPECT_EQ(backend.issue_calls[0].connector_id, 2);
  EXPECT_FALSE(backend.issue_calls[0].energy_cap_wh);

  EXPECT_NE(r.body.find(R"(<p class="code" translate="no">8213 4099 5427 6310</p>)"), std::string::npos) << r.body;
  const std::string text = visible_text(r.body);
  EXPECT_NE(text.find("For charger CP-1 , connector 2"), std::string::npos) << text;
  EXPECT_NE(text.find("Valid until Wed 25 Nov 2026, 09:30 UTC (in 24 hours)"), std::string::npos) << text;
  EXPECT_NE(r.body.find(R"(<time datetime="2026-11-25T09:30:00Z" data-local>)"), std::string::npos);
  EXPECT_NE(text.find("Expires at 2026-11-25T09:30:00Z"), std::string::npos);
  EXPECT_NE(text.find("No energy limit."), std::string::npos);
  EXPECT_NE(text.find("choose code entry"), std::string::npos);
  EXPECT_NE(text.find("Type the 16 digits"), std::string::npos);
  EXPECT_NE(text.find("Confirm."), std::string::npos);
  EXPECT_NE(r.body.find("aria-live=\"polite\""), std::string::npos);
  EXPECT_EQ(header(r, "Cache-Control"), "no-store") << "a code must not stay in a shared phone's cache";
}

TEST_F(CodePageTest, CapIsPassedOnAndShown) {
  backend.next_issue = IssuedCode{"8213409954276310", "2026-11-24T12:00:00Z", 10000};
  const Response r = client.post_form("/c/CP-1/2/code", "energy_cap_wh=10000");
  ASSERT_EQ(backend.issue_calls.size(), 1u);
  EXPECT_EQ(backend.issue_calls[0].energy_cap_wh, std::optional<std::int64_t>(10000));
  const std::string text = visible_text(r.body);
  EXPECT_NE(text.find("Energy limit: 10.00 kWh"), std::string::npos) << text;
  EXPECT_NE(text.find("(in 2 hours)"), std::string::npos);
}

TEST_F(CodePageTest, UnofferedCapIsRefusedWithoutIssuing) {
  for (const char* cap : {"123", "abc", "-5000", "5000x"}) {
    EXPECT_EQ(client.post_form("/c/CP-1/2/code", std::string("energy_cap_wh=") + cap).status, 400) << cap;
  }
  EXPECT_TRUE(backend.issue_calls.empty());
}

TEST_F(CodePageTest, NotLoggedInGoesToLoginAndBack) {
  PageClient stranger{pages};
  const Response r = stranger.post("/c/CP-1/2/code", "");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/login?next=%2Fc%2FCP-1%2F2");
  EXPECT_TRUE(backend.issue_calls.empty());
}

TEST_F(CodePageTest, MissingOrWrongCsrfTokenIssuesNothing) {
  EXPECT_EQ(client.post("/c/CP-1/2/code", "").status, 403);
  EXPECT_EQ(client.post("/c/CP-1/2/code", "csrf=00000000000000000000000000000000").status, 403);
  PageClient other{pages};
  other.log_in("alice", "s3cret");
  other.get("/c/CP-1/2");
  const Response r = client.post("/c/CP-1/2/code", "csrf=" + other.csrf);
  EXPECT_EQ(r.status, 403) << "another session's token";
  EXPECT_NE(visible_text(r.body).find("Please try again"), std::string::npos);
  EXPECT_TRUE(backend.issue_calls.empty());
}

TEST_F(CodePageTest, UnknownPileOrConnectorIsA404WithoutIssuing) {
  EXPECT_EQ(client.post_form("/c/NOPE/1/code").status, 404);
  EXPECT_EQ(client.post_form("/c/CP-1/9/code").status, 404);
  EXPECT_TRUE(backend.issue_calls.empty());
}

struct ErrorCase {
  const char* reason;
  int status;
  const char* says;
};

TEST_F(CodePageTest, EachIssueErrorHasItsOwnPage) {
  const ErrorCase cases[] = {
      {"unknown_charge_point", 404, "There is no charger called \"CP-1\" any more"},
      {"unknown_connector", 404, "Charger CP-1 has no connector 2"},
      {"no_key", 409, "has not received its code key yet"},
      {"exhausted", 409, "used up its codes"},
      {"rate_limited", 429, "asked for many codes in a short time"},
      {"something_new", 502, "The backend's own sentence."},
  };
  std::set<std::string> headings;
  for (const ErrorCase& c : cases) {
    backend.next_issue = IssueError{c.reason, "The backend's own sentence.", 0};
    const Response r = client.post_form("/c/CP-1/2/code");
    EXPECT_EQ(r.status, c.status) << c.reason;
    const std::string text = visible_text(r.body);
    EXPECT_NE(text.find(c.says), std::string::npos) << c.reason << ": " << text;
    EXPECT_NE(r.body.find("role=\"alert\""), std::string::npos) << c.reason;
    EXPECT_NE(r.body.find(R"(href="/c/CP-1/2")"), std::string::npos) << c.reason << ": a way back";
    EXPECT_EQ(r.body.find("class=\"code\""), std::string::npos) << c.reason << ": no code shown";
    headings.insert(text);
  }
  EXPECT_EQ(headings.size(), std::size(cases)) << "every reason reads differently";
}

TEST_F(CodePageTest, RateLimitedSaysWhenToRetry) {
  backend.next_issue = IssueError{"rate_limited", "slow down", 600};
  const Response r = client.post_form("/c/CP-1/2/code");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(header(r, "Retry-After"), "600");
  const std::string text = visible_text(r.body);
  EXPECT_NE(text.find("Try again in 10 minutes , after Tue 24 Nov 2026, 09:40 UTC"), std::string::npos) << text;
  EXPECT_NE(r.body.find(R"(datetime="2026-11-24T09:40:00.000Z")"), std::string::npos);
}

}  // namespace
}  // namespace ocpp::server::web::test
