// The composite schedule (1.6 §3.13 and §5.7 GetCompositeSchedule; 2.0.1 K08): how much an EVSE, or
// the whole station, may draw at each moment, as the CSMS would read it back.
#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

#include "ocpp/cp/charging_profile.hpp"

namespace ocpp::cp {

void PrintTo(const CompositePeriod& p, std::ostream* os) {
  *os << "{" << p.start_s << " s: " << p.limit << ", " << p.phases << " ph}";
}

namespace {

using namespace std::chrono_literals;
using P = CompositePeriod;

constexpr double kVolts = 230;

// A UTC calendar time (days from civil, proleptic Gregorian), so the examples read as the spec's do.
SystemTime utc(int y, int m, int d, int hh = 0, int mm = 0, int ss = 0) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const long days = static_cast<long>(era) * 146097 + doe - 719468;
  return SystemTime{std::chrono::seconds{days * 86400L + hh * 3600L + mm * 60L + ss}};
}

ChargingProfile profile(int id, ProfilePurpose purpose, int stack, int evse, RateUnit unit,
                        std::vector<SchedulePeriod> periods) {
  ChargingProfile p;
  p.id = id;
  p.purpose = purpose;
  p.stack_level = stack;
  p.evse = evse;
  p.kind = ProfileKind::Absolute;
  p.schedule.unit = unit;
  p.schedule.periods = std::move(periods);
  return p;
}

ChargingProfile absolute(int id, ProfilePurpose purpose, int stack, int evse, SystemTime start, RateUnit unit,
                         std::vector<SchedulePeriod> periods) {
  auto p = profile(id, purpose, stack, evse, unit, std::move(periods));
  p.schedule.start = start;
  return p;
}

ChargingProfile relative(int id, ProfilePurpose purpose, int stack, int evse, RateUnit unit,
                         std::vector<SchedulePeriod> periods) {
  auto p = profile(id, purpose, stack, evse, unit, std::move(periods));
  p.kind = ProfileKind::Relative;
  return p;
}

EvseSupply idle(int id, double max_a = 32, int phases = 3) {
  EvseSupply s;
  s.evse = id;
  s.max_current_a = max_a;
  s.phases = phases;
  return s;
}

EvseSupply charging(int id, std::string tx, SystemTime since, double max_a = 32, int phases = 3) {
  auto s = idle(id, max_a, phases);
  s.transaction_id = std::move(tx);
  s.transaction_start = since;
  return s;
}

std::vector<P> periods(const std::vector<ChargingProfile>& profiles, const std::vector<EvseSupply>& evses, int evse,
                       SystemTime from, std::int32_t duration_s, RateUnit unit = RateUnit::A) {
  const auto c = compose(profiles, evses, kVolts, CompositeRequest{evse, from, duration_s, unit});
  EXPECT_EQ(c.evse, evse);
  EXPECT_EQ(c.start, from);
  EXPECT_EQ(c.duration_s, duration_s);
  EXPECT_EQ(c.unit, unit);
  return c.periods;
}

// 1.6 §3.13.7 "Example data structure for smart charging": "a daily default profile that limits the
// power to 6 kW between 08:00h and 20:00h" — TxDefaultProfile, stackLevel 0, Recurring Daily,
// startSchedule 2013-01-01T00:00Z, duration 86400, W, periods 0 → 11000, 28800 → 6000, 72000 → 11000,
// numberPhases 3. The same profile is the first example of 2.0.1 Part 2's smart charging chapter.
ChargingProfile spec_daily_default() {
  auto p = absolute(100, ProfilePurpose::TxDefault, 0, 0, utc(2013, 1, 1), RateUnit::W,
                    {{0, 11000, 3}, {28800, 6000, 3}, {72000, 11000, 3}});
  p.kind = ProfileKind::Recurring;
  p.recurrency = Recurrency::Daily;
  p.schedule.duration_s = 86400;
  return p;
}

TEST(CompositeSchedule, Spec16DailyDefaultProfileInWatts) {
  const std::vector<ChargingProfile> profiles{spec_daily_default()};
  const std::vector<EvseSupply> evses{idle(1)};
  // Years after startSchedule, the day still has its 6 kW between 08:00 and 20:00.
  EXPECT_EQ(periods(profiles, evses, 1, utc(2013, 6, 10), 86400, RateUnit::W),
            (std::vector<P>{{0, 11000, 3}, {28800, 6000, 3}, {72000, 11000, 3}}));
  // Asked at 06:00 for a day: 2 h more of 11 kW, 12 h of 6 kW, then 11 kW through midnight until 06:00.
  EXPECT_EQ(periods(profiles, evses, 1, utc(2013, 6, 10, 6), 86400, RateUnit::W),
            (std::vector<P>{{0, 11000, 3}, {7200, 6000, 3}, {50400, 11000, 3}}));
}

TEST(CompositeSchedule, Spec16DailyDefaultProfileAskedInAmperes) {
  // W → A with 3 phases at 230 V: 11000 / 690 = 15.94 A, 6000 / 690 = 8.70 A, rounded down to 0.1 A.
  EXPECT_EQ(periods({spec_daily_default()}, {idle(1)}, 1, utc(2013, 6, 10), 86400),
            (std::vector<P>{{0, 15.9, 3}, {28800, 8.6, 3}, {72000, 15.9, 3}}));
}

// 1.6 §3.13.2: "a charging profile of purpose TxDefaultProfile with a duration and recurrence of one
// week that allows full power or current charging on weekdays from 23:00h to 06:00h and from 00:00h
// to 24:00h in weekends and reduced power or current charging at other times. On top of that, one
// can define other TxDefaultProfiles that define exception to this rule, for example for holidays."
// The spec gives no numbers; these are ours: full is 32 A, reduced 10 A, the week starts Monday
// 2024-01-01, and Wednesday 2024-01-10 is a holiday at stack level 1.
ChargingProfile weekly_calendar() {
  std::vector<SchedulePeriod> week{{0, 32, {}}};
  for (int day = 0; day < 5; ++day) {  // Monday to Friday: reduced 06:00-23:00
    week.push_back({(day * 24 + 6) * 3600, 10, {}});
    week.push_back({(day * 24 + 23) * 3600, 32, {}});
  }
  auto p = absolute(1, ProfilePurpose::TxDefault, 0, 0, utc(2024, 1, 1), RateUnit::A, week);
  p.kind = ProfileKind::Recurring;
  p.recurrency = Recurrency::Weekly;
  p.schedule.duration_s = 7 * 86400;
  return p;
}

TEST(CompositeSchedule, Spec16WeeklyCalendarWithAHolidayOnTop) {
  const std::vector<EvseSupply> evses{idle(1)};
  const SystemTime tuesday_noon = utc(2024, 1, 9, 12);
  // An ordinary week: reduced until 23:00, full until Wednesday 06:00, reduced until 23:00, full
  // until Thursday 06:00, reduced again.
  EXPECT_EQ(periods({weekly_calendar()}, evses, 1, tuesday_noon, 48 * 3600),
            (std::vector<P>{{0, 10, 3}, {39600, 32, 3}, {64800, 10, 3}, {126000, 32, 3}, {151200, 10, 3}}));
  auto holiday = absolute(2, ProfilePurpose::TxDefault, 1, 0, utc(2024, 1, 10), RateUnit::A, {{0, 32, {}}});
  holiday.schedule.duration_s = 86400;
  // The holiday overrules the calendar all Wednesday: full from Tuesday 23:00 to Thursday 06:00.
  EXPECT_EQ(periods({weekly_calendar(), holiday}, evses, 1, tuesday_noon, 48 * 3600),
            (std::vector<P>{{0, 10, 3}, {39600, 32, 3}, {151200, 10, 3}}));
}

// 1.6 §3.13.3: the composite is the minimum of the prevailing ChargePointMaxProfile and the
// TxDefaultProfile (or TxProfile) at each moment.
TEST(CompositeSchedule, Spec16PurposesCombineByTheMinimum) {
  const SystemTime t0 = utc(2024, 3, 1, 8);
  const std::vector<ChargingProfile> profiles{
      absolute(1, ProfilePurpose::StationMax, 0, 0, t0, RateUnit::A, {{0, 20, {}}, {1800, 12, {}}}),
      absolute(2, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::A, {{0, 16, {}}, {900, 25, {}}, {2700, 8, {}}})};
  EXPECT_EQ(periods(profiles, {idle(1)}, 1, t0, 3600),
            (std::vector<P>{{0, 16, 3}, {900, 20, 3}, {1800, 12, 3}, {2700, 8, 3}}));
}

// 2.0.1 K08 (GetCompositeSchedule) as the OCA's test tool checks it: OCTT test case TC_K_41_CS, with
// the profiles as recorded in EVerest libocpp's tests (tests/lib/ocpp/v2/json/OCCT_TC_K_41_CS):
// a ChargingStationMaxProfile of 10 A, a TxDefaultProfile of 6/10/8/15/8 A from 0/60/120/180/260 s
// (duration 304 s) and a TxProfile of 8/11/16/6/12 A from 0/50/140/200/240 s (duration 264 s), all
// at stack level 0 and starting together; the tool asks 4 s later for 400 s. The expected periods
// follow from the spec's rules (TxProfile overrules TxDefaultProfile while in force, the station
// maximum caps both) and agree with that recording.
TEST(CompositeSchedule, Spec201K08OcttCompositeOfThreePurposes) {
  const SystemTime start = utc(2024, 8, 21, 12, 24, 36);
  const std::string tx = "f1522902-1170-416f-8e43-9e3bce28fde7";
  auto max = absolute(1, ProfilePurpose::StationMax, 0, 0, start, RateUnit::A, {{0, 10, 3}});
  max.schedule.duration_s = 86404;
  auto tx_default = absolute(2, ProfilePurpose::TxDefault, 0, 1, start, RateUnit::A,
                             {{0, 6, 3}, {60, 10, 3}, {120, 8, 3}, {180, 15, 3}, {260, 8, 3}});
  tx_default.schedule.duration_s = 304;
  tx_default.valid_from = start;
  tx_default.valid_to = utc(2024, 8, 21, 12, 31, 25);
  auto tx_profile = absolute(3, ProfilePurpose::Tx, 0, 1, start, RateUnit::A,
                             {{0, 8, 3}, {50, 11, 3}, {140, 16, 3}, {200, 6, 3}, {240, 12, 3}});
  tx_profile.schedule.duration_s = 264;
  tx_profile.transaction_id = tx;
  EXPECT_EQ(periods({max, tx_default, tx_profile}, {charging(1, tx, start)}, 1, start + 4s, 400),
            (std::vector<P>{{0, 8, 3}, {46, 10, 3}, {196, 6, 3}, {236, 10, 3}, {260, 8, 3}, {300, 10, 3}}));
}

// 1.6 OCTT TC_072_CS "Stacking Charging Profiles": TxDefaultProfile at stack level 0 of 6/8/10 A from
// 0/100/200 s for 400 s, and one at stack level 1 for 150 s. The test case text we found does not give
// the second profile's periods; 10 A from 0 s is ours.
TEST(CompositeSchedule, HigherStackLevelPrevailsWhileInForce) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  auto low = absolute(1, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::A, {{0, 6, {}}, {100, 8, {}}, {200, 10, {}}});
  low.schedule.duration_s = 400;
  auto high = absolute(2, ProfilePurpose::TxDefault, 1, 1, t0, RateUnit::A, {{0, 10, {}}});
  high.schedule.duration_s = 150;
  // After both end, only the hardware's 32 A remains.
  EXPECT_EQ(periods({low, high}, {idle(1)}, 1, t0, 500),
            (std::vector<P>{{0, 10, 3}, {150, 8, 3}, {200, 10, 3}, {400, 32, 3}}));
}

TEST(CompositeSchedule, StackLevelWinsEvenWhenItAllowsMore) {
  // Within one purpose the stack level decides, not the lower limit (1.6 §3.13.2).
  const SystemTime t0 = utc(2024, 5, 2, 10);
  auto base = absolute(1, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::A, {{0, 6, {}}});
  auto boost = absolute(2, ProfilePurpose::TxDefault, 3, 1, t0, RateUnit::A, {{0, 16, {}}});
  boost.valid_from = t0 + 300s;
  boost.valid_to = t0 + 600s;
  EXPECT_EQ(periods({base, boost}, {idle(1)}, 1, t0, 900), (std::vector<P>{{0, 6, 3}, {300, 16, 3}, {600, 6, 3}}));
}

TEST(CompositeSchedule, ValidFromAndValidToBoundTheProfile) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  auto p = absolute(1, ProfilePurpose::TxDefault, 0, 1, t0 - 1h, RateUnit::A, {{0, 10, {}}});
  p.valid_from = t0 + 60s;
  p.valid_to = t0 + 120s;
  // In force from validFrom, included, to validTo, excluded; the hardware maximum elsewhere.
  EXPECT_EQ(periods({p}, {idle(1)}, 1, t0, 180), (std::vector<P>{{0, 32, 3}, {60, 10, 3}, {120, 32, 3}}));
  // A request that starts exactly at validTo no longer sees it.
  EXPECT_EQ(periods({p}, {idle(1)}, 1, t0 + 120s, 60), (std::vector<P>{{0, 32, 3}}));
}

TEST(CompositeSchedule, WithoutDurationTheLastPeriodLastsUntilTheProfileEnds) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  auto p = absolute(1, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::A, {{0, 10, {}}, {600, 20, {}}});
  p.valid_to = t0 + 1800s;
  EXPECT_EQ(periods({p}, {idle(1)}, 1, t0, 3600), (std::vector<P>{{0, 10, 3}, {600, 20, 3}, {1800, 32, 3}}));
}

TEST(CompositeSchedule, DailyRecurrenceWrapsAroundMidnightOfTheRecurrence) {
  // Starts at 20:00: 8 A until midnight, 32 A until 06:00, then 16 A until the next 20:00.
  auto p = absolute(1, ProfilePurpose::TxDefault, 0, 1, utc(2024, 1, 1, 20), RateUnit::A,
                    {{0, 8, {}}, {14400, 32, {}}, {36000, 16, {}}});
  p.kind = ProfileKind::Recurring;
  p.recurrency = Recurrency::Daily;
  const std::vector<EvseSupply> evses{idle(1)};
  EXPECT_EQ(periods({p}, evses, 1, utc(2024, 1, 5, 22), 10 * 3600),
            (std::vector<P>{{0, 8, 3}, {7200, 32, 3}, {28800, 16, 3}}));
  // At 19:00 the previous day's last period still holds, until the recurrence restarts at 20:00.
  EXPECT_EQ(periods({p}, evses, 1, utc(2024, 1, 5, 19), 2 * 3600), (std::vector<P>{{0, 16, 3}, {3600, 8, 3}}));
  // Before its first startSchedule a recurring profile is not yet in force.
  EXPECT_EQ(periods({p}, evses, 1, utc(2024, 1, 1, 19), 2 * 3600), (std::vector<P>{{0, 32, 3}, {3600, 8, 3}}));
}

TEST(CompositeSchedule, RelativeProfileCountsFromTheTransactionStart) {
  const SystemTime now = utc(2024, 5, 2, 10);
  const auto tx = relative(1, ProfilePurpose::Tx, 0, 1, RateUnit::A, {{0, 6, {}}, {600, 16, {}}});
  // The transaction started 5 minutes ago: 5 minutes of 6 A are left.
  EXPECT_EQ(periods({tx}, {charging(1, "T1", now - 300s)}, 1, now, 1200), (std::vector<P>{{0, 6, 3}, {300, 16, 3}}));
  // Nothing runs: a Relative TxDefaultProfile counts from now, as if a transaction started.
  const auto def = relative(2, ProfilePurpose::TxDefault, 0, 0, RateUnit::A, {{0, 6, {}}, {600, 16, {}}});
  EXPECT_EQ(periods({def}, {idle(1)}, 1, now, 1200), (std::vector<P>{{0, 6, 3}, {600, 16, 3}}));
  // 1.6's ChargingSchedule: an Absolute schedule without startSchedule is relative to the start of
  // charging.
  const auto loose = profile(3, ProfilePurpose::TxDefault, 0, 1, RateUnit::A, {{0, 6, {}}, {600, 16, {}}});
  EXPECT_EQ(periods({loose}, {charging(1, "T1", now - 900s)}, 1, now, 1200), (std::vector<P>{{0, 16, 3}}));
}

TEST(CompositeSchedule, TxProfileOverrulesTxDefaultForItsTransactionOnly) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto def = absolute(1, ProfilePurpose::TxDefault, 5, 1, t0, RateUnit::A, {{0, 8, {}}});
  auto tx = absolute(2, ProfilePurpose::Tx, 0, 1, t0, RateUnit::A, {{0, 20, {}}});
  tx.transaction_id = "T1";
  tx.schedule.duration_s = 600;
  // 1.6 §3.13.1: the TxProfile overrules the default even when it allows more; when it ends, the
  // default is back.
  EXPECT_EQ(periods({def, tx}, {charging(1, "T1", t0)}, 1, t0, 1200), (std::vector<P>{{0, 20, 3}, {600, 8, 3}}));
  // Another transaction's TxProfile does not apply.
  EXPECT_EQ(periods({def, tx}, {charging(1, "T2", t0)}, 1, t0, 1200), (std::vector<P>{{0, 8, 3}}));
}

TEST(CompositeSchedule, TxProfileWithoutTransactionIdIsForTheRunningTransaction) {
  // 1.6 lets a TxProfile omit transactionId; it then belongs to whatever runs on its connector, and
  // to nothing while the connector is idle.
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto tx = absolute(1, ProfilePurpose::Tx, 0, 1, t0, RateUnit::A, {{0, 12, {}}});
  EXPECT_EQ(periods({tx}, {charging(1, "42", t0)}, 1, t0, 60), (std::vector<P>{{0, 12, 3}}));
  EXPECT_EQ(periods({tx}, {idle(1)}, 1, t0, 60), (std::vector<P>{{0, 32, 3}}));
  // Nor does it reach another EVSE's transaction.
  EXPECT_EQ(periods({tx}, {idle(1), charging(2, "43", t0)}, 2, t0, 60), (std::vector<P>{{0, 32, 3}}));
}

TEST(CompositeSchedule, EqualStackLevelsFallToTheLargerProfileId) {
  // Cannot be installed together (1.6 §3.13.2 replaces one with the other); if they meet anyway the
  // answer does not depend on their order.
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto a = absolute(4, ProfilePurpose::TxDefault, 2, 1, t0, RateUnit::A, {{0, 12, {}}});
  const auto b = absolute(9, ProfilePurpose::TxDefault, 2, 1, t0, RateUnit::A, {{0, 14, {}}});
  EXPECT_EQ(periods({a, b}, {idle(1)}, 1, t0, 60), (std::vector<P>{{0, 14, 3}}));
  EXPECT_EQ(periods({b, a}, {idle(1)}, 1, t0, 60), (std::vector<P>{{0, 14, 3}}));
}

TEST(CompositeSchedule, AChangeBetweenWholeSecondsShowsFromTheNextSecond) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto p = absolute(1, ProfilePurpose::TxDefault, 0, 1, t0 + 10500ms, RateUnit::A, {{0, 6, {}}});
  EXPECT_EQ(periods({p}, {idle(1)}, 1, t0, 60), (std::vector<P>{{0, 32, 3}, {11, 6, 3}}));
}

TEST(CompositeSchedule, EvseTxDefaultReplacesTheStationWideOneForThatEvse) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto all = absolute(1, ProfilePurpose::TxDefault, 7, 0, t0, RateUnit::A, {{0, 10, {}}});
  auto own = absolute(2, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::A, {{0, 20, {}}});
  own.valid_to = t0 + 600s;
  const std::vector<EvseSupply> evses{idle(1), idle(2)};
  // 1.6 §3.13.1: EVSE 1's own default replaces the one for connector 0, despite its lower stack
  // level; once it has expired, connector 0's applies again. EVSE 2 only has connector 0's.
  EXPECT_EQ(periods({all, own}, evses, 1, t0, 1200), (std::vector<P>{{0, 20, 3}, {600, 10, 3}}));
  EXPECT_EQ(periods({all, own}, evses, 2, t0, 1200), (std::vector<P>{{0, 10, 3}}));
}

TEST(CompositeSchedule, AmperesProfileAskedInWatts) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto three = absolute(1, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::A, {{0, 16, {}}, {600, 16, 1}});
  // 16 A on 3 phases at 230 V is 11040 W; on 1 phase 3680 W.
  EXPECT_EQ(periods({three}, {idle(1)}, 1, t0, 1200, RateUnit::W),
            (std::vector<P>{{0, 11040, 3}, {600, 3680, 1}}));
  // An EVSE wired for one phase never uses three, whatever the profile says.
  EXPECT_EQ(periods({three}, {idle(1, 32, 1)}, 1, t0, 1200, RateUnit::W), (std::vector<P>{{0, 3680, 1}}));
}

TEST(CompositeSchedule, WattsProfileAskedInAmperes) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto p = absolute(1, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::W, {{0, 7360, {}}, {600, 3680, 1}});
  // 7360 W on 3 phases is 10.67 A per phase (rounded down: 10.6); 3680 W on 1 phase is 16 A.
  EXPECT_EQ(periods({p}, {idle(1)}, 1, t0, 1200), (std::vector<P>{{0, 10.6, 3}, {600, 16, 1}}));
}

TEST(CompositeSchedule, HardwareMaximumCaps) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto amps = absolute(1, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::A, {{0, 40, {}}});
  EXPECT_EQ(periods({amps}, {idle(1, 32)}, 1, t0, 60), (std::vector<P>{{0, 32, 3}}));
  const auto watts = absolute(2, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::W, {{0, 22080, {}}});
  EXPECT_EQ(periods({watts}, {idle(1, 16)}, 1, t0, 60, RateUnit::W), (std::vector<P>{{0, 11040, 3}}));
  // No profile at all: the hardware is the only limit.
  EXPECT_EQ(periods({}, {idle(1, 25)}, 1, t0, 60), (std::vector<P>{{0, 25, 3}}));
}

TEST(CompositeSchedule, StationMaximumIsSharedByChargingEvses) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto max = absolute(1, ProfilePurpose::StationMax, 0, 0, t0, RateUnit::A, {{0, 32, {}}});
  const std::vector<EvseSupply> both{charging(1, "A", t0), charging(2, "B", t0)};
  // Both charging: half each.
  EXPECT_EQ(periods({max}, both, 1, t0, 60), (std::vector<P>{{0, 16, 3}}));
  EXPECT_EQ(periods({max}, both, 2, t0, 60), (std::vector<P>{{0, 16, 3}}));
  // EVSE 2's transaction may only take 10 A: EVSE 1 gets the other 22.
  auto capped = absolute(2, ProfilePurpose::Tx, 0, 2, t0, RateUnit::A, {{0, 10, {}}});
  capped.transaction_id = "B";
  EXPECT_EQ(periods({max, capped}, both, 1, t0, 60), (std::vector<P>{{0, 22, 3}}));
  EXPECT_EQ(periods({max, capped}, both, 2, t0, 60), (std::vector<P>{{0, 10, 3}}));
  // EVSE 1 is idle: asked about, it counts as if it started now and shares with EVSE 2.
  EXPECT_EQ(periods({max}, {idle(1), charging(2, "B", t0)}, 1, t0, 60), (std::vector<P>{{0, 16, 3}}));
  // Nothing else charges: the whole station maximum is EVSE 1's.
  EXPECT_EQ(periods({max}, {idle(1), idle(2)}, 1, t0, 60), (std::vector<P>{{0, 32, 3}}));
}

TEST(CompositeSchedule, StationMaximumWaterFillsAcrossThreeEvses) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto max = absolute(1, ProfilePurpose::StationMax, 0, 0, t0, RateUnit::A, {{0, 40, {}}});
  const std::vector<EvseSupply> three{charging(1, "A", t0), charging(2, "B", t0, 10), charging(3, "C", t0)};
  // 40 A: EVSE 2 can only take 10, so EVSEs 1 and 3 have 15 each.
  EXPECT_EQ(periods({max}, three, 1, t0, 60), (std::vector<P>{{0, 15, 3}}));
  EXPECT_EQ(periods({max}, three, 2, t0, 60), (std::vector<P>{{0, 10, 3}}));
  EXPECT_EQ(periods({max}, three, 3, t0, 60), (std::vector<P>{{0, 15, 3}}));
}

TEST(CompositeSchedule, StationMaximumInWattsSharedWithASinglePhaseEvse) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto max = absolute(1, ProfilePurpose::StationMax, 0, 0, t0, RateUnit::W, {{0, 22080, {}}});
  const std::vector<EvseSupply> evses{charging(1, "A", t0), charging(2, "B", t0, 32, 1)};
  // A share is 11040 W; the single-phase EVSE can use 7360 W at most, so EVSE 1 has 14720 W
  // (21.3 A per phase).
  EXPECT_EQ(periods({max}, evses, 2, t0, 60, RateUnit::W), (std::vector<P>{{0, 7360, 1}}));
  EXPECT_EQ(periods({max}, evses, 1, t0, 60, RateUnit::W), (std::vector<P>{{0, 14720, 3}}));
  EXPECT_EQ(periods({max}, evses, 1, t0, 60), (std::vector<P>{{0, 21.3, 3}}));
}

TEST(CompositeSchedule, StationSumForEvseZero) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const std::vector<EvseSupply> evses{charging(1, "A", t0), idle(2)};
  // No profiles: the sum of the hardware maxima.
  EXPECT_EQ(periods({}, evses, 0, t0, 60), (std::vector<P>{{0, 64, 3}}));
  // A default of 8 A for every EVSE: 16 A in all; capped by a station maximum of 12 A after 30 s.
  const auto def = absolute(1, ProfilePurpose::TxDefault, 0, 0, t0, RateUnit::A, {{0, 8, {}}});
  auto max = absolute(2, ProfilePurpose::StationMax, 0, 0, t0, RateUnit::A, {{0, 40, {}}, {30, 12, {}}});
  EXPECT_EQ(periods({def, max}, evses, 0, t0, 60), (std::vector<P>{{0, 16, 3}, {30, 12, 3}}));
  // In watts: 40 A station maximum split 20/20 between two 3-phase EVSEs is 27600 W in total.
  const auto big = absolute(3, ProfilePurpose::StationMax, 0, 0, t0, RateUnit::A, {{0, 40, {}}});
  EXPECT_EQ(periods({big}, evses, 0, t0, 60, RateUnit::W), (std::vector<P>{{0, 27600, 3}}));
}

TEST(CompositeSchedule, ExternalConstraintsCapTheStationAndTheEvse) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto evse_limit = absolute(1, ProfilePurpose::ExternalConstraints, 0, 1, t0, RateUnit::A, {{0, 12, {}}});
  EXPECT_EQ(periods({evse_limit}, {idle(1)}, 1, t0, 60), (std::vector<P>{{0, 12, 3}}));
  // For the station, in W: 13800 W is 20 A on 3 phases, below the 32 A station maximum, and shared.
  const auto max = absolute(2, ProfilePurpose::StationMax, 0, 0, t0, RateUnit::A, {{0, 32, {}}});
  const auto grid = absolute(3, ProfilePurpose::ExternalConstraints, 0, 0, t0, RateUnit::W, {{0, 13800, {}}});
  EXPECT_EQ(periods({max, grid}, {charging(1, "A", t0), charging(2, "B", t0)}, 1, t0, 60),
            (std::vector<P>{{0, 10, 3}}));
}

TEST(CompositeSchedule, EqualAdjacentPeriodsAreMerged) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  const auto p =
      absolute(1, ProfilePurpose::TxDefault, 0, 1, t0, RateUnit::A, {{0, 10, {}}, {60, 10, {}}, {120, 12, {}}});
  EXPECT_EQ(periods({p}, {idle(1)}, 1, t0, 180), (std::vector<P>{{0, 10, 3}, {120, 12, 3}}));
}

TEST(CompositeSchedule, NothingForAnUnknownEvseOrAnEmptyWindow) {
  const SystemTime t0 = utc(2024, 5, 2, 10);
  EXPECT_TRUE(periods({}, {idle(1)}, 3, t0, 60).empty());
  EXPECT_TRUE(periods({}, {idle(1)}, 1, t0, 0).empty());
}

}  // namespace
}  // namespace ocpp::cp
