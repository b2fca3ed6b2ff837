// ChargePoint: reservations (1.6 §5.13 ReserveNow, §5.1 CancelReservation; 2.0.1 H01-H04), as a
// driver and the CSMS notice them: the connector shows Reserved, other ids are refused there, the
// reserving id charges and its transaction names the reservation, and it ends on expiry (also
// across a restart), on cancel, or when replaced.
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;
using S = Word;

class ChargePointReservations : public CoreFixture {
 protected:
  Reservation make(std::int32_t id, std::vector<ConnectorId> connectors, const std::string& id_tag,
                   std::chrono::minutes valid = std::chrono::minutes(30)) {
    Reservation r;
    r.id = id;
    r.connectors = std::move(connectors);
    r.id_tag = id_tag;
    r.expiry = clock_.system_now() + valid;
    return r;
  }

  // An id presented at a connector, as `ocpp-cpctl present` does: whether it was accepted, and why not.
  std::pair<bool, std::string> present(ConnectorId c, const std::string& id) {
    std::pair<bool, std::string> out{false, "no answer"};
    cp().present(c, id, IdSource::Rfid, [&](bool a, const std::string& why) { out = {a, why}; });
    loop_.run_pending();
    return out;
  }

  std::string display(ConnectorId c) { return pile().sim_display().text(c); }
};

TEST_F(ChargePointReservations, ReservedConnectorRefusesOthersAndServesItsId) {
  boot();
  csms_.known["OTHER"] = AuthorizationStatus::Accepted;
  csms_.known["MINE"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(cp().reserve(make(7, {1}, "MINE")), ReserveAnswer::Accepted);
  EXPECT_EQ(status(1), S::Reserved);
  EXPECT_EQ(csms_.last_of(1)->status, S::Reserved);
  EXPECT_EQ(status(2), S::Available);

  const auto other = present(1, "OTHER");
  EXPECT_FALSE(other.first);
  EXPECT_NE(other.second.find("reserved"), std::string::npos) << other.second;
  EXPECT_EQ(display(1), "Reserved for another card");
  EXPECT_EQ(status(1), S::Reserved);
  // The other connector is free for anyone.
  EXPECT_TRUE(present(2, "OTHER").first);

  EXPECT_TRUE(present(1, "MINE").first);
  ASSERT_EQ(pile().plug(1), "");
  loop_.run_pending();
  ASSERT_TRUE(tx(1).has_value());
  ASSERT_EQ(starts().size(), 1U);
  EXPECT_EQ(starts()[0].reservation_id, 7);
  EXPECT_EQ(all_transactions().at(0).reservation_id, 7);
  // Used: it is gone, and the CSMS was told nothing but the transaction.
  EXPECT_TRUE(cp().reservations().empty());
  ASSERT_EQ(csms_.reservation_ends.size(), 1U);
  EXPECT_EQ(csms_.reservation_ends[0].second, ReservationEnd::Used);
}

TEST_F(ChargePointReservations, ExpiryFreesTheConnectorAndIsReported) {
  boot();
  ASSERT_EQ(cp().reserve(make(3, {2}, "MINE", std::chrono::minutes(5))), ReserveAnswer::Accepted);
  EXPECT_EQ(status(2), S::Reserved);
  advance(std::chrono::minutes(4));
  EXPECT_EQ(status(2), S::Reserved);
  advance(std::chrono::minutes(1));
  EXPECT_EQ(status(2), S::Available);
  EXPECT_EQ(csms_.statuses_of(2), (std::vector<S>{S::Reserved, S::Available}));
  ASSERT_EQ(csms_.reservation_ends.size(), 1U);
  EXPECT_EQ(csms_.reservation_ends[0], std::make_pair(3, ReservationEnd::Expired));
  csms_.known["OTHER"] = AuthorizationStatus::Accepted;
  EXPECT_TRUE(present(2, "OTHER").first);
}

TEST_F(ChargePointReservations, AReservationSurvivesARestartAndExpiresWhileDown) {
  boot();
  ASSERT_EQ(cp().reserve(make(1, {1}, "A", std::chrono::minutes(10))), ReserveAnswer::Accepted);
  ASSERT_EQ(cp().reserve(make(2, {2}, "B", std::chrono::minutes(60))), ReserveAnswer::Accepted);
  shutdown();
  clock_.advance(std::chrono::minutes(20));  // the controller is down meanwhile
  csms_.statuses.clear();
  boot();
  // The one that expired while down is ended at start and reported; the other still holds.
  EXPECT_EQ(status(1), S::Available);
  EXPECT_EQ(status(2), S::Reserved);
  ASSERT_EQ(csms_.reservation_ends.size(), 1U);
  EXPECT_EQ(csms_.reservation_ends[0], std::make_pair(1, ReservationEnd::Expired));
  csms_.known["OTHER"] = AuthorizationStatus::Accepted;
  EXPECT_FALSE(present(2, "OTHER").first);
  // Its timer runs again after the restart.
  advance(std::chrono::minutes(41));
  EXPECT_EQ(status(2), S::Available);
  EXPECT_EQ(csms_.reservation_ends.back(), std::make_pair(2, ReservationEnd::Expired));
}

TEST_F(ChargePointReservations, CancelFreesTheConnector) {
  boot();
  ASSERT_EQ(cp().reserve(make(5, {1}, "MINE")), ReserveAnswer::Accepted);
  EXPECT_FALSE(cp().cancel_reservation(6));
  EXPECT_EQ(status(1), S::Reserved);
  EXPECT_TRUE(cp().cancel_reservation(5));
  EXPECT_EQ(status(1), S::Available);
  EXPECT_TRUE(cp().reservations().empty());
  EXPECT_FALSE(cp().cancel_reservation(5));
  // Gone from the store too: a restart does not bring it back.
  reboot();
  EXPECT_EQ(status(1), S::Available);
}

TEST_F(ChargePointReservations, TheSameIdReplacesTheReservation) {
  boot();
  ASSERT_EQ(cp().reserve(make(9, {1}, "MINE")), ReserveAnswer::Accepted);
  // 1.6 §5.13, 2.0.1 H01.FR.02: same reservationId, another connector and id: replaced.
  ASSERT_EQ(cp().reserve(make(9, {2}, "NEW")), ReserveAnswer::Accepted);
  EXPECT_EQ(status(1), S::Available);
  EXPECT_EQ(status(2), S::Reserved);
  ASSERT_EQ(cp().reservations().size(), 1U);
  EXPECT_EQ(cp().reservations()[0].id_tag, "NEW");
  // Another id on the reserved connector is Occupied, not replaced.
  EXPECT_EQ(cp().reserve(make(10, {2}, "THIRD")), ReserveAnswer::Occupied);
  EXPECT_TRUE(csms_.reservation_ends.empty());
}

TEST_F(ChargePointReservations, AnswersSayWhyAConnectorCannotBeReserved) {
  boot();
  EXPECT_EQ(cp().reserve(make(1, {3}, "X")), ReserveAnswer::Rejected);  // no connector 3
  start_charging(1, "TAG-1");
  EXPECT_EQ(cp().reserve(make(1, {1}, "X")), ReserveAnswer::Occupied);
  pile().fault(2, ErrorCode::GroundFailure);
  loop_.run_pending();
  EXPECT_EQ(cp().reserve(make(1, {2}, "X")), ReserveAnswer::Faulted);
  pile().clear_fault(2);
  loop_.run_pending();
  ASSERT_EQ(cp().change_availability(2, false), AvailabilityAnswer::Accepted);
  EXPECT_EQ(cp().reserve(make(1, {2}, "X")), ReserveAnswer::Unavailable);
  ASSERT_TRUE(settings_->set("reservation_enabled", "false") == SetResult::Accepted);
  ASSERT_EQ(cp().change_availability(2, true), AvailabilityAnswer::Accepted);
  EXPECT_EQ(cp().reserve(make(1, {2}, "X")), ReserveAnswer::Rejected);
  EXPECT_TRUE(cp().reservations().empty());
}

TEST_F(ChargePointReservations, InoperativeEndsTheReservation) {
  boot();
  ASSERT_EQ(cp().reserve(make(4, {1}, "MINE")), ReserveAnswer::Accepted);
  // 1.6 §5.13 (3): terminated when the connector is set Unavailable; it stays so afterwards.
  EXPECT_EQ(cp().change_availability(1, false), AvailabilityAnswer::Accepted);
  EXPECT_EQ(status(1), S::Unavailable);
  EXPECT_TRUE(cp().reservations().empty());
  ASSERT_EQ(csms_.reservation_ends.size(), 1U);
  EXPECT_EQ(csms_.reservation_ends[0], std::make_pair(4, ReservationEnd::Removed));
  EXPECT_EQ(cp().change_availability(1, true), AvailabilityAnswer::Accepted);
  EXPECT_EQ(status(1), S::Available);
  // Straight from Reserved to Unavailable: no Available in between (OCTT TC_G_11/14/17).
  EXPECT_EQ(csms_.statuses_of(1), (std::vector<S>{S::Reserved, S::Unavailable, S::Available}));
}

TEST_F(ChargePointReservations, AnyConnectorKeepsOneFreeForItsId) {
  set("reservation_any_connector", "false");
  boot();
  EXPECT_EQ(cp().reserve(make(1, {}, "MINE")), ReserveAnswer::Rejected);
  set("reservation_any_connector", "true");
  csms_.known["OTHER"] = AuthorizationStatus::Accepted;
  csms_.known["MINE"] = AuthorizationStatus::Accepted;
  // 1.6 §5.13 connectorId 0: two connectors free, one reservation: neither is held yet.
  ASSERT_EQ(cp().reserve(make(1, {}, "MINE")), ReserveAnswer::Accepted);
  EXPECT_EQ(status(1), S::Available);
  EXPECT_EQ(status(2), S::Available);
  // Someone takes connector 1: the last free one is kept for the reservation.
  start_charging(1, "OTHER");
  EXPECT_EQ(status(2), S::Reserved);
  csms_.known["THIRD"] = AuthorizationStatus::Accepted;
  EXPECT_FALSE(present(2, "THIRD").first);
  // No second reservation of any connector fits.
  EXPECT_EQ(cp().reserve(make(2, {}, "THIRD")), ReserveAnswer::Occupied);
  // The holder may use it, and its transaction uses the reservation.
  EXPECT_TRUE(present(2, "MINE").first);
  ASSERT_EQ(pile().plug(2), "");
  loop_.run_pending();
  ASSERT_EQ(starts().size(), 2U);
  EXPECT_EQ(starts()[1].reservation_id, 1);
  EXPECT_TRUE(cp().reservations().empty());
}

TEST_F(ChargePointReservations, AnIdOfTheReservationsGroupMayUseIt) {
  boot();
  csms_.known["CARD-2"] = AuthorizationStatus::Accepted;
  csms_.groups["CARD-2"] = "FLEET";
  csms_.known["STRANGER"] = AuthorizationStatus::Accepted;
  csms_.groups["STRANGER"] = "OTHER-FLEET";
  Reservation r = make(11, {1}, "CARD-1");
  r.group_id = "FLEET";
  ASSERT_EQ(cp().reserve(r), ReserveAnswer::Accepted);
  // 1.6 §5.13: the parentIdTag of the id decides; 2.0.1 H03: its groupIdToken.
  EXPECT_FALSE(present(1, "STRANGER").first);
  EXPECT_EQ(status(1), S::Reserved);
  EXPECT_TRUE(present(1, "CARD-2").first);
  ASSERT_EQ(pile().plug(1), "");
  loop_.run_pending();
  ASSERT_EQ(starts().size(), 1U);
  EXPECT_EQ(starts()[0].reservation_id, 11);
}

TEST_F(ChargePointReservations, RemoteStartOnAReservedConnectorOnlyForItsId) {
  boot();
  ASSERT_EQ(cp().reserve(make(12, {1}, "MINE")), ReserveAnswer::Accepted);
  EXPECT_FALSE(cp().remote_start(1, "OTHER"));
  // Without a connector, the free one that is not reserved for someone else.
  ASSERT_TRUE(cp().remote_start(std::nullopt, "OTHER"));
  loop_.run_pending();
  EXPECT_EQ(cp().state(2).session, SessionPhase::Preparing);
  EXPECT_TRUE(cp().remote_start(1, "MINE"));
  ASSERT_EQ(pile().plug(1), "");
  loop_.run_pending();
  ASSERT_FALSE(starts().empty());
  EXPECT_EQ(starts().back().reservation_id, 12);
}


TEST_F(ChargePointReservations, AFaultEndsTheReservation) {
  boot();
  ASSERT_EQ(cp().reserve(make(13, {2}, "MINE")), ReserveAnswer::Accepted);
  ASSERT_EQ(pile().fault(2, ErrorCode::GroundFailure), "");
  loop_.run_pending();
  EXPECT_EQ(status(2), S::Faulted);
  ASSERT_EQ(pile().clear_fault(2), "");
  loop_.run_pending();
  // 1.6 §5.13 (3), 2.0.1 Removed: the reservation does not come back with the repair.
  EXPECT_EQ(status(2), S::Available);
  ASSERT_EQ(csms_.reservation_ends.size(), 1U);
  EXPECT_EQ(csms_.reservation_ends[0], std::make_pair(13, ReservationEnd::Removed));
  EXPECT_EQ(csms_.statuses_of(2), (std::vector<S>{S::Reserved, S::Faulted, S::Available}));
}

// 2.0.1 H01: an EVSE is reserved with all its connectors; a reservation of any EVSE may name a
// connector type, and only EVSEs with that type are kept for it.
TEST_F(ChargePointReservations, AnEvseWithAllItsConnectorsAndAConnectorType) {
  boot(3);
  Topology t;
  t.evses.push_back(EvseInfo{1, {ConnectorInfo{1, "sType2", 3}, ConnectorInfo{2, "cCCS2", 3}}, 3, 22080});
  t.evses.push_back(EvseInfo{2, {ConnectorInfo{1, "cType2", 3}}, 3, 22080});
  cp().set_topology(t);
  ASSERT_EQ(cp().reserve(make(20, {1, 2}, "MINE")), ReserveAnswer::Accepted);
  EXPECT_EQ(status(1), S::Reserved);
  EXPECT_EQ(status(2), S::Reserved);
  EXPECT_EQ(status(3), S::Available);
  csms_.known["OTHER"] = AuthorizationStatus::Accepted;
  EXPECT_FALSE(present(2, "OTHER").first);

  set("reservation_any_connector", "true");
  Reservation typed = make(21, {}, "TYPED");
  typed.connector_type = "cCCS1";  // no connector of this type here
  EXPECT_EQ(cp().reserve(typed), ReserveAnswer::Rejected);
  typed.connector_type = "cType2";
  // EVSE 2 is the only free one with cType2: it is held for the reservation at once.
  ASSERT_EQ(cp().reserve(typed), ReserveAnswer::Accepted);
  EXPECT_EQ(status(3), S::Reserved);
  EXPECT_FALSE(present(3, "OTHER").first);
  Reservation second = make(22, {}, "SECOND");
  second.connector_type = "cType2";
  EXPECT_EQ(cp().reserve(second), ReserveAnswer::Occupied);
}

}  // namespace
}  // namespace ocpp::cp
