// Online authorization of codes (docs/offline-code.md §9 "Online", §8.4): accepted once, for its pile
// and connector, until it expires; whatever else is shaped like a code is refused with one answer,
// and guesses are braked per pile; ordinary id tags are left to the CSMS's own rules.
#include "ocpp/offline_code/check_digit.hpp"
#include "ocpp/offline_code/lockout.hpp"
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
  // Sixteen digits whose check digit is wrong: a typo of a code is no attempt at one (§8.1).
  std::string typo = code.code;
  typo.back() = static_cast<char>('0' + (typo.back() - '0' + 1) % 10);
  EXPECT_FALSE(service->authorize("CP-1", typo));
}

// Sixteen digits that pass the check digit, with payload `n`: shaped like a code, issued by nobody.
std::string wrong_code(std::uint64_t n) {
  std::string payload = std::to_string(100000000000000 + n);
  return payload + static_cast<char>('0' + *offline_code::damm_check_digit(payload));
}

TEST_F(AuthorizerTest, WhateverWasNotIssuedForThisPileGetsOneAnswer) {
  // §8.4: a genuine code that was never issued must not be told from a wrong one, or each online try
  // would test a MAC for free; a code issued for another pile gets the same answer too.
  const std::string elsewhere = issue("alice", "CP-2", 1).record.code;
  const std::vector<std::string> tags{wrong_code(1), forged_code("CP-1", 900), forged_code("CP-2", 5), elsewhere};
  std::vector<std::string> reasons;
  for (const auto& tag : tags) {
    clock.advance(1h);  // past the brake of the wrong codes before (see below)
    const auto d = service->authorize("CP-1", tag);
    ASSERT_TRUE(d) << tag << " is shaped like a code: the CSMS's rules for unknown id tags must not decide it";
    EXPECT_EQ(d->status, "Invalid") << tag;
    EXPECT_FALSE(d->expiry) << tag;
    EXPECT_FALSE(d->issued_here) << tag;
    reasons.push_back(d->reason);
  }
  EXPECT_EQ(reasons, (std::vector<std::string>{"not_issued", "never_issued", "not_issued", "other_pile"}));
  // The same at the start of a transaction.
  const auto start = service->on_transaction_started("CP-1", "77", 1, wrong_code(2), "2026-03-01T10:20:00Z");
  ASSERT_TRUE(start);
  EXPECT_EQ(start->status, "Invalid");
}

TEST_F(AuthorizerTest, OnlineGuessesAreBrakedPerPileAndTheBrakeSurvivesARestart) {
  // §8.1's policy, per pile: the third wrong code in a row locks code entry for a minute.
  for (std::uint64_t i = 0; i < 3; ++i) EXPECT_EQ(service->authorize("CP-1", wrong_code(i))->reason, "not_issued");
  const auto locked = service->authorize("CP-1", code.code);
  ASSERT_TRUE(locked);
  EXPECT_EQ(locked->status, "Invalid") << "while locked, even an issued code is refused unjudged";
  EXPECT_EQ(locked->reason, "locked");
  EXPECT_FALSE(service->authorize("CP-1", "TAG-1")) << "RFID tags are not braked";
  EXPECT_EQ(service->authorize("CP-2", issue("bob", "CP-2", 1).record.code)->status, "Accepted") << "per pile";

  const auto events = service->security_events(std::string("CP-1"));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, kEventOnlineCodeLockout);
  EXPECT_EQ(events[0].source, kSourceCsms);

  restart();
  EXPECT_EQ(service->authorize("CP-1", code.code)->reason, "locked") << "a restart gives no attempts back";
  clock.advance(61s);
  EXPECT_EQ(service->authorize("CP-1", code.code)->status, "Accepted");
  EXPECT_EQ(service->authorize("CP-1", wrong_code(3))->reason, "not_issued")
      << "an accepted code restarts the count of wrong codes in a row";
}

TEST_F(AuthorizerTest, OnlineGuessesPerPileStayWithinTheBudgetOfTheSpec) {
  // §8.4: an attacker trying every 5 minutes for a day gets no more counted attempts than §8.2's
  // bound for the pile (10 + one an hour).
  unsigned counted = 0;
  for (std::uint64_t i = 0; i < 24 * 12; ++i) {
    if (service->authorize("CP-1", wrong_code(100 + i))->reason != "locked") ++counted;
    clock.advance(5min);
  }
  EXPECT_LE(counted, offline_code::max_counted_attempts(offline_code::LockoutPolicy{}, 24 * 3600));
  EXPECT_GE(counted, 24u) << "the budget refills";
}

}  // namespace
}  // namespace ocpp::server::test
