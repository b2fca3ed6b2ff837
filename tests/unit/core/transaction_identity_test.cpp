// What a transaction record and its events carry for both protocols (issue 11, "Transaction
// identity" and "The outbox"): the station-made transactionId, a seqNo per event counted per
// transaction and kept across restarts, whether an event happened offline, the remote start's
// token type and remoteStartId, and milestone events when the adapter's rules ask for them.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;

class TransactionIdentity : public CoreFixture {
 protected:
  std::vector<std::int64_t> seq_nos_of(std::int64_t pk) {
    std::vector<std::int64_t> out;
    for (const auto& e : events()) {
      if (e.transaction_pk == pk) out.push_back(e.seq_no.value_or(-1));
    }
    return out;
  }
};

// 2.0.1 transactionId is an identifierString of at most 36 characters, unique across reboots.
TEST_F(TransactionIdentity, EachTransactionGetsItsOwnStationMadeIdThatSurvivesARestart) {
  boot();
  std::set<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    start_charging(1, "TAG-1");
    const auto view = tx(1);
    ASSERT_TRUE(view);
    EXPECT_TRUE(std::regex_match(view->station_id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << view->station_id;
    ids.insert(view->station_id);
    ASSERT_EQ(pile().press_stop(1), "");
    loop_.run_pending();
    ASSERT_EQ(pile().unplug(1), "");
    loop_.run_pending();
    reboot();
  }
  EXPECT_EQ(ids.size(), 3u);
  for (const auto& record : all_transactions()) {
    EXPECT_EQ(cp().transactions().find_by_station_id(record.station_id)->pk, record.pk);
  }
}

// 1.6: the CSMS names the transaction in StartTransaction.conf; until then it has no CSMS id.
TEST_F(TransactionIdentity, ByDefaultTheCsmsNamesTheTransaction) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  EXPECT_FALSE(cp().transactions().get(pk)->csms_id);
  confirm(pk, "42", AuthorizationStatus::Accepted);
  EXPECT_EQ(cp().transactions().get(pk)->csms_id, "42");
  EXPECT_TRUE(cp().remote_stop("42"));
}

// 2.0.1: the CSMS knows the transaction by the station's id from the first message on, so a
// RequestStopTransaction with it finds the transaction.
TEST_F(TransactionIdentity, WhenTheStationNamesTransactionsItsIdIsTheCsmsIdAtOnce) {
  rules_.station_names_transactions = true;
  boot();
  const auto pk = start_charging(1, "TAG-1");
  const auto record = cp().transactions().get(pk);
  ASSERT_TRUE(record->csms_id);
  EXPECT_EQ(*record->csms_id, record->station_id);
  EXPECT_TRUE(cp().remote_stop(record->station_id));
  loop_.run_pending();
  EXPECT_FALSE(tx(1));
}

// E01.FR.07 (2.0.1): seqNo counts the events of one transaction from 0, without gaps, and goes on
// from where it was after a restart (a resumed transaction does not start again at 0).
TEST_F(TransactionIdentity, SeqNoCountsEachTransactionsEventsFromZeroAcrossARestart) {
  set("meter_value_sample_interval_s", "10");
  resume_after_power_loss_ = true;
  boot();
  const auto first = start_charging(1, "TAG-1");
  advance(std::chrono::seconds(25));  // two samples
  reboot();                            // resumed: the EV is still plugged in
  advance(std::chrono::seconds(10));   // one more
  ASSERT_EQ(pile().press_stop(1), "");
  loop_.run_pending();
  const auto second = start_charging(2, "TAG-2");
  EXPECT_EQ(seq_nos_of(first), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(seq_nos_of(second), (std::vector<std::int64_t>{0}));
  // A sample outside any transaction has no seqNo.
  cp().trigger_meter_values(std::nullopt);
  ASSERT_EQ(pile().unplug(1), "");
  loop_.run_pending();
  for (const auto& e : events()) {
    if (!e.transaction_pk) {
      EXPECT_FALSE(e.seq_no);
    }
  }
}

// 2.0.1 TransactionEvent.offline: an event that happened while the CSMS could not hear of it.
TEST_F(TransactionIdentity, EventsThatHappenWhileOfflineAreMarkedOffline) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  csms_.online_ = false;
  ASSERT_EQ(pile().press_stop(1), "");
  loop_.run_pending();
  const auto all = events();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].transaction_pk, pk);
  EXPECT_FALSE(all[0].offline);
  EXPECT_EQ(all[1].kind, OutboxKind::Stop);
  EXPECT_TRUE(all[1].offline);
}

// F01 (2.0.1): the first event after RequestStartTransaction says RemoteStart and carries the
// remoteStartId and the token's own type; a card's transaction is ISO14443 and says which
// milestone completed its start.
TEST_F(TransactionIdentity, TheStartEventSaysWhatStartedIt) {
  set("authorize_remote_start", "false");
  boot();
  ASSERT_TRUE(cp().remote_start(RemoteStartRequest{1, "APP-USER", "eMAID", 77, std::nullopt}));
  loop_.run_pending();
  ASSERT_EQ(pile().plug(1), "");
  loop_.run_pending();
  // Card after cable.
  csms_.known["TAG-2"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().plug(2), "");
  ASSERT_EQ(pile().present_id(2, "TAG-2"), "");
  loop_.run_pending();
  const auto s = starts();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].milestone, Milestone::RemoteStart);
  EXPECT_EQ(s[0].id_token_type, "eMAID");
  EXPECT_EQ(s[0].remote_start_id, 77);
  EXPECT_EQ(s[1].milestone, Milestone::Authorized);
  EXPECT_EQ(s[1].id_token_type, "ISO14443");
  EXPECT_FALSE(s[1].remote_start_id);
  const auto records = all_transactions();
  EXPECT_EQ(records[0].remote_start_id, 77);
  EXPECT_EQ(records[0].id_token_type, "eMAID");
  // The start carries the readings tx_started_measurands names (default: the energy register).
  ASSERT_EQ(s[1].data.size(), 1u);
  EXPECT_EQ(value_of(s[1].data[0], "Energy.Active.Import.Register"), s[1].meter_start_wh);
}

// An id presented before the cable: the cable completes the start.
TEST_F(TransactionIdentity, TheCableCompletesTheStartOfAnIdPresentedBeforeIt) {
  boot();
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  loop_.run_pending();
  ASSERT_EQ(pile().plug(1), "");
  loop_.run_pending();
  ASSERT_EQ(starts().size(), 1u);
  EXPECT_EQ(starts()[0].milestone, Milestone::EvConnected);
}

// 2.0.1 TransactionEvent Updated ChargingStateChanged / EVCommunicationLost: with the rules asking
// for milestones, each change of the charging state within a transaction is an event, in order.
TEST_F(TransactionIdentity, MilestonesWithinATransactionAreEventsWhenTheRulesAskForThem) {
  rules_.record_milestones = true;
  set("stop_transaction_on_ev_side_disconnect", "false");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  ASSERT_EQ(pile().ev_suspend(1), "");
  loop_.run_pending();
  ASSERT_EQ(pile().ev_charge(1), "");
  loop_.run_pending();
  ASSERT_EQ(pile().unplug(1), "");
  loop_.run_pending();
  std::vector<std::pair<Milestone, ChargingState>> seen;
  const double start = all_transactions().at(0).meter_start_wh;
  for (const auto& e : events_of(OutboxKind::Update)) {
    EXPECT_EQ(e.transaction_pk, pk);
    const auto u = decode_update(e.payload);
    seen.emplace_back(u.milestone, u.charging_state);
    // Each milestone with its meter snapshot (issue 11).
    ASSERT_TRUE(u.register_wh.has_value());
    EXPECT_GE(*u.register_wh, start);
  }
  // The start found the EV not asking yet (SuspendedEV); start_charging() then let it charge.
  const std::vector<std::pair<Milestone, ChargingState>> expected{
      {Milestone::ChargingStateChanged, ChargingState::Charging},
      {Milestone::ChargingStateChanged, ChargingState::SuspendedEV},
      {Milestone::ChargingStateChanged, ChargingState::Charging},
      {Milestone::EvDisconnected, ChargingState::Idle},
  };
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(seq_nos_of(pk), (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
}

TEST_F(TransactionIdentity, NoMilestoneEventsUnlessTheRulesAskForThem) {
  boot();
  start_charging(1, "TAG-1");
  ASSERT_EQ(pile().ev_suspend(1), "");
  loop_.run_pending();
  EXPECT_TRUE(events_of(OutboxKind::Update).empty());
}

}  // namespace
}  // namespace ocpp::cp
