// Smart charging in the running core (charging_limits.hpp): the limit the hardware receives (the
// simulated pile's current limit, which its EV obeys), when it changes, what survives a restart,
// and what the CSMS's mistakes are refused with. The composite schedule's arithmetic has its own
// tests (composite_schedule_test.cpp); these check that its answer reaches the pile at the right
// moments, online and offline.
#include "core_test_support.hpp"

namespace ocpp::cp::core_test {
namespace {

class ChargingLimitsTest : public CoreFixture {
 protected:
  // An Absolute profile starting now with `periods` of (start_s, amperes).
  ChargingProfile profile(std::int32_t id, ProfilePurpose purpose, std::int32_t stack_level,
                          std::vector<std::pair<std::int32_t, double>> periods, int evse = 0) {
    ChargingProfile p;
    p.id = id;
    p.purpose = purpose;
    p.stack_level = stack_level;
    p.kind = ProfileKind::Absolute;
    p.evse = evse;
    p.schedule.start = clock_.system_now();
    p.schedule.unit = RateUnit::A;
    for (const auto& [start, limit] : periods) p.schedule.periods.push_back({start, limit, std::nullopt});
    return p;
  }
  void install(const ChargingProfile& p) {
    const auto refusal = cp().limits().install(p, true);
    ASSERT_FALSE(refusal) << refusal->reason_code << ": " << refusal->message;
    loop_.run_pending();
  }
  double amps(ConnectorId id) { return sim(id).current_limit_a(); }
  std::string station_id(ConnectorId id) { return tx(id)->station_id; }
};

TEST_F(ChargingLimitsTest, WithoutProfilesTheEvseMaximumIsOffered) {
  boot();
  start_charging(1, "TAG-1");
  // The default EVSE: 22080 W on 3 phases at 230 V.
  EXPECT_DOUBLE_EQ(amps(1), 32.0);
  EXPECT_EQ(status(1), Word::Charging);
}

TEST_F(ChargingLimitsTest, TheHardwareMaximumComesFromTheTopology) {
  boot();
  Topology t = Topology::uniform(2);
  t.evses[0].max_power_w = 11040;  // 16 A on 3 phases
  cp().set_topology(t);
  start_charging(1, "TAG-1");
  EXPECT_DOUBLE_EQ(amps(1), 16.0);
}

TEST_F(ChargingLimitsTest, ADefaultProfileLimitsARunningTransactionAtOnce) {
  boot();
  start_charging(1, "TAG-1");
  install(profile(1, ProfilePurpose::TxDefault, 0, {{0, 10}}));
  EXPECT_DOUBLE_EQ(amps(1), 10.0);
  EXPECT_NEAR(sim(1).power_w(), 10 * 230 * 3, 1) << "the simulated EV draws what it is offered";
}

TEST_F(ChargingLimitsTest, EachPeriodAppliesWhenItStartsAndZeroSuspendsTheEv) {
  boot();
  start_charging(1, "TAG-1");
  install(profile(1, ProfilePurpose::TxDefault, 0, {{0, 16}, {60, 0}, {120, 8}}));
  EXPECT_DOUBLE_EQ(amps(1), 16.0);
  advance(59s);
  EXPECT_DOUBLE_EQ(amps(1), 16.0) << "not before the period starts";
  advance(1s);
  EXPECT_DOUBLE_EQ(amps(1), 0.0);
  EXPECT_EQ(status(1), Word::SuspendedEVSE) << "no energy offered: the EVSE holds it back";
  advance(60s);
  EXPECT_DOUBLE_EQ(amps(1), 8.0);
  EXPECT_EQ(status(1), Word::Charging);
}

TEST_F(ChargingLimitsTest, BelowTheLeastAPilotCanSignalTheEvIsPausedAndSaidToBe) {
  boot();
  start_charging(1, "TAG-1");
  // IEC 61851-1 annex A: 6 A (10 % duty) is the least; 5 A would pause the EV all the same.
  install(profile(1, ProfilePurpose::TxDefault, 0, {{0, 5}, {60, 6}}));
  EXPECT_DOUBLE_EQ(amps(1), 0.0);
  EXPECT_EQ(status(1), Word::SuspendedEVSE);
  advance(60s);
  EXPECT_DOUBLE_EQ(amps(1), 6.0);
  EXPECT_EQ(status(1), Word::Charging);
}

TEST_F(ChargingLimitsTest, ADcConnectorGetsItsLimitInWattsAndNoPilotMinimum) {
  boot();
  hal_->tapped(1).dc = true;
  auto p = profile(1, ProfilePurpose::TxDefault, 0, {{0, 11000}, {60, 2000}});
  p.schedule.unit = RateUnit::W;
  install(p);
  start_charging(1, "TAG-1");
  EXPECT_EQ(hal_->tapped(1).power_limit_w, std::optional<double>(11000));
  EXPECT_GT(amps(1), 1000.0) << "the current limit only says energy is offered; the stage's own maximum caps it";
  advance(60s);
  EXPECT_EQ(hal_->tapped(1).power_limit_w, std::optional<double>(2000)) << "2 kW is no pause for a DC stage";
  EXPECT_EQ(status(1), Word::Charging);
}

TEST_F(ChargingLimitsTest, ThePlanKeepsApplyingWhileTheCsmsIsUnreachable) {
  boot();
  start_charging(1, "TAG-1");
  install(profile(1, ProfilePurpose::TxDefault, 0, {{0, 16}, {300, 6}}));
  csms_.online_ = false;
  advance(300s);
  EXPECT_DOUBLE_EQ(amps(1), 6.0);
}

TEST_F(ChargingLimitsTest, ProfilesSurviveARestart) {
  boot();
  install(profile(1, ProfilePurpose::TxDefault, 0, {{0, 10}}));
  reboot();
  start_charging(1, "TAG-1");
  EXPECT_DOUBLE_EQ(amps(1), 10.0);
  ASSERT_EQ(cp().limits().installed({}).size(), 1u);
  EXPECT_EQ(cp().limits().installed({}).front().id, 1);
}

TEST_F(ChargingLimitsTest, ATxProfileWinsOverTheDefaultAndEndsWithItsTransaction) {
  boot();
  install(profile(1, ProfilePurpose::TxDefault, 0, {{0, 10}}));
  start_charging(1, "TAG-1");
  install(profile(2, ProfilePurpose::Tx, 0, {{0, 20}}, 1));
  EXPECT_DOUBLE_EQ(amps(1), 20.0) << "the Tx profile replaces the default, even upwards";
  ASSERT_EQ(cp().limits().installed({}).size(), 2u);
  EXPECT_EQ(cp().limits().installed({}).back().transaction_id, station_id(1));
  pile().press_stop(1);
  loop_.run_pending();
  const auto left = cp().limits().installed({});
  ASSERT_EQ(left.size(), 1u) << "the Tx profile ended with its transaction";
  EXPECT_EQ(left.front().id, 1);
}

TEST_F(ChargingLimitsTest, AStationMaximumIsSharedByTheConnectorsThatCharge) {
  boot();
  install(profile(1, ProfilePurpose::StationMax, 0, {{0, 20}}));
  start_charging(1, "TAG-1");
  EXPECT_DOUBLE_EQ(amps(1), 20.0) << "alone, it has the whole maximum";
  start_charging(2, "TAG-2");
  EXPECT_DOUBLE_EQ(amps(1), 10.0);
  EXPECT_DOUBLE_EQ(amps(2), 10.0);
  pile().press_stop(2);
  loop_.run_pending();
  EXPECT_DOUBLE_EQ(amps(1), 20.0) << "the share comes back when the other transaction ends";
}

TEST_F(ChargingLimitsTest, AnExpiredProfileIsRemoved) {
  boot();
  auto p = profile(1, ProfilePurpose::TxDefault, 0, {{0, 10}});
  p.valid_to = clock_.system_now() + 30s;
  install(p);
  start_charging(1, "TAG-1");
  EXPECT_DOUBLE_EQ(amps(1), 10.0);
  advance(30s);
  EXPECT_DOUBLE_EQ(amps(1), 32.0);
  EXPECT_TRUE(cp().limits().installed({}).empty());
}

TEST_F(ChargingLimitsTest, ARemoteStartsProfileIsForTheTransactionItStarts) {
  boot();
  auto p = profile(7, ProfilePurpose::Tx, 0, {{0, 6}});
  p.kind = ProfileKind::Relative;
  p.schedule.start.reset();
  ASSERT_FALSE(cp().limits().check_remote_start_profile(p));
  RemoteStartRequest r;
  r.connector = 2;
  r.id_tag = "APP-1";
  r.profile = p;
  ASSERT_TRUE(cp().remote_start(r));
  ASSERT_EQ(pile().plug(2), "");
  ASSERT_EQ(pile().ev_charge(2), "");
  loop_.run_pending();
  ASSERT_TRUE(tx(2));
  EXPECT_DOUBLE_EQ(amps(2), 6.0);
  const auto installed = cp().limits().installed({});
  ASSERT_EQ(installed.size(), 1u);
  EXPECT_EQ(installed.front().evse, 2);
  EXPECT_EQ(installed.front().transaction_id, station_id(2));
}

TEST_F(ChargingLimitsTest, RefusalsSayWhyAndInstallNothing) {
  boot();
  auto tx_without_transaction = profile(1, ProfilePurpose::Tx, 0, {{0, 6}}, 1);
  auto refusal = cp().limits().install(tx_without_transaction, true);
  ASSERT_TRUE(refusal);
  EXPECT_FALSE(refusal->message.empty());
  install(profile(2, ProfilePurpose::TxDefault, 1, {{0, 6}}));
  // 2.0.1 K01.FR.06: another id on the same purpose, stack level and EVSE is refused...
  refusal = cp().limits().install(profile(3, ProfilePurpose::TxDefault, 1, {{0, 8}}), false);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason_code, "DuplicateProfile");
  // ...where 1.6 §3.13.2 replaces the old one.
  install(profile(3, ProfilePurpose::TxDefault, 1, {{0, 8}}));
  const auto left = cp().limits().installed({});
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left.front().id, 3);
  set("smart_charging_max_profiles", "1");
  refusal = cp().limits().install(profile(4, ProfilePurpose::TxDefault, 2, {{0, 8}}), true);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->reason_code, "TooManyProfiles");
  EXPECT_FALSE(cp().limits().install(profile(3, ProfilePurpose::TxDefault, 1, {{0, 9}}), true))
      << "replacing an installed id is no new profile";
}

TEST_F(ChargingLimitsTest, ClearRemovesWhatMatchesAndTheLimitComesBack) {
  boot();
  install(profile(1, ProfilePurpose::TxDefault, 0, {{0, 10}}));
  install(profile(2, ProfilePurpose::StationMax, 0, {{0, 30}}));
  start_charging(1, "TAG-1");
  EXPECT_DOUBLE_EQ(amps(1), 10.0);
  ProfileCriteria c;
  c.purpose = ProfilePurpose::TxDefault;
  EXPECT_EQ(cp().limits().clear(c), 1);
  EXPECT_DOUBLE_EQ(amps(1), 30.0);
  EXPECT_EQ(cp().limits().clear(c), 0);
}

TEST_F(ChargingLimitsTest, AnEnergyManagersLimitCapsTheEvseUntilLiftedAndTheCsmsCannotClearIt) {
  boot();
  std::vector<std::pair<int, bool>> heard;  // EVSE, limit in force
  cp().limits().on_external_limit(
      [&](int evse, const std::optional<ChargingProfile>& p) { heard.emplace_back(evse, p.has_value()); });
  install(profile(1, ProfilePurpose::TxDefault, 0, {{0, 16}}));
  start_charging(1, "TAG-1");
  EXPECT_DOUBLE_EQ(amps(1), 16.0);
  ASSERT_FALSE(cp().limits().set_external_limit(1, ChargingLimits::ExternalLimit{4140, RateUnit::W}));
  EXPECT_DOUBLE_EQ(amps(1), 6.0) << "4140 W on 3 phases at 230 V";
  EXPECT_EQ(cp().limits().clear({}), 1) << "ClearChargingProfile takes the CSMS's profile, not the limit";
  EXPECT_DOUBLE_EQ(amps(1), 6.0);
  reboot();
  EXPECT_EQ(cp().limits().external_limit(1)->limit, 4140) << "kept across a restart";
  EXPECT_TRUE(cp().limits().set_external_limit(3, ChargingLimits::ExternalLimit{10, RateUnit::A}))
      << "there is no EVSE 3";
  EXPECT_TRUE(cp().limits().set_external_limit(1, ChargingLimits::ExternalLimit{-1, RateUnit::A}));
  ASSERT_FALSE(cp().limits().set_external_limit(1, std::nullopt));
  EXPECT_FALSE(cp().limits().external_limit(1));
  const std::vector<std::pair<int, bool>> expected = {{1, true}};
  EXPECT_EQ(heard, expected) << "the listener of the first boot heard the limit; the lifting went to the second core";
}

}  // namespace
}  // namespace ocpp::cp::core_test
