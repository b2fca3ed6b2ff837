// ChargePoint: every reason the core stops a transaction for (1.6 Reason / 2.0.1 ReasonEnumType),
// each durable in the transactions table and in the outbox with the meter's register.
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;
using S = Word;

class ChargePointStop : public CoreFixture {
 protected:
  // The one stop event of the test, checked against the transaction record and the register.
  StopEvent only_stop(std::int64_t pk, StopReason reason) {
    const auto all = stops();
    EXPECT_EQ(all.size(), 1u);
    if (all.empty()) return {};
    EXPECT_EQ(all[0].reason, reason) << to_string(all[0].reason);
    const auto record = cp().transactions().get(pk);
    EXPECT_TRUE(record.has_value());
    if (record) {
      EXPECT_FALSE(record->open());
      EXPECT_EQ(record->stop_reason, reason);
      EXPECT_DOUBLE_EQ(record->meter_stop_wh.value_or(-1), all[0].meter_stop_wh);
    }
    return all[0];
  }
};

TEST_F(ChargePointStop, LocalByTheStopButton) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(5min);
  const double reg = register_wh(1);
  ASSERT_EQ(pile().press_stop(1), "");
  const auto e = only_stop(pk, StopReason::Local);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, reg);
  EXPECT_FALSE(e.id_tag.has_value());
  EXPECT_FALSE(sim(1).contactor_closed());
}

// 1.6 §3.5.4: the same id presented again stops the transaction, and says who stopped it.
TEST_F(ChargePointStop, LocalBySameIdPresentedAgain) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(5min);
  // Another id does not stop somebody else's transaction.
  csms_.known["TAG-2"] = AuthorizationStatus::Accepted;
  bool accepted = true;
  cp().present(1, "TAG-2", IdSource::Rfid, [&](bool a, const std::string&) { accepted = a; });
  EXPECT_FALSE(accepted);
  EXPECT_TRUE(tx(1).has_value());
  EXPECT_TRUE(stops().empty());

  const double reg = register_wh(1);
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  const auto e = only_stop(pk, StopReason::Local);
  EXPECT_EQ(e.id_tag, std::optional<std::string>("TAG-1"));
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, reg);
  EXPECT_EQ(cp().transactions().get(pk)->stop_id_tag, std::optional<std::string>("TAG-1"));
  EXPECT_EQ(status(1), S::Finishing);
}

// 1.6 §5.12 RemoteStopTransaction, by the transactionId the CSMS assigned.
TEST_F(ChargePointStop, RemoteByTheCsmsTransactionId) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  // Before StartTransaction.conf there is no CSMS id to stop by.
  EXPECT_FALSE(cp().remote_stop("42"));
  confirm(pk, "42", AuthorizationStatus::Accepted);
  EXPECT_FALSE(cp().remote_stop("43"));
  EXPECT_TRUE(tx(1).has_value());
  advance(2min);
  const double reg = register_wh(1);
  EXPECT_TRUE(cp().remote_stop("42"));
  const auto e = only_stop(pk, StopReason::Remote);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, reg);
  // Stopped already: a second request finds nothing running.
  EXPECT_FALSE(cp().remote_stop("42"));
}

// 1.6 StopTransactionOnEVSideDisconnect true: unplugging at the EV ends the transaction.
TEST_F(ChargePointStop, EvDisconnectedWhenConfigured) {
  set("stop_transaction_on_ev_side_disconnect", "true");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(10min);
  const double reg = register_wh(1);
  ASSERT_EQ(pile().unplug(1), "");
  const auto e = only_stop(pk, StopReason::EVDisconnected);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, reg);
  EXPECT_EQ(status(1), S::Available);
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_FALSE(sim(1).locked());
  // One event, one status: Charging -> Available (1.6 §4.9), no SuspendedEV or Finishing between.
  EXPECT_EQ(csms_.statuses_of(1), (std::vector<S>{S::Preparing, S::SuspendedEV, S::Charging, S::Available}));
}

// ... and false: the transaction goes on (SuspendedEV) and continues when the cable is back.
TEST_F(ChargePointStop, EvSideDisconnectContinuesWhenNotConfigured) {
  set("stop_transaction_on_ev_side_disconnect", "false");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(10min);
  ASSERT_EQ(pile().unplug(1), "");
  EXPECT_TRUE(stops().empty());
  ASSERT_TRUE(tx(1).has_value());
  EXPECT_EQ(tx(1)->pk, pk);
  EXPECT_EQ(status(1), S::SuspendedEV);
  const double paused = register_wh(1);
  advance(5min);
  EXPECT_DOUBLE_EQ(register_wh(1), paused);  // nothing flows without the EV

  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().ev_charge(1), "");
  EXPECT_EQ(status(1), S::Charging);
  advance(1min);
  EXPECT_GT(register_wh(1), paused);
  ASSERT_EQ(pile().press_stop(1), "");
  only_stop(pk, StopReason::Local);
}

// 1.6 §3.5.3 StopTransactionOnInvalidId true: the CSMS refuses the id in StartTransaction.conf.
TEST_F(ChargePointStop, DeAuthorizedWhenTheCsmsRefusesTheIdAtStart) {
  set("stop_transaction_on_invalid_id", "true");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(1min);
  const double reg = register_wh(1);
  confirm(pk, "9", AuthorizationStatus::Invalid);
  const auto e = only_stop(pk, StopReason::DeAuthorized);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, reg);
  EXPECT_FALSE(sim(1).contactor_closed());
  // The refusal is remembered (1.6 §3.5.1): the cache now says Invalid.
  const auto cached = cache_->lookup("TAG-1", clock_.system_now());
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->status, AuthorizationStatus::Invalid);
}

// StopTransactionOnInvalidId false and MaxEnergyOnInvalidId 0: the transaction stays open without
// energy (SuspendedEVSE) until someone stops it.
TEST_F(ChargePointStop, InvalidIdNotStoppedWithholdsEnergy) {
  set("stop_transaction_on_invalid_id", "false");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(1min);
  confirm(pk, "9", AuthorizationStatus::Invalid);
  EXPECT_TRUE(stops().empty());
  EXPECT_TRUE(tx(1).has_value());
  EXPECT_EQ(status(1), S::SuspendedEVSE);
  EXPECT_EQ(sim(1).current_limit_a(), 0);
  const double held = register_wh(1);
  advance(10min);
  EXPECT_DOUBLE_EQ(register_wh(1), held);
  ASSERT_EQ(pile().press_stop(1), "");
  const auto e = only_stop(pk, StopReason::Local);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, held);
}

// MaxEnergyOnInvalidId: that much energy in total, then none, whatever the sample interval (even
// with periodic samples disabled). The cap is checked often enough to overshoot by little.
TEST_F(ChargePointStop, MaxEnergyOnInvalidIdIsHonouredWithoutSamples) {
  set("stop_transaction_on_invalid_id", "false");
  set("max_energy_on_invalid_id_wh", "500");
  set("meter_value_sample_interval_s", "0");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  const double start = register_wh(1);
  advance(1min);  // 123 Wh
  confirm(pk, "9", AuthorizationStatus::Invalid);
  EXPECT_EQ(status(1), S::Charging);  // below the cap: energy still flows
  advance(30min);  // 3700 Wh would flow without the cap
  EXPECT_EQ(status(1), S::SuspendedEVSE);
  const double delivered = register_wh(1) - start;
  EXPECT_GE(delivered, 500.0);
  EXPECT_LE(delivered, 500.0 + 7400.0 * 2 / 3600) << "more than 2 s of energy past the cap";
  EXPECT_TRUE(tx(1).has_value());
  EXPECT_TRUE(stops().empty());
}

TEST_F(ChargePointStop, MaxEnergyOnInvalidIdIsHonouredBetweenSamples) {
  set("stop_transaction_on_invalid_id", "false");
  set("max_energy_on_invalid_id_wh", "500");
  boot();  // samples every 60 s: 500 Wh are reached at 243 s, between two samples
  const auto pk = start_charging(1, "TAG-1");
  const double start = register_wh(1);
  confirm(pk, "9", AuthorizationStatus::Invalid);
  advance(10min);
  EXPECT_EQ(status(1), S::SuspendedEVSE);
  const double delivered = register_wh(1) - start;
  EXPECT_GE(delivered, 500.0);
  EXPECT_LE(delivered, 500.0 + 7400.0 * 2 / 3600) << "more than 2 s of energy past the cap";
}

// A cap already passed when the refusal arrives (an offline start confirmed late) withholds at once.
TEST_F(ChargePointStop, MaxEnergyOnInvalidIdAlreadyPassedWithholdsAtOnce) {
  set("stop_transaction_on_invalid_id", "false");
  set("max_energy_on_invalid_id_wh", "100");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(5min);  // 616 Wh
  confirm(pk, "9", AuthorizationStatus::Invalid);
  EXPECT_EQ(status(1), S::SuspendedEVSE);
  EXPECT_EQ(sim(1).current_limit_a(), 0);
}

// After a transaction whose energy was withheld, the next one starts offering energy again, and
// the CSMS never sees a SuspendedEVSE it did not cause.
TEST_F(ChargePointStop, NextTransactionAfterWithheldEnergyOffersEnergyAgain) {
  set("stop_transaction_on_invalid_id", "false");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  confirm(pk, "9", AuthorizationStatus::Invalid);
  EXPECT_EQ(status(1), S::SuspendedEVSE);
  ASSERT_EQ(pile().press_stop(1), "");
  ASSERT_EQ(pile().unplug(1), "");
  csms_.statuses.clear();

  start_charging(1, "TAG-2");
  EXPECT_EQ(status(1), S::Charging);
  EXPECT_GT(sim(1).current_limit_a(), 0);
  EXPECT_EQ(csms_.statuses_of(1), (std::vector<S>{S::Preparing, S::SuspendedEV, S::Charging}));
}

TEST_F(ChargePointStop, HardAndSoftResetStopEveryTransaction) {
  boot();
  const auto pk1 = start_charging(1, "TAG-1");
  const auto pk2 = start_charging(2, "TAG-2");
  advance(3min);
  bool restarted = false;
  cp().reset(true, [&] { restarted = true; });
  // The stops are durable before the restart is allowed to happen.
  const auto all = stops();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].reason, StopReason::HardReset);
  EXPECT_EQ(all[1].reason, StopReason::HardReset);
  EXPECT_FALSE(cp().transactions().get(pk1)->open());
  EXPECT_FALSE(cp().transactions().get(pk2)->open());
  EXPECT_FALSE(restarted);
  loop_.run_pending();
  EXPECT_TRUE(restarted);
}

TEST_F(ChargePointStop, SoftReset) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  bool restarted = false;
  cp().reset(false, [&] { restarted = true; });
  loop_.run_pending();
  EXPECT_TRUE(restarted);
  only_stop(pk, StopReason::SoftReset);
}

// 1.6 §5.17 UnlockConnector: stops the transaction (UnlockCommand), then unlocks.
TEST_F(ChargePointStop, UnlockCommand) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  EXPECT_TRUE(sim(1).locked());
  EXPECT_EQ(cp().unlock(1), UnlockAnswer::Unlocked);
  only_stop(pk, StopReason::UnlockCommand);
  EXPECT_FALSE(sim(1).locked());
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_EQ(cp().unlock(9), UnlockAnswer::NotSupported);
  // A lock that does not move is reported.
  ASSERT_EQ(pile().fault(2, ErrorCode::ConnectorLockFailure), "");
  EXPECT_EQ(cp().unlock(2), UnlockAnswer::UnlockFailed);
}

TEST_F(ChargePointStop, RebootByStopAll) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  cp().stop_all(StopReason::Reboot);
  only_stop(pk, StopReason::Reboot);
  EXPECT_FALSE(tx(1).has_value());
}

// A crash or power cut leaves the transaction open in the database. The next start closes it with
// PowerLoss and the register the meter shows then (the hardware kept counting), once.
TEST_F(ChargePointStop, PowerLossClosesTheOpenTransactionOnceAtStart) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  confirm(pk, "501", AuthorizationStatus::Accepted);
  advance(10min);
  shutdown();  // no stop: the process dies
  advance(5min);
  const double reg = register_wh(1);
  boot();
  const auto e = only_stop(pk, StopReason::PowerLoss);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, reg);
  EXPECT_EQ(e.connector, 1);
  const auto stop_rows = events_of(OutboxKind::Stop);
  ASSERT_EQ(stop_rows.size(), 1u);
  EXPECT_EQ(stop_rows[0].transaction_pk, pk);
  EXPECT_FALSE(tx(1).has_value());
  // The cable is still in: a new driver may start.
  EXPECT_EQ(status(1), S::Preparing);
  EXPECT_FALSE(sim(1).contactor_closed());

  // Timers of the dead core are gone; the loop runs on without touching it.
  advance(5min);
  // Reported once: another restart finds nothing open.
  reboot();
  EXPECT_EQ(stops().size(), 1u);
  EXPECT_TRUE(cp().transactions().open_transactions().empty());
}

// With the resume policy, a transaction whose EV is still plugged in goes on after the restart:
// the same transaction (no new start, no stop), the energy counted while the controller was down
// included, and it stops normally later.
TEST_F(ChargePointStop, ResumePolicyContinuesTheTransactionWhenTheEvIsStillThere) {
  resume_after_power_loss_ = true;
  boot();
  const auto pk = start_charging(1, "TAG-1");
  confirm(pk, "501", AuthorizationStatus::Accepted);
  advance(10min);
  shutdown();
  advance(5min);
  boot();
  EXPECT_TRUE(stops().empty()) << "nothing stopped";
  EXPECT_EQ(events_of(OutboxKind::Start).size(), 1u) << "no second start";
  ASSERT_TRUE(tx(1).has_value());
  EXPECT_EQ(tx(1)->pk, pk) << "the same transaction";
  EXPECT_TRUE(sim(1).contactor_closed());
  EXPECT_EQ(status(1), S::Charging);
  advance(10min);
  const double reg = register_wh(1);
  ASSERT_EQ(pile().press_stop(1), "");
  const auto e = only_stop(pk, StopReason::Local);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, reg);
}

// The resume policy cannot resume a transaction whose EV left while the controller was down: it
// is stopped with PowerLoss, as without the policy.
TEST_F(ChargePointStop, ResumePolicyStopsWhenTheEvIsGone) {
  resume_after_power_loss_ = true;
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(10min);
  shutdown();
  ASSERT_EQ(pile().ev_suspend(1), "");
  ASSERT_EQ(pile().unplug(1), "");
  boot();
  only_stop(pk, StopReason::PowerLoss);
  EXPECT_FALSE(tx(1).has_value());
  EXPECT_EQ(status(1), S::Available);
}

// A transaction left open on a connector the pile no longer has (reconfigured with fewer) is
// still closed and reported, with the last register known for it: never silently kept open.
TEST_F(ChargePointStop, PowerLossOnAConnectorThatNoLongerExists) {
  boot(2);
  const auto pk = start_charging(2, "TAG-2");
  const auto start = cp().transactions().get(pk)->meter_start_wh;
  advance(10min);
  shutdown();
  pile_.reset();
  boot(1);
  const auto all = stops();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].reason, StopReason::PowerLoss);
  EXPECT_EQ(all[0].connector, 2);
  // The last register its samples carried (issue 14: stored with the transaction), above the start.
  double last_sampled = start;
  for (const auto& m : meters()) {
    if (auto v = value_of(m.sample, "Energy.Active.Import.Register")) last_sampled = std::max(last_sampled, *v);
  }
  EXPECT_GT(last_sampled, start);
  EXPECT_DOUBLE_EQ(all[0].meter_stop_wh, last_sampled);
  EXPECT_TRUE(cp().transactions().open_transactions().empty());
}

// A fault during a transaction stops it (Other), the connector reports Faulted with the code,
// and after the fault clears it is Finishing until the cable is removed.
TEST_F(ChargePointStop, OtherOnAFault) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(2min);
  const double reg = register_wh(1);
  ASSERT_EQ(pile().fault(1, ErrorCode::GroundFailure, "leak"), "");
  const auto e = only_stop(pk, StopReason::Other);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, reg);
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_EQ(status(1), S::Faulted);
  const auto last = csms_.last_of(1);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->status, S::Faulted);
  EXPECT_EQ(last->error, ErrorCode::GroundFailure);
  EXPECT_EQ(last->info, "leak");
  ASSERT_EQ(pile().clear_fault(1), "");
  EXPECT_EQ(status(1), S::Finishing);
  EXPECT_EQ(csms_.last_of(1)->error, ErrorCode::NoError);
  ASSERT_EQ(pile().unplug(1), "");
  EXPECT_EQ(status(1), S::Available);
}

// A meter that stops answering during a transaction: the stop uses the last register known for
// the transaction (never an invented one).
TEST_F(ChargePointStop, MeterFailureStopsWithTheLastKnownRegister) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(60s);  // one periodic sample
  const auto samples = meters();
  ASSERT_EQ(samples.size(), 1u);
  const double last_known = *value_of(samples[0].sample, "Energy.Active.Import.Register");
  advance(20s);
  ASSERT_EQ(pile().fault(1, ErrorCode::PowerMeterFailure), "");
  const auto e = only_stop(pk, StopReason::Other);
  EXPECT_DOUBLE_EQ(e.meter_stop_wh, last_known);
}

// A fault of the whole pile stops every transaction; clearing it leaves a connector's own fault.
TEST_F(ChargePointStop, PileFaultStopsEverythingAndClearsOnlyItself) {
  boot();
  const auto pk1 = start_charging(1, "TAG-1");
  ASSERT_EQ(pile().fault(2, ErrorCode::GroundFailure), "");
  ASSERT_EQ(pile().fault(0, ErrorCode::HighTemperature), "");
  EXPECT_FALSE(cp().transactions().get(pk1)->open());
  EXPECT_EQ(status(0), S::Faulted);
  EXPECT_EQ(status(1), S::Faulted);
  EXPECT_EQ(status(2), S::Faulted);
  ASSERT_EQ(pile().clear_fault(0), "");
  EXPECT_EQ(status(0), S::Available);
  EXPECT_EQ(status(1), S::Finishing);
  EXPECT_EQ(status(2), S::Faulted) << "connector 2's own GroundFailure is still there";
  EXPECT_EQ(cp().view()[1].error, ErrorCode::GroundFailure);
  EXPECT_EQ(csms_.last_of(2)->error, ErrorCode::GroundFailure);
  ASSERT_EQ(pile().clear_fault(2), "");
  EXPECT_EQ(status(2), S::Available);
}

// 2.0.1 C16: an id of the master pass group stops every transaction of the station, whichever
// connector it is presented at, and starts none (C16.FR.01, C16.FR.03).
TEST_F(ChargePointStop, MasterPassStopsEveryTransactionAndStartsNone) {
  set("master_pass_group_id", "MASTER");
  boot();
  const auto pk1 = start_charging(1, "TAG-1");
  const auto pk2 = start_charging(2, "TAG-2");
  advance(5min);
  csms_.known["SERVICE"] = AuthorizationStatus::Accepted;
  csms_.groups["SERVICE"] = "MASTER";
  csms_.known["TAG-3"] = AuthorizationStatus::Accepted;
  csms_.groups["TAG-3"] = "FLEET";

  // Another driver's id at a busy connector still stops nothing.
  bool accepted = true;
  cp().present(1, "TAG-3", IdSource::Rfid, [&](bool a, const std::string&) { accepted = a; });
  EXPECT_FALSE(accepted);
  EXPECT_TRUE(stops().empty());

  std::string reason;
  cp().present(1, "SERVICE", IdSource::Rfid, [&](bool a, const std::string& r) {
    accepted = a;
    reason = r;
  });
  EXPECT_TRUE(accepted);
  EXPECT_EQ(reason, "master pass: 2 transaction(s) stopped");
  const auto all = stops();
  ASSERT_EQ(all.size(), 2u);
  for (const auto& e : all) {
    EXPECT_EQ(e.reason, StopReason::MasterPass);
    EXPECT_EQ(e.id_tag, std::optional<std::string>("SERVICE"));
  }
  EXPECT_EQ(cp().transactions().get(pk1)->stop_reason, StopReason::MasterPass);
  EXPECT_EQ(cp().transactions().get(pk2)->stop_reason, StopReason::MasterPass);
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_FALSE(sim(2).contactor_closed());

  // At a free connector with the cable in, the master pass starts nothing.
  ASSERT_EQ(pile().unplug(1), "");
  ASSERT_EQ(pile().plug(1), "");
  cp().present(1, "SERVICE", IdSource::Rfid, [&](bool a, const std::string& r) {
    accepted = a;
    reason = r;
  });
  EXPECT_FALSE(accepted);
  EXPECT_EQ(reason, "master pass: 0 transaction(s) stopped");
  EXPECT_FALSE(tx(1).has_value());
  EXPECT_FALSE(sim(1).contactor_closed());
}

// Without a master pass group, a group id is only a group id.
TEST_F(ChargePointStop, NoMasterPassGroupMeansNoMasterPass) {
  boot();
  start_charging(1, "TAG-1");
  csms_.known["SERVICE"] = AuthorizationStatus::Accepted;
  csms_.groups["SERVICE"] = "MASTER";
  bool accepted = true;
  cp().present(1, "SERVICE", IdSource::Rfid, [&](bool a, const std::string&) { accepted = a; });
  EXPECT_FALSE(accepted);
  EXPECT_TRUE(stops().empty());
}

}  // namespace
}  // namespace ocpp::cp
