// Brute-force lockout (docs/offline-code.md section 8): the connector backoff, the pile budget, the
// clock going either way, persistence, and the arithmetic of the security argument.
#include "ocpp/offline_code/lockout.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "ocpp/offline_code/code.hpp"
#include "ocpp/offline_code/layout.hpp"

namespace ocpp::offline_code {
namespace {

using Scope = Lockout::Scope;
constexpr UnixSeconds T0 = 1800000000;

TEST(Lockout, ConnectorBacksOffFromTheThirdFailure) {
  Lockout l;
  UnixSeconds t = T0;
  const UnixSeconds expected[] = {0, 0, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600};
  for (unsigned n = 1; n <= 11; ++n) {
    ASSERT_TRUE(l.gate(1, t).open()) << n;
    const auto out = l.record_failure(1, t);
    EXPECT_EQ(out.connector_failures, n);
    const UnixSeconds lock = expected[n - 1];
    EXPECT_EQ(out.connector_locked, lock > 0) << n;
    if (lock > 0) {
      EXPECT_EQ(out.connector_until, t + lock) << n;
      const auto g = l.gate(1, t + lock - 1);
      EXPECT_EQ(g.locked_by, Scope::Connector) << n << ": the hourly refills keep the pile budget above 0";
      EXPECT_TRUE(l.gate(2, t + lock - 1).open()) << "other connectors are not locked by this one";
    }
    t += std::max<UnixSeconds>(lock, 1);
  }
}

TEST(Lockout, SuccessAndTimeResetTheConnectorCount) {
  Lockout l;
  l.record_failure(1, T0);
  l.record_failure(1, T0 + 1);
  l.record_success(1, T0 + 2);
  EXPECT_FALSE(l.record_failure(1, T0 + 3).connector_locked) << "count restarted after an accepted code";
  l.record_failure(1, T0 + 4);
  EXPECT_EQ(l.record_failure(1, T0 + 4 + 86400).connector_failures, 1u) << "forgotten after 24 h";
}

TEST(Lockout, PileBudgetLocksEveryConnectorAndRefillsHourly) {
  Lockout l;
  // Ten failures spread over five connectors (two each: no connector lock).
  for (unsigned i = 0; i < 10; ++i) {
    ASSERT_TRUE(l.gate(1 + i / 2, T0 + i).open());
    const auto out = l.record_failure(1 + i / 2, T0 + i);
    EXPECT_EQ(out.budget_left, 9 - i);
    EXPECT_EQ(out.pile_locked, i == 9);
  }
  const auto g = l.gate(7, T0 + 100);
  EXPECT_EQ(g.locked_by, Scope::Pile);
  EXPECT_EQ(g.until, T0 + 3600) << "the first refill is an hour after the first failure";
  EXPECT_FALSE(l.gate(7, T0 + 3599).open());
  EXPECT_TRUE(l.gate(7, T0 + 3600).open());
  EXPECT_EQ(l.budget(T0 + 3600), 1u);
  EXPECT_EQ(l.budget(T0 + 5 * 3600 + 10), 5u);
  EXPECT_EQ(l.budget(T0 + 100 * 3600), 10u) << "never more than the budget";
}

TEST(Lockout, OnlyWrongCodesCount) {
  // The pile records a failure only for verdicts that count; typing errors never do.
  for (const Status s : {Status::Accepted, Status::Malformed, Status::Typo, Status::UnknownKeyVersion,
                         Status::WrongConnector, Status::NotYetValid, Status::Expired, Status::BadMac}) {
    EXPECT_EQ((Verdict{s, std::nullopt}.counts_as_failure()), s == Status::BadMac) << to_string(s);
  }
}

TEST(Lockout, ClockGoingBackDoesNotShortenALock) {
  Lockout l;
  for (int i = 0; i < 9; ++i) l.record_failure(1, T0 + i);  // connector locked for 60 min from T0 + 8
  const auto before = l.gate(1, T0 + 600);
  ASSERT_EQ(before.locked_by, Scope::Connector);
  const UnixSeconds remaining = before.until - (T0 + 600);
  // RTC reset to a year earlier: the same remaining time, counted from the new clock.
  const UnixSeconds back = T0 + 600 - 365 * 86400;
  const auto after = l.gate(1, back);
  EXPECT_EQ(after.locked_by, Scope::Connector);
  EXPECT_EQ(after.until - back, remaining);
  EXPECT_EQ(l.budget(back), 1u);
  EXPECT_EQ(l.budget(back + 3600 - 600 + 8), 2u) << "the hour already served towards a refill is kept";
}

TEST(Lockout, ClockJumpingForwardGivesBackAtMostTheBudget) {
  Lockout l;
  for (unsigned c = 1; c <= 5; ++c) {
    l.record_failure(c, T0);
    l.record_failure(c, T0);
  }
  EXPECT_EQ(l.budget(T0 + 10LL * 365 * 86400), 10u);
}

TEST(Lockout, PersistsAcrossAReboot) {
  Lockout l;
  for (int i = 0; i < 4; ++i) l.record_failure(2, T0 + i);
  for (int i = 0; i < 6; ++i) l.record_failure(3 + static_cast<unsigned>(i % 3), T0 + 10 + i);
  const std::string text = l.serialise();
  EXPECT_EQ(text.rfind("lockout/1 seen=", 0), 0u) << text;
  auto back = Lockout::parse(text);
  ASSERT_TRUE(back) << text;
  EXPECT_EQ(*back, l);
  EXPECT_EQ(back->serialise(), text);
  // The reloaded state refuses exactly as the original would.
  const auto g1 = l.gate(4, T0 + 20), g2 = back->gate(4, T0 + 20);
  EXPECT_EQ(g1.locked_by, Scope::Pile);
  EXPECT_EQ(g2.locked_by, g1.locked_by);
  EXPECT_EQ(g2.until, g1.until);
  EXPECT_EQ(Lockout::parse(Lockout().serialise()), Lockout());
}

TEST(Lockout, RefusesDamagedText) {
  EXPECT_FALSE(Lockout::parse(""));
  EXPECT_FALSE(Lockout::parse("lockout/1 seen=- budget=10@0"));
  EXPECT_FALSE(Lockout::parse("lockout/1 seen=- budget=11@0 conn="));
  EXPECT_FALSE(Lockout::parse("lockout/1 seen=x budget=10@0 conn="));
  EXPECT_FALSE(Lockout::parse("lockout/1 seen=- budget=10@0 conn=1:0:5:5"));
  EXPECT_FALSE(Lockout::parse("lockout/1 seen=- budget=10@0 conn=1:1:5"));
  EXPECT_FALSE(Lockout::parse("lockout/1 seen=- budget=10@0 conn=1:1:5:5,1:2:5:5"));
  EXPECT_FALSE(Lockout::parse("lockout/1 seen=- budget=+1@0 conn="));
  EXPECT_TRUE(Lockout::parse("lockout/1 seen=5 budget=3@-7 conn=1:1:5:5,9:4:5:300"));
}

TEST(Lockout, AYearOfAttackStaysWithinTheBound) {
  // §8.2: an attacker who types a wrong code whenever any connector will take one, all year. The
  // count must not exceed max_counted_attempts, the figure the security argument uses.
  const LockoutPolicy policy;
  Lockout l(policy);
  const UnixSeconds year = 366 * 24 * kHour;
  UnixSeconds t = T0;
  std::uint64_t attempts = 0;
  while (t < T0 + year) {
    UnixSeconds next = T0 + year;
    bool typed = false;
    for (unsigned c = 1; c <= 7 && !typed; ++c) {
      const auto g = l.gate(c, t);
      if (g.open()) {
        l.record_failure(c, t);
        ++attempts;
        typed = true;
      } else {
        next = std::min(next, g.until);
      }
    }
    t = typed ? t + 10 : next;  // 10 s to type a code
  }
  const std::uint64_t bound = max_counted_attempts(policy, year);
  EXPECT_EQ(bound, 8794u);
  EXPECT_LE(attempts, bound);
  EXPECT_GE(attempts, bound - 15) << "the bound is tight, not a loose estimate";
  // And the arithmetic: p = 2^-21 per attempt.
  const double p = std::ldexp(1.0, -static_cast<int>(kMacBits));
  const double expected_years = 1.0 / p / static_cast<double>(bound);
  EXPECT_GT(expected_years, 10.0);
  EXPECT_NEAR(expected_years, 238.5, 0.05);
  EXPECT_NEAR(100 * -std::expm1(static_cast<double>(bound) * std::log1p(-p)), 0.42, 0.005);
  EXPECT_NEAR(100 * -std::expm1(10 * static_cast<double>(bound) * std::log1p(-p)), 4.1, 0.05);
}

TEST(Lockout, StateStaysBoundedWhatever) {
  Lockout l;
  for (unsigned c = 0; c < 1000; ++c) l.record_failure(c, T0 + c);
  EXPECT_LT(l.serialise().size(), 256u * 40u);
  EXPECT_TRUE(Lockout::parse(l.serialise()));
}

}  // namespace
}  // namespace ocpp::offline_code
