// GET /me, "My sessions" (docs/driver-pages.md "My sessions").
#include "pages_fixture.hpp"

namespace ocpp::server::web::test {
namespace {

SettlementView settlement(const std::string& code, std::int64_t wh, const std::string& started,
                          const std::string& stopped, const std::string& amount) {
  return SettlementView{code, "CP-1", 2, "1042", wh, started, stopped, amount, "EUR"};
}

TEST_F(DriverPagesTest, MySessionsNeedsALogin) {
  const Response r = client.get("/me");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/login?next=%2Fme");
}

TEST_F(DriverPagesTest, EmptyStatesAreExplained) {
  client.log_in("alice", "s3cret");
  const std::string text = visible_text(client.get("/me").body);
  EXPECT_NE(text.find("No codes waiting."), std::string::npos) << text;
  EXPECT_NE(text.find("No charging sessions yet."), std::string::npos);
  EXPECT_NE(text.find("once the charger is back online"), std::string::npos);
}

TEST_F(DriverPagesTest, SettlementsAndPendingCodesAreListedNewestFirst) {
  backend.settlements_by_user["alice"] = {
      settlement("1111222233334444", 7499, "2026-11-20T08:00:00Z", "2026-11-20T09:05:00Z", "2.25"),
      settlement("5555666677778888", 12345, "2026-11-23T18:00:00Z", "2026-11-23T18:45:30Z", "3.70"),
  };
  backend.pending_by_user["alice"] = {
      PendingCodeView{"9999000011112222", "CP-1", 1, "2026-11-24T12:30:00Z"},
      PendingCodeView{"3333444455556666", "CP-9", 2, "2026-11-25T09:30:00Z"},
  };
  backend.settlements_by_user["bob"] = {settlement("0000000000000000", 1, "2026-11-23T18:00:00Z",
                                                   "2026-11-23T18:45:30Z", "99.99")};
  client.log_in("alice", "s3cret");
  const Response r = client.get("/me");
  EXPECT_EQ(r.status, 200);
  const std::string text = visible_text(r.body);

  const auto newer = text.find("3.70 EUR");
  const auto older = text.find("2.25 EUR");
  ASSERT_NE(newer, std::string::npos) << text;
  ASSERT_NE(older, std::string::npos);
  EXPECT_LT(newer, older) << "newest first";
  EXPECT_NE(text.find("Energy 12.35 kWh Duration 45 min"), std::string::npos) << text;
  EXPECT_NE(text.find("Energy 7.50 kWh Duration 1 h 5 min"), std::string::npos) << text;
  EXPECT_NE(text.find("Charger CP-1 , connector 2"), std::string::npos);
  EXPECT_NE(text.find("Started Mon 23 Nov 2026, 18:00 UTC Ended Mon 23 Nov 2026, 18:45 UTC"), std::string::npos);
  EXPECT_NE(text.find("Code 5555 6666 7777 8888"), std::string::npos);
  EXPECT_EQ(text.find("99.99"), std::string::npos) << "another user's bill";

  const auto later_code = text.find("3333 4444 5555 6666");
  const auto sooner_code = text.find("9999 0000 1111 2222");
  ASSERT_NE(later_code, std::string::npos);
  ASSERT_NE(sooner_code, std::string::npos);
  EXPECT_LT(later_code, sooner_code);
  EXPECT_NE(text.find("Charger CP-9 , connector 2 Valid until Wed 25 Nov 2026, 09:30 UTC (in 24 hours)"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("No codes waiting."), std::string::npos);
  EXPECT_EQ(text.find("No charging sessions yet."), std::string::npos);
}

}  // namespace
}  // namespace ocpp::server::web::test
