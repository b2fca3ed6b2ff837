// ChargePoint: remote start (1.6 §5.11 RemoteStartTransaction, AuthorizeRemoteTxRequests),
// offline authorization (1.6 §3.5.1-§3.5.4, LocalAuthorizeOffline, AllowOfflineTxForUnknownId),
// keypad codes, and a store that cannot record a transaction (principle 4 and 7).
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;
using S = Word;

class ChargePointRemoteStart : public CoreFixture {};

TEST_F(ChargePointRemoteStart, AcceptedOnAFreeConnectorAndStartsWithTheCable) {
  boot();
  EXPECT_TRUE(cp().remote_start(1, "REMOTE-1"));
  EXPECT_EQ(status(1), S::Preparing);
  // AuthorizeRemoteTxRequests false (default): the CSMS's own request is trusted, no Authorize.
  EXPECT_TRUE(csms_.authorize_requests.empty());
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_TRUE(tx(1).has_value());
  EXPECT_EQ(tx(1)->id_tag, "REMOTE-1");
  EXPECT_EQ(starts().at(0).id_tag, "REMOTE-1");
}

// The cable is already there (the usual app flow): the transaction starts at once.
TEST_F(ChargePointRemoteStart, OnAPluggedConnectorStartsAtOnce) {
  boot();
  ASSERT_EQ(pile().plug(2), "");
  EXPECT_TRUE(cp().remote_start(2, "REMOTE-1"));
  ASSERT_TRUE(tx(2).has_value());
  EXPECT_TRUE(sim(2).contactor_closed());
}

// Without a connector: the first free one.
TEST_F(ChargePointRemoteStart, WithoutAConnectorTakesAFreeOne) {
  boot();
  start_charging(1, "TAG-1");
  EXPECT_TRUE(cp().remote_start(std::nullopt, "REMOTE-1"));
  EXPECT_EQ(status(2), S::Preparing);
  ASSERT_EQ(pile().plug(2), "");
  ASSERT_TRUE(tx(2).has_value());
  EXPECT_EQ(tx(2)->id_tag, "REMOTE-1");
  // None left.
  EXPECT_FALSE(cp().remote_start(std::nullopt, "REMOTE-2"));
}

TEST_F(ChargePointRemoteStart, RejectedOnAnOccupiedFaultedOrUnknownConnector) {
  boot();
  start_charging(1, "TAG-1");
  EXPECT_FALSE(cp().remote_start(1, "REMOTE-1"));
  EXPECT_EQ(tx(1)->id_tag, "TAG-1");
  ASSERT_EQ(pile().fault(2, ErrorCode::GroundFailure), "");
  EXPECT_FALSE(cp().remote_start(2, "REMOTE-1"));
  EXPECT_FALSE(cp().remote_start(3, "REMOTE-1"));
  EXPECT_FALSE(cp().remote_start(0, "REMOTE-1"));
  EXPECT_FALSE(cp().remote_start(-1, "REMOTE-1"));
  EXPECT_EQ(all_transactions().size(), 1u);
}

// A connector where a driver's card is already authorized (waiting for the cable) is occupied:
// a remote start must not take the driver's authorization away.
TEST_F(ChargePointRemoteStart, RejectedWhereAnotherIdIsAlreadyAuthorized) {
  boot();
  csms_.known["DRIVER"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().present_id(1, "DRIVER"), "");
  EXPECT_FALSE(cp().remote_start(1, "REMOTE-1"));
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_TRUE(tx(1).has_value());
  EXPECT_EQ(tx(1)->id_tag, "DRIVER");
}

TEST_F(ChargePointRemoteStart, RejectedWhileAnIdIsBeingAuthorized) {
  boot();
  csms_.mode = FakeCsms::Mode::Hold;
  ASSERT_EQ(pile().present_id(1, "DRIVER"), "");
  EXPECT_FALSE(cp().remote_start(1, "REMOTE-1"));
  // Without a connector, the other one is taken.
  EXPECT_TRUE(cp().remote_start(std::nullopt, "REMOTE-1"));
  EXPECT_EQ(status(2), S::Preparing);
}

// AuthorizeRemoteTxRequests true: the id goes through the authorization chain first.
TEST_F(ChargePointRemoteStart, AuthorizedFirstWhenConfigured) {
  set("authorize_remote_start", "true");
  boot();
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().plug(2), "");
  // The CSMS does not know this id: accepted as a request, but nothing starts.
  EXPECT_TRUE(cp().remote_start(1, "STRANGER"));
  EXPECT_EQ(csms_.authorize_requests, std::vector<std::string>{"STRANGER"});
  EXPECT_FALSE(tx(1).has_value());

  csms_.known["REMOTE-1"] = AuthorizationStatus::Accepted;
  EXPECT_TRUE(cp().remote_start(2, "REMOTE-1"));
  EXPECT_EQ(csms_.authorize_requests, (std::vector<std::string>{"STRANGER", "REMOTE-1"}));
  ASSERT_TRUE(tx(2).has_value());
  EXPECT_EQ(tx(2)->id_tag, "REMOTE-1");
}

// Remote start, then nobody plugs in: ConnectionTimeOut drops it.
TEST_F(ChargePointRemoteStart, ConnectionTimeoutDropsARemoteStart) {
  set("connection_timeout_s", "45");
  boot();
  EXPECT_TRUE(cp().remote_start(1, "REMOTE-1"));
  advance(45s);
  EXPECT_EQ(status(1), S::Available);
  ASSERT_EQ(pile().plug(1), "");
  EXPECT_FALSE(tx(1).has_value());
}

class ChargePointOffline : public CoreFixture {};

// Offline with LocalAuthorizeOffline: an id the cache knows as Accepted starts locally, and the
// start is recorded for when the link returns.
TEST_F(ChargePointOffline, CachedIdStartsLocally) {
  boot();
  // Online once: Authorize.conf Accepted goes to the cache.
  start_charging(1, "TAG-1");
  ASSERT_EQ(pile().press_stop(1), "");
  ASSERT_EQ(pile().unplug(1), "");
  ASSERT_TRUE(cache_->lookup("TAG-1", clock_.system_now()).has_value());

  csms_.online_ = false;
  csms_.authorize_requests.clear();
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  EXPECT_TRUE(csms_.authorize_requests.empty());
  ASSERT_TRUE(tx(1).has_value());
  EXPECT_EQ(tx(1)->id_tag, "TAG-1");
  EXPECT_TRUE(sim(1).contactor_closed());
  EXPECT_EQ(starts().size(), 2u);
  // Unknown ids are still refused.
  ASSERT_EQ(pile().plug(2), "");
  ASSERT_EQ(pile().present_id(2, "STRANGER"), "");
  EXPECT_FALSE(tx(2).has_value());
}

TEST_F(ChargePointOffline, CachedIdRefusedWithoutLocalAuthorizeOffline) {
  set("local_authorize_offline", "false");
  boot();
  start_charging(1, "TAG-1");
  ASSERT_EQ(pile().press_stop(1), "");
  csms_.online_ = false;
  ASSERT_EQ(pile().plug(2), "");
  ASSERT_EQ(pile().present_id(2, "TAG-1"), "");
  EXPECT_FALSE(tx(2).has_value());
}

// AllowOfflineTxForUnknownId: an unknown id starts offline; StartTransaction.conf decides later.
TEST_F(ChargePointOffline, UnknownIdStartsWhenAllowedAndTheCsmsJudgesLater) {
  set("allow_offline_tx_for_unknown_id", "true");
  set("stop_transaction_on_invalid_id", "true");
  boot();
  csms_.online_ = false;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().ev_charge(1), "");
  ASSERT_EQ(pile().present_id(1, "STRANGER"), "");
  ASSERT_TRUE(tx(1).has_value());
  EXPECT_EQ(status(1), S::Charging);
  const auto pk = tx(1)->pk;
  advance(10min);

  csms_.online_ = true;
  confirm(pk, "1001", AuthorizationStatus::Invalid);
  const auto all = stops();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].reason, StopReason::DeAuthorized);
}

TEST_F(ChargePointOffline, UnknownIdRefusedWhenNotAllowed) {
  boot();
  csms_.online_ = false;
  ASSERT_EQ(pile().plug(1), "");
  bool accepted = true;
  cp().present(1, "STRANGER", IdSource::Rfid, [&](bool a, const std::string&) { accepted = a; });
  EXPECT_FALSE(accepted);
  EXPECT_FALSE(tx(1).has_value());
}

// A blocked id in the cache is refused offline even with AllowOfflineTxForUnknownId (§3.5.4).
TEST_F(ChargePointOffline, CachedBlockedIdRefusedEvenWhenUnknownIdsAreAllowed) {
  set("allow_offline_tx_for_unknown_id", "true");
  boot();
  csms_.known["BAD"] = AuthorizationStatus::Blocked;
  ASSERT_EQ(pile().present_id(1, "BAD"), "");  // online: Blocked, cached
  csms_.online_ = false;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().present_id(1, "BAD"), "");
  EXPECT_FALSE(tx(1).has_value());
}

// Codes typed on the keypad: the CSMS accepts them online like an id tag, the transaction says it
// was started with a code (status --json "offline_code"), and the code never enters the cache,
// not even through StartTransaction.conf (single use: authorizer.cpp).
TEST_F(ChargePointOffline, KeypadCodeIsNeverCachedAndIsShownAsACode) {
  boot();
  const std::string code = "123456789012";
  csms_.known[code] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().enter_code(1, code), "");
  ASSERT_TRUE(tx(1).has_value());
  EXPECT_TRUE(tx(1)->offline_code);
  EXPECT_EQ(tx(1)->id_tag, code);
  confirm(tx(1)->pk, "2001", AuthorizationStatus::Accepted);
  EXPECT_FALSE(cache_->lookup(code, clock_.system_now()).has_value());
  ASSERT_EQ(pile().press_stop(1), "");

  // An RFID transaction is not a code's.
  start_charging(2, "TAG-2");
  EXPECT_FALSE(tx(2)->offline_code);
}

class ChargePointStorage : public CoreFixture {
 protected:
  // As on a full disk: the database file may not grow any more (max_page_count), and the pages of
  // the transactions table are filled up with finished filler rows (connector 99), so the next
  // transaction row needs a page that cannot be had: SQLITE_FULL.
  void fill_the_disk() {
    auto& db = store_->db();
    auto st = db.prepare("PRAGMA page_count");
    ASSERT_TRUE(st.step());
    db.exec("PRAGMA max_page_count=" + std::to_string(st.int64(0)));
    for (int i = 0;; ++i) {
      try {
        db.prepare("INSERT INTO transactions(connector_id, id_tag, meter_start_wh, started_at, meter_stop_wh, "
                   "stopped_at, stop_reason) VALUES(99, 'f', 0, 'x', 0, 'x', 'Other')")
            .run();
      } catch (const db::DbError& e) {
        ASSERT_TRUE(e.disk_full()) << e.what();
        break;
      }
      ASSERT_LT(i, 1000) << "the disk never filled";
    }
  }
  std::vector<TransactionRecord> real_transactions() {
    std::vector<TransactionRecord> out;
    for (auto& t : all_transactions()) {
      if (t.connector != 99) out.push_back(std::move(t));
    }
    return out;
  }
};

// Principle 4 and 7: a full disk refuses the start with a clear fault, never charges unrecorded.
TEST_F(ChargePointStorage, FullDiskRefusesToStartWithAClearFault) {
  boot();
  fill_the_disk();
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().ev_charge(1), "");
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  EXPECT_TRUE(moves_.empty()) << "the contactor moved";
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_FALSE(tx(1).has_value());
  EXPECT_TRUE(real_transactions().empty());
  EXPECT_TRUE(events().empty());
  EXPECT_EQ(status(1), S::Faulted);
  const auto last = csms_.last_of(1);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->status, S::Faulted);
  EXPECT_EQ(last->error, ErrorCode::InternalError);
  EXPECT_EQ(last->info, "storage full");
  advance(10min);
  EXPECT_DOUBLE_EQ(sim(1).power_w(), 0);
  // The other connector is refused the same way.
  ASSERT_EQ(pile().plug(2), "");
  ASSERT_EQ(pile().present_id(2, "TAG-1"), "");
  EXPECT_FALSE(sim(2).contactor_closed());
  EXPECT_EQ(status(2), S::Faulted);
}

// Any other storage error as well (here: the table is gone).
TEST_F(ChargePointStorage, StorageErrorRefusesToStart) {
  boot();
  store_->db().exec("DROP TABLE outbox");
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  EXPECT_TRUE(moves_.empty());
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_TRUE(all_transactions().empty()) << "the transaction row was rolled back with the event";
  EXPECT_EQ(status(1), S::Faulted);
  EXPECT_EQ(csms_.last_of(1)->info, "storage error");
}

// The disk fills during a transaction: the stop cannot be recorded now, so it stays open in the
// database and is closed (PowerLoss) at the next start; the contactor opens regardless.
TEST_F(ChargePointStorage, StopThatCannotBeRecordedIsClosedAtTheNextStart) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(5min);
  fill_the_disk();
  ASSERT_EQ(pile().press_stop(1), "");
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_TRUE(cp().transactions().get(pk)->open());
  reboot();
  EXPECT_FALSE(cp().transactions().get(pk)->open());
  ASSERT_EQ(stops().size(), 1u);
  EXPECT_EQ(stops()[0].reason, StopReason::PowerLoss);
}

// The disk fills during a transaction and frees up later: the stop is recorded then, with the
// reason and register of the moment it happened, and nothing starts on that connector meanwhile
// (a later session's energy must not end up in the first one's meter_stop).
TEST_F(ChargePointStorage, StopThatCannotBeRecordedIsRetriedAndNothingStartsMeanwhile) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(5min);
  fill_the_disk();
  const double reg = register_wh(1);
  const auto stopped_at = clock_.system_now();
  ASSERT_EQ(pile().press_stop(1), "");
  EXPECT_FALSE(sim(1).contactor_closed());
  EXPECT_FALSE(tx(1).has_value());
  EXPECT_TRUE(cp().transactions().get(pk)->open());
  EXPECT_EQ(status(1), S::Faulted);
  EXPECT_EQ(csms_.last_of(1)->error, ErrorCode::InternalError);

  // Space comes back (the outbox drained, say).
  store_->db().exec("PRAGMA max_page_count=1073741823");
  store_->db().exec("DELETE FROM transactions WHERE connector_id=99");
  // Until the stop is recorded, the next driver cannot start here.
  csms_.known["TAG-2"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().present_id(1, "TAG-2"), "");
  EXPECT_FALSE(tx(1).has_value());
  advance(1min);
  const auto record = cp().transactions().get(pk);
  ASSERT_FALSE(record->open()) << "the stop was never retried";
  EXPECT_EQ(record->stop_reason, StopReason::Local);
  EXPECT_DOUBLE_EQ(record->meter_stop_wh.value_or(-1), reg);
  EXPECT_EQ(record->stopped_at, stopped_at);
  ASSERT_EQ(stops().size(), 1u);
  EXPECT_EQ(stops()[0].reason, StopReason::Local);
  EXPECT_DOUBLE_EQ(stops()[0].meter_stop_wh, reg);
  EXPECT_EQ(status(1), S::Finishing);
  EXPECT_EQ(csms_.last_of(1)->error, ErrorCode::NoError);

  // Now the connector serves again; a later restart closes nothing twice.
  ASSERT_EQ(pile().present_id(1, "TAG-2"), "");
  ASSERT_TRUE(tx(1).has_value());
  advance(10min);
  reboot();
  EXPECT_DOUBLE_EQ(cp().transactions().get(pk)->meter_stop_wh.value_or(-1), reg);
  EXPECT_EQ(stops().size(), 2u);
}

// 1.6 §3.5.3: when the CSMS's answer about an id contradicts the local list, the charge point
// SHOULD send StatusNotification for connector 0 with errorCode LocalListConflict; the CSMS's
// answer decides.
class ChargePointLocalListConflict : public CoreFixture {};

TEST_F(ChargePointLocalListConflict, IsReportedOnConnectorZero) {
  boot();
  ASSERT_EQ(list_->apply(list_->version() + 1, LocalListUpdateType::Differential,
                         {LocalListEntry{"LISTED", IdTagInfo{AuthorizationStatus::Accepted, std::nullopt, std::nullopt}}}),
            LocalListUpdateStatus::Accepted);
  csms_.known["LISTED"] = AuthorizationStatus::Blocked;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().present_id(1, "LISTED"), "");
  loop_.run_pending();
  EXPECT_FALSE(tx(1).has_value()) << "the CSMS said Blocked";
  const auto report = csms_.last_of(0);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->error, ErrorCode::LocalListConflict);
  EXPECT_EQ(report->status, S::Available);
  // An id the list agrees on is no conflict.
  csms_.statuses.clear();
  ASSERT_EQ(list_->apply(list_->version() + 1, LocalListUpdateType::Differential,
                         {LocalListEntry{"AGREED", IdTagInfo{AuthorizationStatus::Accepted, std::nullopt, std::nullopt}}}),
            LocalListUpdateStatus::Accepted);
  csms_.known["AGREED"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().present_id(1, "AGREED"), "");
  loop_.run_pending();
  EXPECT_FALSE(csms_.last_of(0).has_value());
}

}  // namespace
}  // namespace ocpp::cp
