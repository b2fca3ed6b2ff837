// Where transactions start and stop (issue 11 "Start and stop points"; 2.0.1 E01-E03 TxStartPoint,
// E06 TxStopPoint): every start point in both orders a driver can act in, and every stop point,
// with the outbox events each produces, in order, and the moment the contactor closes.
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;

// An outbox event as a short text: "Start(EvConnected,EVConnected)", "Update(Authorized,TAG-1)",
// "Update(ChargingStateChanged,Charging)", "Stop(Local)", "Meter".
std::string describe(const OutboxEvent& e) {
  switch (e.kind) {
    case OutboxKind::Start: {
      const auto s = decode_start(e.payload);
      return "Start(" + std::string(to_string(s.milestone)) + "," + std::string(to_string(s.charging_state)) +
             (s.id_tag.empty() ? "" : "," + s.id_tag) + ")";
    }
    case OutboxKind::Update: {
      const auto u = decode_update(e.payload);
      std::string text = "Update(" + std::string(to_string(u.milestone)) + "," + std::string(to_string(u.charging_state));
      if (u.id_tag) text += "," + *u.id_tag;
      if (u.reason) text += "," + std::string(to_string(*u.reason));
      return text + ")";
    }
    case OutboxKind::Stop: return "Stop(" + std::string(to_string(decode_stop(e.payload).reason)) + ")";
    case OutboxKind::Meter: return "Meter";
  }
  return "?";
}

class TransactionPoints : public CoreFixture {
 protected:
  void boot_with(std::set<TxPoint> start, std::set<TxPoint> stop) {
    rules_.station_names_transactions = true;
    rules_.record_milestones = true;
    rules_.start_points = std::move(start);
    rules_.stop_points = std::move(stop);
    set("meter_value_sample_interval_s", "0");  // no periodic samples in the sequences
    set("connection_timeout_s", "30");
    boot();
    csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  }
  std::vector<std::string> seen() {
    std::vector<std::string> out;
    for (const auto& e : events()) out.push_back(describe(e));
    return out;
  }
  void plug() { step(pile().plug(1)); }
  void unplug() { step(pile().unplug(1)); }
  void card() { step(pile().present_id(1, "TAG-1")); }
  void ev_charges() { step(pile().ev_charge(1)); }
  void ev_pauses() { step(pile().ev_suspend(1)); }
  void step(const std::string& error) {
    ASSERT_EQ(error, "");
    loop_.run_pending();
  }
  bool contactor_closed() { return sim(1).contactor_closed(); }
  bool has_transaction() { return tx(1).has_value(); }
  // Every contactor closing happened with the transaction already durable (principle 4).
  void expect_durable_before_power() {
    for (const auto& m : moves_) {
      if (!m.closing) continue;
      bool start = false;
      for (const auto& [kind, pk] : m.outbox) start = start || kind == OutboxKind::Start;
      EXPECT_TRUE(start) << "the contactor closed before the transaction's start was recorded";
    }
  }
};

using TP = TxPoint;
const std::set<TxPoint> kDefaultStop{TP::EVConnected, TP::Authorized};

// E01 S2 / E03: the cable starts it; the card authorizes it (Updated with the idToken), the power
// path closes, and energy flows.
TEST_F(TransactionPoints, EvConnectedCableFirst) {
  boot_with({TP::EVConnected}, kDefaultStop);
  plug();
  EXPECT_TRUE(has_transaction());
  EXPECT_FALSE(contactor_closed()) << "no energy before anyone is authorized";
  card();
  EXPECT_TRUE(contactor_closed());
  ev_charges();
  card();
  unplug();
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(EvConnected,EVConnected)", "Update(Authorized,EVConnected,TAG-1)",
                                              "Update(ChargingStateChanged,SuspendedEV)",
                                              "Update(ChargingStateChanged,Charging)", "Stop(Local)"}));
  expect_durable_before_power();
  EXPECT_EQ(all_transactions().at(0).id_tag, "TAG-1") << "the id is stored with the transaction";
}

TEST_F(TransactionPoints, EvConnectedCardFirst) {
  boot_with({TP::EVConnected}, kDefaultStop);
  card();
  EXPECT_FALSE(has_transaction());
  plug();
  EXPECT_TRUE(contactor_closed());
  ev_charges();
  card();
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(EvConnected,SuspendedEV,TAG-1)",
                                              "Update(ChargingStateChanged,Charging)", "Stop(Local)"}));
  expect_durable_before_power();
}

// E01 S3: the card starts it, before or after the cable.
TEST_F(TransactionPoints, AuthorizedCardFirst) {
  boot_with({TP::Authorized}, kDefaultStop);
  card();
  EXPECT_TRUE(has_transaction());
  EXPECT_FALSE(contactor_closed());
  plug();
  EXPECT_TRUE(contactor_closed());
  ev_charges();
  card();
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(Authorized,Idle,TAG-1)", "Update(EvConnected,EVConnected)",
                                              "Update(ChargingStateChanged,SuspendedEV)",
                                              "Update(ChargingStateChanged,Charging)", "Stop(Local)"}));
  expect_durable_before_power();
}

TEST_F(TransactionPoints, AuthorizedCableFirst) {
  boot_with({TP::Authorized}, kDefaultStop);
  plug();
  EXPECT_FALSE(has_transaction());
  card();
  ev_charges();
  card();
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(Authorized,SuspendedEV,TAG-1)",
                                              "Update(ChargingStateChanged,Charging)", "Stop(Local)"}));
  expect_durable_before_power();
}

// E01 S5, and 1.6's fixed rule: the transaction starts when the power path closes for the driver.
TEST_F(TransactionPoints, PowerPathClosedEitherOrder) {
  boot_with({TP::PowerPathClosed}, kDefaultStop);
  plug();
  EXPECT_FALSE(has_transaction());
  card();
  EXPECT_TRUE(has_transaction());
  EXPECT_TRUE(contactor_closed());
  ev_charges();
  card();
  unplug();
  card();
  EXPECT_FALSE(has_transaction());
  plug();
  EXPECT_TRUE(has_transaction());
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(Authorized,SuspendedEV,TAG-1)",
                                              "Update(ChargingStateChanged,Charging)", "Stop(Local)",
                                              "Start(EvConnected,SuspendedEV,TAG-1)"}));
  expect_durable_before_power();
}

// E01 S6: the contactor closes for the driver and the transaction starts when the EV draws.
TEST_F(TransactionPoints, EnergyTransferStartsWhenTheEvDraws) {
  boot_with({TP::EnergyTransfer}, kDefaultStop);
  plug();
  card();
  EXPECT_TRUE(contactor_closed());
  EXPECT_FALSE(has_transaction()) << "no energy has flowed yet";
  ev_charges();
  EXPECT_TRUE(has_transaction());
  card();
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(ChargingStateChanged,Charging,TAG-1)", "Stop(Local)"}));
  EXPECT_FALSE(contactor_closed());
}

TEST_F(TransactionPoints, EnergyTransferCardFirst) {
  boot_with({TP::EnergyTransfer}, kDefaultStop);
  card();
  plug();
  EXPECT_FALSE(has_transaction());
  ev_charges();
  unplug();
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(ChargingStateChanged,Charging,TAG-1)", "Stop(EVDisconnected)"}));
}

// E06 with TxStopPoint EVConnected only: the driver's stop opens the power path and is an Updated
// event (StopAuthorized); the transaction ends when the cable leaves, with the driver's reason.
TEST_F(TransactionPoints, StopAtEvConnectedOnlyWaitsForTheCable) {
  boot_with({TP::PowerPathClosed}, {TP::EVConnected});
  plug();
  card();
  ev_charges();
  card();
  EXPECT_TRUE(has_transaction());
  EXPECT_FALSE(contactor_closed()) << "the driver's stop cuts the energy at once";
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  loop_.run_pending();
  EXPECT_TRUE(has_transaction()) << "a card does not restart a session that waits for its cable";
  unplug();
  EXPECT_FALSE(has_transaction());
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(Authorized,SuspendedEV,TAG-1)",
                                              "Update(ChargingStateChanged,Charging)",
                                              "Update(Deauthorized,EVConnected,Local)", "Stop(Local)"}));
  EXPECT_EQ(decode_stop(events_of(OutboxKind::Stop).at(0).payload).id_tag, "TAG-1") << "who stopped it";
}

TEST_F(TransactionPoints, StopAtAuthorizedEndsAtTheCard) {
  set("stop_transaction_on_ev_side_disconnect", "false");
  boot_with({TP::PowerPathClosed}, {TP::Authorized});
  plug();
  card();
  ev_charges();
  unplug();
  EXPECT_TRUE(has_transaction()) << "the cable is no stop point here";
  EXPECT_EQ(seen().back(), "Update(EvDisconnected,Idle)");
  card();
  EXPECT_FALSE(has_transaction());
  EXPECT_EQ(seen().back(), "Stop(Local)");
}

TEST_F(TransactionPoints, StopAtPowerPathClosedEndsWhenThePowerPathOpens) {
  set("stop_transaction_on_ev_side_disconnect", "false");
  boot_with({TP::EVConnected}, {TP::PowerPathClosed});
  plug();
  card();
  ev_charges();
  card();
  EXPECT_FALSE(has_transaction());
  EXPECT_EQ(seen().back(), "Stop(Local)");
}

TEST_F(TransactionPoints, StopAtEnergyTransferEndsWhenTheEvStopsDrawing) {
  boot_with({TP::PowerPathClosed}, {TP::EnergyTransfer});
  plug();
  card();
  ev_charges();
  ev_pauses();
  EXPECT_FALSE(has_transaction());
  EXPECT_EQ(seen().back(), "Stop(StoppedByEV)");
  EXPECT_FALSE(contactor_closed());
}

// E03.FR.05: a transaction begun at the cable ends when nobody is authorized in EVConnectionTimeOut.
TEST_F(TransactionPoints, ACableWithoutAnIdTimesOut) {
  boot_with({TP::EVConnected}, kDefaultStop);
  plug();
  advance(std::chrono::seconds(29));
  EXPECT_TRUE(has_transaction());
  advance(std::chrono::seconds(2));
  EXPECT_FALSE(has_transaction());
  EXPECT_EQ(seen(), (std::vector<std::string>{"Start(EvConnected,EVConnected)", "Stop(Timeout)"}));
  // The same cable does not start another one; a driver does.
  card();
  EXPECT_TRUE(has_transaction());
}

// F01 after E03: a remote start takes the transaction that waits for an id.
TEST_F(TransactionPoints, ARemoteStartAuthorizesTheTransactionThatWaitsForAnId) {
  set("authorize_remote_start", "false");
  boot_with({TP::EVConnected}, kDefaultStop);
  plug();
  ASSERT_TRUE(cp().remote_start(RemoteStartRequest{1, "APP-1", "Central", 9, std::nullopt}));
  loop_.run_pending();
  EXPECT_TRUE(contactor_closed());
  const auto updates = events_of(OutboxKind::Update);
  ASSERT_FALSE(updates.empty());
  const auto u = decode_update(updates.front().payload);
  EXPECT_EQ(u.milestone, Milestone::RemoteStart);
  EXPECT_EQ(u.id_tag, "APP-1");
  EXPECT_EQ(u.remote_start_id, 9);
  EXPECT_FALSE(cp().remote_start(RemoteStartRequest{1, "APP-2", "Central", 10, std::nullopt})) << "now it is taken";
}

// 1.6's rule is the default: nothing of the above unless an adapter asks for it.
TEST_F(TransactionPoints, TheDefaultRulesAreOnePointSixs) {
  const TransactionRules rules;
  EXPECT_EQ(rules.start_points, std::set<TxPoint>{TP::PowerPathClosed});
  EXPECT_EQ(rules.stop_points, std::set<TxPoint>{TP::Authorized});
  EXPECT_FALSE(rules.station_names_transactions);
  EXPECT_FALSE(rules.record_milestones);
}

}  // namespace
}  // namespace ocpp::cp
