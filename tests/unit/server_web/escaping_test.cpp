// Every value put into HTML is escaped (docs/driver-pages.md "Security"): pile ids from the URL,
// user names, and whatever the backend returns.
#include "pages_fixture.hpp"

namespace ocpp::server::web::test {
namespace {

const std::string kEvil = "<script>alert('x')</script>\"&";
const std::string kEscaped = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;";

TEST_F(DriverPagesTest, PileIdFromTheUrlIsEscapedOnTheLandingPageAndTheNotFoundPage) {
  backend.add_pile(kEvil, false, 1);
  const Response known = client.get("/c/" + percent_encode_for_test(kEvil) + "/1");
  EXPECT_EQ(known.status, 200);
  EXPECT_EQ(known.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(known.body.find(kEscaped), std::string::npos);

  const Response unknown = client.get("/c/" + percent_encode_for_test("<b>x</b>") + "/1");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(unknown.body.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
}

TEST_F(DriverPagesTest, UserNameAndNextAreEscapedOnTheLoginForm) {
  const Response r = client.get("/login?next=" + percent_encode_for_test("/me\"><script>x</script>"));
  EXPECT_EQ(r.body.find("<script>x"), std::string::npos);
  client.post_form("/login", "user=" + percent_encode_for_test(kEvil) + "&password=x");
  const Response again = client.post_form("/login", "user=" + percent_encode_for_test(kEvil) + "&password=x");
  EXPECT_EQ(again.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(again.body.find("value=\"" + kEscaped + "\""), std::string::npos) << again.body;
}

TEST_F(DriverPagesTest, BackendValuesAreEscaped) {
  backend.passwords[kEvil] = "pw";
  backend.settlements_by_user[kEvil] = {SettlementView{kEvil, kEvil, 1, kEvil, 1000, kEvil, kEvil, kEvil, kEvil}};
  backend.pending_by_user[kEvil] = {PendingCodeView{kEvil, kEvil, 1, kEvil}};
  ASSERT_EQ(client.log_in(kEvil, "pw").status, 303);
  const Response me = client.get("/me");
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.body.find("<script>alert"), std::string::npos) << me.body;
  EXPECT_NE(me.body.find("Logged in as <strong>" + kEscaped + "</strong>"), std::string::npos);

  backend.add_pile("CP-1", false, 2);
  client.get("/c/CP-1/1");
  backend.next_issue = IssuedCode{kEvil, kEvil, std::nullopt};
  const Response code = client.post_form("/c/CP-1/1/code");
  EXPECT_EQ(code.body.find("<script>alert"), std::string::npos);
  backend.next_issue = IssueError{"new_reason", kEvil, 0};
  const Response error = client.post_form("/c/CP-1/1/code");
  EXPECT_EQ(error.body.find("<script>alert"), std::string::npos);
  EXPECT_NE(error.body.find(kEscaped), std::string::npos);
}

}  // namespace
}  // namespace ocpp::server::web::test
