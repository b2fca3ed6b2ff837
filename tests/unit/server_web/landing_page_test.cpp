// GET /c/ID/N, the QR landing page (docs/driver-pages.md "The landing page").
#include "pages_fixture.hpp"

namespace ocpp::server::web::test {
namespace {

TEST_F(DriverPagesTest, OfflinePileOffersACodeAndSaysItIsOffline) {
  const Response r = client.get("/c/CP-1/2");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  const std::string text = visible_text(r.body);
  EXPECT_NE(text.find("Charger CP-1 , connector 2"), std::string::npos) << text;
  EXPECT_NE(text.find("Offline"), std::string::npos);
  EXPECT_EQ(text.find("Online"), std::string::npos);
  // Not logged in: the way to a code goes through log-in and comes back here.
  EXPECT_NE(r.body.find(R"(href="/login?next=%2Fc%2FCP-1%2F2")"), std::string::npos) << r.body;
  EXPECT_NE(text.find("Log in to get a code"), std::string::npos);
  EXPECT_EQ(r.body.find("<form method=\"post\" action=\"/c/"), std::string::npos) << "no code form before log-in";
}

TEST_F(DriverPagesTest, OnlinePileSaysPlugInAndStillAllowsACode) {
  backend.add_pile("CP-2", true, 1);
  client.log_in("alice", "s3cret");
  const Response r = client.get("/c/CP-2/1");
  EXPECT_EQ(r.status, 200);
  const std::string text = visible_text(r.body);
  EXPECT_NE(text.find("Online"), std::string::npos);
  EXPECT_NE(text.find("Just plug in"), std::string::npos);
  EXPECT_EQ(text.find("Offline"), std::string::npos);
  EXPECT_NE(r.body.find(R"(action="/c/CP-2/1/code")"), std::string::npos) << "a code also works online";
  EXPECT_NE(r.body.find("button-secondary\">Get an offline charging code"), std::string::npos)
      << "online, the code is the second choice";
}

TEST_F(DriverPagesTest, LoggedInDriverGetsTheCodeFormWithItsCsrfToken) {
  client.log_in("alice", "s3cret");
  const Response r = client.get("/c/CP-1/1");
  EXPECT_NE(r.body.find(R"(action="/c/CP-1/1/code")"), std::string::npos);
  EXPECT_NE(r.body.find("name=\"csrf\" value=\"" + client.csrf + "\""), std::string::npos);
  EXPECT_EQ(client.csrf.size(), 32u) << "128 bits in hex";
  EXPECT_NE(r.body.find("button-primary\">Get an offline charging code"), std::string::npos);
}

TEST_F(DriverPagesTest, PileWithoutKeyOffersNoCode) {
  backend.add_pile("CP-NOKEY", false, 2, false);
  client.log_in("alice", "s3cret");
  const Response r = client.get("/c/CP-NOKEY/1");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(visible_text(r.body).find("cannot take offline charging codes yet"), std::string::npos);
  EXPECT_EQ(r.body.find("/code\""), std::string::npos);
}

TEST_F(DriverPagesTest, UnknownPileIsA404ThatSaysSo) {
  const Response r = client.get("/c/NOPE/1");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(visible_text(r.body).find("There is no charger called \"NOPE\""), std::string::npos) << r.body;
}

TEST_F(DriverPagesTest, BadConnectorIsA404) {
  for (const char* connector : {"0", "3", "-1", "01", "1a", "", "99999999999", "+1"}) {
    const Response r = client.get(std::string("/c/CP-1/") + connector);
    EXPECT_EQ(r.status, 404) << connector;
    EXPECT_NE(visible_text(r.body).find("not found"), std::string::npos) << connector;
  }
  EXPECT_NE(visible_text(client.get("/c/CP-1/3").body).find("numbered 1 to 2"), std::string::npos);
}

TEST_F(DriverPagesTest, PileThatReportedNoConnectorsAcceptsTheConnectorsACodeCanName) {
  backend.add_pile("CP-NEW", false, 0);
  EXPECT_EQ(client.get("/c/CP-NEW/7").status, 200);
  EXPECT_EQ(client.get("/c/CP-NEW/8").status, 404) << "docs/offline-code.md §2: connector 0..7";
}

TEST_F(DriverPagesTest, PercentEncodedPileIdIsDecoded) {
  backend.add_pile("CP 7/A", false, 1);
  const Response r = client.get("/c/CP%207%2FA/1");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(visible_text(r.body).find("Charger CP 7/A ,"), std::string::npos);
  EXPECT_NE(r.body.find("next=%2Fc%2FCP%25207%252FA%2F1"), std::string::npos) << "re-encoded in links";
}

TEST_F(DriverPagesTest, OnlyPagePathsAreAnswered) {
  Request r;
  r.method = "GET";
  for (const char* path : {"/", "/api/settlements", "/api/charge-points/CP-1", "/cx/CP-1/1", "/loginx", "/mex",
                           "/favicon.ico"}) {
    r.path = path;
    EXPECT_FALSE(pages.handle(r)) << path << " belongs to the API or nobody";
  }
  for (const char* path : {"/c", "/c/CP-1", "/c/CP-1/1/x", "/c//1", "/login/x", "/me/x", "/static",
                           "/static/nope.css", "/static/layout.html", "/logout/x"}) {
    r.path = path;
    const auto response = pages.handle(r);
    ASSERT_TRUE(response) << path;
    EXPECT_EQ(response->status, 404) << path;
    EXPECT_NE(response->body.find("Page not found"), std::string::npos) << path;
  }
}

TEST_F(DriverPagesTest, WrongMethodsAreRefused) {
  EXPECT_EQ(client.post("/c/CP-1/1", "").status, 405);
  EXPECT_EQ(client.get("/logout").status, 405);
  EXPECT_EQ(client.post("/me", "").status, 405);
  const Response r = client.get("/c/CP-1/1/code");
  EXPECT_EQ(r.status, 303) << "a reload of the code address goes back to the charger";
  EXPECT_EQ(header(r, "Location"), "/c/CP-1/1");
}

TEST_F(DriverPagesTest, PagesCarryTheirAccessibilityAndSecurityBasics) {
  const Response r = client.get("/c/CP-1/1");
  EXPECT_NE(r.body.find("<html lang=\"en\">"), std::string::npos);
  EXPECT_NE(r.body.find("name=\"viewport\" content=\"width=device-width, initial-scale=1\""), std::string::npos);
  EXPECT_NE(r.body.find("<main id=\"main\""), std::string::npos);
  EXPECT_NE(r.body.find("<nav aria-label="), std::string::npos);
  EXPECT_NE(r.body.find("aria-live=\"polite\""), std::string::npos);
  EXPECT_NE(r.body.find("href=\"/static/style.css\""), std::string::npos);
  EXPECT_EQ(r.body.find("<script>"), std::string::npos) << "no inline script (the CSP forbids it)";
  EXPECT_EQ(header(r, "Cache-Control"), "no-store");
  EXPECT_NE(header(r, "Content-Security-Policy").find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
}

TEST_F(DriverPagesTest, StylesheetAndScriptAreServedFromTheBinary) {
  const Response css = client.get("/static/style.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_NE(css.body.find(".code"), std::string::npos);
  EXPECT_NE(css.body.find("monospace"), std::string::npos);
  const Response js = client.get("/static/local-time.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(js.body.find("time[data-local]"), std::string::npos);
}

TEST_F(DriverPagesTest, HeadAnswersLikeGetWithoutABody) {
  Request r;
  r.method = "HEAD";
  r.path = "/c/CP-1/1";
  const auto response = pages.handle(r);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_TRUE(response->body.empty());
}

}  // namespace
}  // namespace ocpp::server::web::test
