// Online authorization of codes (docs/offline-code.md §9 "Online"): accepted once, for its pile and
// connector, until it expires; ordinary id tags are left to the CSMS's own rules.
#include "ocpp/offline_code/check_digit.hpp"
#include "service_test_support.hpp"

namespace ocpp::server::test {
namespace {

class AuthorizerTest : public ServiceTest {
 protected:
  AuthorizerTest() {
    provision("CP-1");
    provision("CP-2");
    code = issue("alice", "CP-1", 1).record;
  }
  IssuedCodeRecord code;
};

TEST_F(AuthorizerTest, AnIssuedUnusedCodeIsAcceptedUntilItsOwnExpiry) {
  const auto d = service->authorize("CP-1", code.code);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, "Accepted");
  EXPECT_EQ(d->expiry, std::optional<std::string>(code.expires_at));
  // Authorize does not use the code up: the transaction does.
  EXPECT_EQ(service->authorize("CP-1", code.code)->status, "Accepted");
}

TEST_F(AuthorizerTest, ACodeStartsOneTransactionOnlyAndItsReplayedStartIsStillAccepted) {
  const auto start = service->on_transaction_started("CP-1", "41", 1, code.code, "2026-03-01T10:20:00Z");
  ASSERT_TRUE(start);
  EXPECT_EQ(start->status, "Accepted");
  EXPECT_EQ(service->on_transaction_started("CP-1", "41", 1, code.code, "2026-03-01T10:20:00Z")->status, "Accepted")
      << "the same start, replayed, must not stop the session";
  const auto again = service->on_transaction_started("CP-1", "42", 1, code.code, "2026-03-01T11:00:00Z");
  EXPECT_EQ(again->status, "Blocked");
  EXPECT_EQ(again->reason, "already_used");
  EXPECT_EQ(service->authorize("CP-1", code.code)->status, "Blocked");
  ASSERT_EQ(service->codes_of("alice").size(), 1u);
  EXPECT_EQ(service->codes_of("alice")[0].transaction_id, std::optional<std::string>("41"));

  restart();
  EXPECT_EQ(service->authorize("CP-1", code.code)->status, "Blocked") << "single use is durable";
}

TEST_F(AuthorizerTest, AnExpiredCodeIsExpiredButASessionStartedInTimeAndReplayedLaterIsNot) {
  clock.set_system(at("2026-03-02T11:10:00Z"));  // expiry 11:00 + the 600 s tolerance
  EXPECT_EQ(service->authorize("CP-1", code.code)->status, "Expired");
  // The pile charged offline at 10:30 the day before and reports it now.
  EXPECT_EQ(service->on_transaction_started("CP-1", "7", 1, code.code, "2026-03-01T10:30:00Z")->status, "Accepted");
  EXPECT_EQ(service->on_transaction_started("CP-1", "8", 1, code.code, "2026-03-02T11:09:59Z")->status, "Blocked");
}

TEST_F(AuthorizerTest, StartedAtTheWrongConnectorOrAtAnotherPileIsInvalid) {
  const auto wrong = service->on_transaction_started("CP-1", "9", 2, code.code, "2026-03-01T10:20:00Z");
  EXPECT_EQ(wrong->status, "Invalid");
  EXPECT_EQ(wrong->reason, "wrong_connector");
  const auto elsewhere = service->authorize("CP-2", code.code);
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(elsewhere->status, "Invalid");
  EXPECT_EQ(elsewhere->reason, "other_pile");
  // Neither used the code up.
  EXPECT_EQ(service->on_transaction_started("CP-1", "10", 1, code.code, "2026-03-01T10:20:00Z")->status, "Accepted");
}

TEST_F(AuthorizerTest, AGenuineCodeThatWasNeverIssuedIsInvalid) {
  const auto d = service->authorize("CP-1", forged_code("CP-1", 900));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, "Invalid");
  EXPECT_EQ(d->reason, "never_issued");
}

TEST_F(AuthorizerTest, OrdinaryIdTagsAreNoCodesAndKeepTheCsmsRules) {
  EXPECT_FALSE(service->authorize("CP-1", "TAG-1"));
  EXPECT_FALSE(service->authorize("CP-1", "04A2B3C4D5E6F7"));
  // Sixteen digits that pass the check digit but are no code of this pile.
  const std::string payload = "123456789012345";
  const std::string digits = payload + static_cast<char>('0' + *offline_code::damm_check_digit(payload));
  EXPECT_FALSE(service->authorize("CP-1", digits));
  // A code of CP-2's key typed at CP-1 (never issued by us either) is no code of CP-1.
  EXPECT_FALSE(service->authorize("CP-1", forged_code("CP-2", 5)));
}

}  // namespace
}  // namespace ocpp::server::test
