// What SetChargingProfile refuses before a profile is installed (1.6 §3.13, §5.16; 2.0.1 K01.FR.*),
// and the reason code each refusal carries.
#include <gtest/gtest.h>

#include <chrono>

#include "ocpp/cp/charging_profile.hpp"

namespace ocpp::cp {
namespace {

using namespace std::chrono_literals;

const SystemTime kT0{std::chrono::hours{24 * 365 * 54}};

ChargingProfile good_profile() {
  ChargingProfile p;
  p.id = 7;
  p.stack_level = 1;
  p.purpose = ProfilePurpose::TxDefault;
  p.kind = ProfileKind::Absolute;
  p.evse = 1;
  p.schedule.start = kT0;
  p.schedule.unit = RateUnit::A;
  p.schedule.periods = {{0, 16, std::nullopt}, {3600, 10, 1}};
  return p;
}

ProfileLimits limits() {
  ProfileLimits l;
  l.max_stack_level = 8;
  l.max_periods = 4;
  l.evse_count = 2;
  return l;
}

std::string refusal(const ChargingProfile& p, bool running = false, const ProfileLimits& l = limits()) {
  const auto r = validate(p, l, running);
  if (!r) return "accepted";
  EXPECT_FALSE(r->message.empty());
  return r->reason_code;
}

TEST(ProfileValidation, AcceptsAWellFormedProfile) {
  EXPECT_EQ(refusal(good_profile()), "accepted");
  auto relative = good_profile();
  relative.kind = ProfileKind::Relative;
  relative.schedule.start.reset();
  EXPECT_EQ(refusal(relative), "accepted");
  auto daily = good_profile();
  daily.kind = ProfileKind::Recurring;
  daily.recurrency = Recurrency::Daily;
  EXPECT_EQ(refusal(daily), "accepted");
}

TEST(ProfileValidation, StackLevelWithinTheConfiguredMaximum) {
  auto p = good_profile();
  p.stack_level = 8;
  EXPECT_EQ(refusal(p), "accepted");
  p.stack_level = 9;
  EXPECT_EQ(refusal(p), "InvalidStackLevel");
  const auto r = validate(p, limits(), false);
  ASSERT_TRUE(r);
  EXPECT_NE(r->message.find('9'), std::string::npos) << r->message;
  p.stack_level = -1;
  EXPECT_EQ(refusal(p), "InvalidStackLevel");
}

TEST(ProfileValidation, RateUnitMustBeOneThePileAllows) {
  auto l = limits();
  l.allow_watts = false;
  auto p = good_profile();
  EXPECT_EQ(refusal(p, false, l), "accepted");
  p.schedule.unit = RateUnit::W;
  EXPECT_EQ(refusal(p, false, l), "UnsupportedRateUnit");
  l.allow_watts = true;
  l.allow_amperes = false;
  EXPECT_EQ(refusal(p, false, l), "accepted");
  p.schedule.unit = RateUnit::A;
  EXPECT_EQ(refusal(p, false, l), "UnsupportedRateUnit");
}

TEST(ProfileValidation, PeriodCountBetweenOneAndTheMaximum) {
  auto p = good_profile();
  p.schedule.periods = {{0, 16, {}}, {60, 10, {}}, {120, 8, {}}, {180, 6, {}}};
  EXPECT_EQ(refusal(p), "accepted");
  p.schedule.periods.push_back({240, 6, {}});
  EXPECT_EQ(refusal(p), "TooManyPeriods");
  p.schedule.periods.clear();
  EXPECT_EQ(refusal(p), "InvalidSchedule");
}

TEST(ProfileValidation, PeriodsStartAtZeroAndAscend) {
  auto p = good_profile();
  p.schedule.periods = {{10, 16, {}}};
  EXPECT_EQ(refusal(p), "InvalidSchedule");  // K01.FR.31
  p.schedule.periods = {{0, 16, {}}, {600, 10, {}}, {600, 8, {}}};
  EXPECT_EQ(refusal(p), "InvalidSchedule");  // K01.FR.35: strictly ascending
  p.schedule.periods = {{0, 16, {}}, {600, 10, {}}, {300, 8, {}}};
  EXPECT_EQ(refusal(p), "InvalidSchedule");
}

TEST(ProfileValidation, LimitsNotNegativeAndPhasesOneToThree) {
  auto p = good_profile();
  p.schedule.periods = {{0, 0, {}}};
  EXPECT_EQ(refusal(p), "accepted");  // 0 A is a valid limit: pause charging
  p.schedule.periods = {{0, -1, {}}};
  EXPECT_EQ(refusal(p), "InvalidSchedule");
  p.schedule.periods = {{0, 16, 0}};
  EXPECT_EQ(refusal(p), "InvalidSchedule");
  p.schedule.periods = {{0, 16, 4}};
  EXPECT_EQ(refusal(p), "InvalidSchedule");
  p.schedule.periods = {{0, 16, 3}};
  EXPECT_EQ(refusal(p), "accepted");
}

TEST(ProfileValidation, KindRecurrenceAndStartAgree) {
  auto p = good_profile();
  p.kind = ProfileKind::Recurring;
  EXPECT_EQ(refusal(p), "InvalidSchedule");  // no recurrencyKind
  p.recurrency = Recurrency::Weekly;
  p.schedule.start.reset();
  EXPECT_EQ(refusal(p), "InvalidSchedule");  // K01.FR.40
  p.kind = ProfileKind::Absolute;
  EXPECT_EQ(refusal(p), "InvalidSchedule");  // K01.FR.40
  p.kind = ProfileKind::Relative;
  EXPECT_EQ(refusal(p), "accepted");
  p.schedule.start = kT0;
  EXPECT_EQ(refusal(p), "InvalidSchedule");  // K01.FR.41
}

TEST(ProfileValidation, TxProfileNeedsARunningTransactionOnARealEvse) {
  auto p = good_profile();
  p.purpose = ProfilePurpose::Tx;
  p.transaction_id = "tx-1";
  EXPECT_EQ(refusal(p, false), "TxNotFound");
  EXPECT_EQ(refusal(p, true), "accepted");
  p.evse = 0;
  EXPECT_EQ(refusal(p, true), "InvalidPurpose");  // 1.6 §3.13.1, K01.FR.16
}

TEST(ProfileValidation, StationMaximumOnlyForTheStation) {
  auto p = good_profile();
  p.purpose = ProfilePurpose::StationMax;
  EXPECT_EQ(refusal(p), "InvalidPurpose");  // K01.FR.03
  p.evse = 0;
  EXPECT_EQ(refusal(p), "accepted");
}

TEST(ProfileValidation, EvseMustExist) {
  auto p = good_profile();
  p.evse = 2;
  EXPECT_EQ(refusal(p), "accepted");
  p.evse = 3;
  EXPECT_EQ(refusal(p), "UnknownEvse");
  p.evse = -1;
  EXPECT_EQ(refusal(p), "UnknownEvse");
  p.evse = 0;  // a TxDefaultProfile for every EVSE
  EXPECT_EQ(refusal(p), "accepted");
}

TEST(ProfileValidation, ExternalConstraintsAreNeverTakenFromTheCsms) {
  auto p = good_profile();
  p.purpose = ProfilePurpose::ExternalConstraints;
  p.evse = 0;
  EXPECT_EQ(refusal(p), "InvalidPurpose");  // K01.FR.22
}

TEST(ProfileValidation, ValidFromBeforeValidTo) {
  auto p = good_profile();
  p.valid_from = kT0;
  p.valid_to = kT0 + 1s;
  EXPECT_EQ(refusal(p), "accepted");
  p.valid_to = kT0;
  EXPECT_EQ(refusal(p), "InvalidValidity");
  p.valid_to = kT0 - 1h;
  EXPECT_EQ(refusal(p), "InvalidValidity");
  p.valid_from.reset();
  EXPECT_EQ(refusal(p), "accepted");  // an open start is fine
}

TEST(ProfileValidation, EnumWords) {
  EXPECT_EQ(to_string(ProfilePurpose::StationMax), "ChargingStationMaxProfile");
  EXPECT_EQ(to_string(ProfilePurpose::TxDefault), "TxDefaultProfile");
  EXPECT_EQ(to_string(ProfilePurpose::Tx), "TxProfile");
  EXPECT_EQ(to_string(ProfilePurpose::ExternalConstraints), "ChargingStationExternalConstraints");
  EXPECT_EQ(to_string(ProfileKind::Recurring), "Recurring");
  EXPECT_EQ(to_string(Recurrency::Weekly), "Weekly");
  EXPECT_EQ(to_string(RateUnit::W), "W");
}

}  // namespace
}  // namespace ocpp::cp
