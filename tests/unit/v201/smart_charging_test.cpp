// 2.0.1 smart charging, the translation (smart_charging.hpp): a ChargingProfileType reaches the
// core unchanged and comes back the same in ReportChargingProfiles, the parts the station does not
// implement are refused rather than dropped, reports are one per EVSE with tbc, and a refusal's
// statusInfo always fits the schema.
#include <gtest/gtest.h>

#include "ocpp/common/datetime.hpp"
#include "ocpp/cp/v201/smart_charging.hpp"

namespace ocpp::cp::v201 {
namespace {

namespace m = ocpp::v201;

SystemTime at(std::int64_t s) { return SystemTime(std::chrono::seconds(s)); }

m::ChargingProfileType full_profile() {
  m::ChargingProfileType p;
  p.id = 7;
  p.stackLevel = 3;
  p.chargingProfilePurpose = m::ChargingProfilePurposeEnumType::TxProfile;
  p.chargingProfileKind = m::ChargingProfileKindEnumType::Recurring;
  p.recurrencyKind = m::RecurrencyKindEnumType::Weekly;
  p.validFrom = DateTime(at(1700000000));
  p.validTo = DateTime(at(1800000000));
  p.transactionId = "4f1a7c7e-0000-4000-8000-000000000001";
  m::ChargingScheduleType s;
  s.id = 70;
  s.startSchedule = DateTime(at(1700000100));
  s.duration = 3600;
  s.chargingRateUnit = m::ChargingRateUnitEnumType::W;
  s.minChargingRate = 1400;
  m::ChargingSchedulePeriodType first;
  first.startPeriod = 0;
  first.limit = 11000;
  m::ChargingSchedulePeriodType second;
  second.startPeriod = 600;
  second.limit = 3680;
  second.numberPhases = 1;
  s.chargingSchedulePeriod = {first, second};
  p.chargingSchedule = {s};
  return p;
}

TEST(V201SmartCharging, AProfileReachesTheCoreAndComesBackUnchanged) {
  const auto in = full_profile();
  const auto converted = to_core_profile(in, 2);
  ASSERT_TRUE(std::holds_alternative<ChargingProfile>(converted));
  const auto& p = std::get<ChargingProfile>(converted);
  EXPECT_EQ(p.id, 7);
  EXPECT_EQ(p.stack_level, 3);
  EXPECT_EQ(p.purpose, ProfilePurpose::Tx);
  EXPECT_EQ(p.kind, ProfileKind::Recurring);
  EXPECT_EQ(p.recurrency, Recurrency::Weekly);
  EXPECT_EQ(p.valid_from, at(1700000000));
  EXPECT_EQ(p.valid_to, at(1800000000));
  EXPECT_EQ(p.transaction_id, "4f1a7c7e-0000-4000-8000-000000000001");
  EXPECT_EQ(p.evse, 2);
  EXPECT_EQ(p.schedule.id, 70);
  EXPECT_EQ(p.schedule.start, at(1700000100));
  EXPECT_EQ(p.schedule.duration_s, 3600);
  EXPECT_EQ(p.schedule.unit, RateUnit::W);
  EXPECT_EQ(p.schedule.min_rate, 1400);
  const std::vector<SchedulePeriod> periods = {{0, 11000, std::nullopt}, {600, 3680, 1}};
  EXPECT_EQ(p.schedule.periods, periods);

  const auto back = to_v201(p);
  EXPECT_EQ(back.id, in.id);
  EXPECT_EQ(back.stackLevel, in.stackLevel);
  EXPECT_EQ(back.chargingProfilePurpose, in.chargingProfilePurpose);
  EXPECT_EQ(back.chargingProfileKind, in.chargingProfileKind);
  EXPECT_EQ(back.recurrencyKind, in.recurrencyKind);
  EXPECT_EQ(back.validFrom->time(), in.validFrom->time());
  EXPECT_EQ(back.validTo->time(), in.validTo->time());
  EXPECT_EQ(back.transactionId->str(), in.transactionId->str());
  ASSERT_EQ(back.chargingSchedule.size(), 1u);
  const auto& s = back.chargingSchedule[0];
  EXPECT_EQ(s.id, 70);
  EXPECT_EQ(s.startSchedule->time(), at(1700000100));
  EXPECT_EQ(s.duration, 3600);
  EXPECT_EQ(s.chargingRateUnit, m::ChargingRateUnitEnumType::W);
  EXPECT_EQ(s.minChargingRate, 1400);
  ASSERT_EQ(s.chargingSchedulePeriod.size(), 2u);
  EXPECT_EQ(s.chargingSchedulePeriod[0].numberPhases, std::nullopt);
  EXPECT_EQ(s.chargingSchedulePeriod[1].startPeriod, 600);
  EXPECT_EQ(s.chargingSchedulePeriod[1].limit, 3680);
  EXPECT_EQ(s.chargingSchedulePeriod[1].numberPhases, 1);
}

TEST(V201SmartCharging, OnlyATxProfileBelongsToATransaction) {
  auto in = full_profile();
  in.chargingProfilePurpose = m::ChargingProfilePurposeEnumType::TxDefaultProfile;
  const auto p = std::get<ChargingProfile>(to_core_profile(in, 1));
  EXPECT_EQ(p.purpose, ProfilePurpose::TxDefault);
  EXPECT_EQ(p.transaction_id, std::nullopt);
  in.chargingProfilePurpose = m::ChargingProfilePurposeEnumType::ChargingStationExternalConstraints;
  EXPECT_EQ(std::get<ChargingProfile>(to_core_profile(in, 0)).purpose, ProfilePurpose::ExternalConstraints);
}

TEST(V201SmartCharging, WhatTheStationDoesNotImplementIsRefusedNotDropped) {
  auto two = full_profile();
  two.chargingSchedule.push_back(two.chargingSchedule[0]);
  const auto refused = to_core_profile(two, 1);
  ASSERT_TRUE(std::holds_alternative<ocpp::cp::ProfileRefusal>(refused));
  EXPECT_EQ(std::get<ocpp::cp::ProfileRefusal>(refused).reason_code, "UnsupportedParam");

  auto phase = full_profile();
  phase.chargingSchedule[0].chargingSchedulePeriod[1].phaseToUse = 2;
  const auto no_switching = to_core_profile(phase, 1);
  ASSERT_TRUE(std::holds_alternative<ocpp::cp::ProfileRefusal>(no_switching));
  EXPECT_EQ(std::get<ocpp::cp::ProfileRefusal>(no_switching).reason_code, "UnsupportedParam");
}

TEST(V201SmartCharging, ReportsAreOnePerEvseWithTbcOnAllButTheLast) {
  ChargingProfile a;
  a.id = 1;
  a.evse = 2;
  a.schedule.periods = {{0, 10, std::nullopt}};
  ChargingProfile b = a;
  b.id = 2;
  b.evse = 0;
  ChargingProfile c = a;
  c.id = 3;
  const auto reports = charging_profile_reports(42, {a, b, c});
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].evseId, 0);
  EXPECT_EQ(reports[0].tbc, true);
  ASSERT_EQ(reports[0].chargingProfile.size(), 1u);
  EXPECT_EQ(reports[0].chargingProfile[0].id, 2);
  EXPECT_EQ(reports[1].evseId, 2);
  EXPECT_NE(reports[1].tbc, true);
  ASSERT_EQ(reports[1].chargingProfile.size(), 2u);
  for (const auto& r : reports) {
    EXPECT_EQ(r.requestId, 42);
    EXPECT_EQ(r.chargingLimitSource, m::ChargingLimitSourceEnumType::CSO);
  }
  const auto one = charging_profile_reports(5, {a});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_NE(one[0].tbc, true);
  EXPECT_TRUE(charging_profile_reports(5, {}).empty());
}

TEST(V201SmartCharging, StatusInfoFitsTheSchema) {
  // reasonCode holds at most 20 characters: the core's longer codes get a shorter one.
  EXPECT_EQ(status_info({"InvalidPurpose", "why"}).reasonCode.str(), "InvalidPurpose");
  EXPECT_EQ(status_info({"SomeFutureCodeFarTooLong", "why"}).reasonCode.str(), "SomeFutureCodeFarToo");
  EXPECT_EQ(status_info({"InvalidStackLevel", "why"}).reasonCode.str(), "InvalidStackLevel");
  EXPECT_EQ(status_info({"InvalidStackLevel", "why"}).additionalInfo->str(), "why");
  EXPECT_EQ(status_info({"InvalidStackLevel", ""}).additionalInfo, std::nullopt);
  // additionalInfo holds at most 512: cut, and never inside a UTF-8 character.
  const std::string long_text = std::string(511, 'x') + "\xC3\xA9" + "tail";
  const auto info = status_info({"InvalidSchedule", long_text});
  EXPECT_EQ(info.additionalInfo->str(), std::string(511, 'x'));
}

}  // namespace
}  // namespace ocpp::cp::v201
