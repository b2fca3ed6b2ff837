// ChargePoint: a charging session as a driver and the CSMS see it, from plugging in to unplugging,
// with the core wired as the daemon wires it (core_test_support.hpp): real SQLite file, real
// authorization chain, the simulated pile, a fake CSMS, and a ManualEventLoop.
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;
using S = Word;

class ChargePointSession : public CoreFixture {};

// DESIGN.md "How data flows" and principle 4, end to end: Preparing, authorization by the CSMS,
// the transaction and its start event durable before the contactor closes, Charging, periodic
// samples with the meter's register, the stop with its reason and register, Finishing, Available.
TEST_F(ChargePointSession, FullRfidSessionFromPlugToUnplug) {
  boot();
  const double start_register = register_wh(1);

  ASSERT_EQ(pile().plug(1), "");
  EXPECT_EQ(status(1), S::Preparing);
  ASSERT_TRUE(csms_.last_of(1).has_value());
  EXPECT_EQ(csms_.last_of(1)->status, S::Preparing);

  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  bool answered = false;
  cp().present(1, "TAG-1", IdSource::Rfid, [&](bool accepted, const std::string& reason) {
    answered = true;
    EXPECT_TRUE(accepted) << reason;
  });
  loop_.run_pending();
  EXPECT_TRUE(answered);
  EXPECT_EQ(csms_.authorize_requests, std::vector<std::string>{"TAG-1"});

  // The transaction is in SQLite and its start event in the outbox.
  const auto records = all_transactions();
  ASSERT_EQ(records.size(), 1u);
  const auto pk = records[0].pk;
  EXPECT_TRUE(records[0].open());
  EXPECT_EQ(records[0].connector, 1);
  EXPECT_EQ(records[0].id_tag, "TAG-1");
  EXPECT_DOUBLE_EQ(records[0].meter_start_wh, start_register);
  const auto start_events = starts();
  ASSERT_EQ(start_events.size(), 1u);
  EXPECT_EQ(start_events[0].connector, 1);
  EXPECT_EQ(start_events[0].id_tag, "TAG-1");
  EXPECT_DOUBLE_EQ(start_events[0].meter_start_wh, start_register);
  EXPECT_EQ(start_events[0].at, clock_.system_now());

  // ... and both were there, committed, at the moment the contactor closed (principle 4).
  ASSERT_FALSE(moves_.empty());
  const auto& close = moves_.front();
  EXPECT_TRUE(close.closing);
  EXPECT_EQ(close.connector, 1);
  ASSERT_EQ(close.outbox.size(), 1u);
  EXPECT_EQ(close.outbox[0].first, OutboxKind::Start);
  EXPECT_EQ(close.outbox[0].second, pk);
  ASSERT_EQ(close.open_transactions.size(), 1u);
  EXPECT_EQ(close.open_transactions[0].pk, pk);
  EXPECT_TRUE(sim(1).contactor_closed());
  EXPECT_TRUE(sim(1).locked());

  // The EV has not asked for energy yet.
  EXPECT_EQ(status(1), S::SuspendedEV);
  ASSERT_EQ(pile().ev_charge(1), "");
  EXPECT_EQ(status(1), S::Charging);
  EXPECT_GT(sim(1).power_w(), 0);

  // Three sample intervals (60 s by default): exactly three samples, each the register then.
  std::vector<double> registers;
  for (int i = 0; i < 3; ++i) {
    advance(60s);
    registers.push_back(register_wh(1));
  }
  const auto samples = meters();
  ASSERT_EQ(samples.size(), 3u);
  double previous = start_register;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i].connector, 1);
    EXPECT_EQ(samples[i].sample.context, "Sample.Periodic");
    const auto wh = value_of(samples[i].sample, "Energy.Active.Import.Register");
    ASSERT_TRUE(wh.has_value());
    EXPECT_DOUBLE_EQ(*wh, registers[i]);
    EXPECT_GT(*wh, previous);
    previous = *wh;
  }
  // 7400 W for 60 s is 123.33 Wh per interval.
  EXPECT_NEAR(registers[0] - start_register, 7400.0 * 60 / 3600, 1e-6);
  for (const auto& e : events_of(OutboxKind::Meter)) EXPECT_EQ(e.transaction_pk, pk);

  // The stop button: reason Local, the register at that moment.
  advance(10s);
  const double stop_register = register_wh(1);
  ASSERT_EQ(pile().press_stop(1), "");
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_FALSE(sim(1).locked());
  const auto stop_events = stops();
  ASSERT_EQ(stop_events.size(), 1u);
  EXPECT_EQ(stop_events[0].reason, StopReason::Local);
  EXPECT_DOUBLE_EQ(stop_events[0].meter_stop_wh, stop_register);
  EXPECT_EQ(stop_events[0].id_tag, std::nullopt);
  EXPECT_EQ(events().back().kind, OutboxKind::Stop);
  EXPECT_EQ(events().back().transaction_pk, pk);
  const auto stopped = cp().transactions().get(pk);
  ASSERT_TRUE(stopped.has_value());
  EXPECT_FALSE(stopped->open());
  EXPECT_EQ(stopped->stop_reason, StopReason::Local);
  EXPECT_DOUBLE_EQ(stopped->meter_stop_wh.value_or(-1), stop_register);
  EXPECT_EQ(status(1), S::Finishing);
  EXPECT_FALSE(tx(1).has_value());

  // No energy flows after the stop.
  advance(60s);
  EXPECT_DOUBLE_EQ(register_wh(1), stop_register);
  EXPECT_EQ(meters().size(), 3u);

  ASSERT_EQ(pile().unplug(1), "");
  EXPECT_EQ(status(1), S::Available);

  // What the CSMS saw of connector 1: each status once, in order, nothing in between.
  EXPECT_EQ(csms_.statuses_of(1),
            (std::vector<S>{S::Preparing, S::SuspendedEV, S::Charging, S::Finishing, S::Available}));
  // Connector 2 was never touched.
  EXPECT_TRUE(csms_.statuses_of(2).empty());
  EXPECT_EQ(status(2), S::Available);
}

// The id first, then the cable: the authorization waits (Preparing) and the transaction starts
// when the cable arrives.
TEST_F(ChargePointSession, IdFirstThenPlug) {
  boot();
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  EXPECT_EQ(status(1), S::Preparing);
  EXPECT_TRUE(all_transactions().empty());
  EXPECT_TRUE(events().empty());
  EXPECT_FALSE(sim(1).contactor_closed());

  advance(20s);
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(all_transactions().size(), 1u);
  EXPECT_EQ(all_transactions()[0].id_tag, "TAG-1");
  EXPECT_TRUE(sim(1).contactor_closed());
  ASSERT_EQ(pile().ev_charge(1), "");
  EXPECT_EQ(status(1), S::Charging);
  EXPECT_EQ(csms_.statuses_of(1), (std::vector<S>{S::Preparing, S::SuspendedEV, S::Charging}));

  // The ConnectionTimeOut of the authorization does not touch the running transaction.
  advance(10min);
  EXPECT_EQ(status(1), S::Charging);
  EXPECT_TRUE(tx(1).has_value());
}

// 1.6 ConnectionTimeOut: an authorization without a cable is dropped, back to Available.
TEST_F(ChargePointSession, ConnectionTimeoutDropsAnAuthorizationWithoutCable) {
  set("connection_timeout_s", "30");
  boot();
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  EXPECT_EQ(status(1), S::Preparing);
  advance(29s);
  EXPECT_EQ(status(1), S::Preparing);
  advance(1s);
  EXPECT_EQ(status(1), S::Available);
  EXPECT_EQ(csms_.statuses_of(1), (std::vector<S>{S::Preparing, S::Available}));

  // The cable now finds no authorization: no transaction.
  ASSERT_EQ(pile().plug(1), "");
  EXPECT_EQ(status(1), S::Preparing);
  EXPECT_TRUE(all_transactions().empty());
  EXPECT_FALSE(sim(1).contactor_closed());
}

// connection_timeout_s 0 means "never" (settings.cpp: "0: never"), not "at once".
TEST_F(ChargePointSession, ConnectionTimeoutZeroNeverDropsTheAuthorization) {
  set("connection_timeout_s", "0");
  boot();
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  advance(1h);
  EXPECT_EQ(status(1), S::Preparing);
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(all_transactions().size(), 1u);
  EXPECT_TRUE(sim(1).contactor_closed());
}

// An id the CSMS refuses starts nothing; the connector stays as the cable makes it.
TEST_F(ChargePointSession, RefusedIdStartsNothing) {
  boot();
  csms_.known["BAD"] = AuthorizationStatus::Blocked;
  ASSERT_EQ(pile().plug(1), "");
  bool accepted = true;
  std::string why;
  cp().present(1, "BAD", IdSource::Rfid, [&](bool a, const std::string& r) {
    accepted = a;
    why = r;
  });
  EXPECT_FALSE(accepted);
  EXPECT_NE(why.find("Blocked"), std::string::npos) << why;
  EXPECT_TRUE(all_transactions().empty());
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(status(1), S::Preparing);
  EXPECT_TRUE(moves_.empty());
  EXPECT_EQ(pile().status().connectors[0].display_text, "Not authorized");
}

// While one id waits for the CSMS, another presented at the same connector is refused, and the
// first one's answer still counts.
TEST_F(ChargePointSession, SecondIdWhileAuthorizingIsRefused) {
  boot();
  csms_.mode = FakeCsms::Mode::Hold;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  bool accepted = true;
  std::string why;
  cp().present(1, "TAG-2", IdSource::Rfid, [&](bool a, const std::string& r) {
    accepted = a;
    why = r;
  });
  EXPECT_FALSE(accepted);
  EXPECT_NE(why.find("authorizing"), std::string::npos) << why;
  EXPECT_EQ(csms_.authorize_requests, std::vector<std::string>{"TAG-1"});
  csms_.answer_held(AuthorizationStatus::Accepted);
  ASSERT_TRUE(tx(1).has_value());
  EXPECT_EQ(tx(1)->id_tag, "TAG-1");
}

// The CSMS does not answer Authorize (the adapter's timeout): decided as offline, so an unknown
// id is refused by default.
TEST_F(ChargePointSession, SilentCsmsDecidesAsOffline) {
  boot();
  csms_.mode = FakeCsms::Mode::Timeout;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  EXPECT_FALSE(tx(1).has_value());
  set("allow_offline_tx_for_unknown_id", "true");
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  EXPECT_TRUE(tx(1).has_value());
}

// Two connectors charge independently, each with its own transaction and samples.
TEST_F(ChargePointSession, TwoConnectorsChargeIndependently) {
  boot();
  const auto pk1 = start_charging(1, "TAG-1");
  advance(30s);
  const auto pk2 = start_charging(2, "TAG-2");
  EXPECT_NE(pk1, pk2);
  advance(60s);
  const auto samples = events_of(OutboxKind::Meter);
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].transaction_pk, pk1);
  EXPECT_EQ(decode_meter(samples[0].payload).connector, 1);
  EXPECT_EQ(samples[1].transaction_pk, pk2);
  EXPECT_EQ(decode_meter(samples[1].payload).connector, 2);
  ASSERT_EQ(pile().press_stop(2), "");
  EXPECT_TRUE(tx(1).has_value());
  EXPECT_FALSE(tx(2).has_value());
  EXPECT_EQ(status(1), S::Charging);
  EXPECT_EQ(status(2), S::Finishing);
}

// The views the control socket shows: the running transaction and the energy it delivered.
TEST_F(ChargePointSession, ViewShowsTheTransactionAndItsEnergy) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(30min);
  const auto v = tx(1);
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->pk, pk);
  EXPECT_EQ(v->id_tag, "TAG-1");
  EXPECT_FALSE(v->csms_id.has_value());
  EXPECT_FALSE(v->offline_code);
  EXPECT_NEAR(v->energy_wh, 3700.0, 1e-6);  // 7400 W for 30 min
  confirm(pk, "77", AuthorizationStatus::Accepted);
  EXPECT_EQ(tx(1)->csms_id, std::optional<std::string>("77"));
  EXPECT_EQ(cp().transactions().get(pk)->csms_id, std::optional<std::string>("77"));
}

}  // namespace
}  // namespace ocpp::cp
