// ChargePoint: availability (1.6 §5.2 ChangeAvailability; 2.0.1 G03/G04) and the reporting of
// statuses (1.6 §4.9 StatusNotification, MinimumStatusDuration).
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;
using S = Word;

class ChargePointAvailability : public CoreFixture {};

TEST_F(ChargePointAvailability, IdleConnectorBecomesUnavailableAtOnce) {
  boot();
  EXPECT_EQ(cp().change_availability(2, false), AvailabilityAnswer::Accepted);
  EXPECT_EQ(status(2), S::Unavailable);
  EXPECT_EQ(csms_.statuses_of(2), std::vector<S>{S::Unavailable});
  EXPECT_EQ(status(1), S::Available);
  EXPECT_EQ(status(0), S::Available);

  // Nobody can start there: an id is refused, a cable changes nothing, a remote start is rejected.
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  bool accepted = true;
  cp().present(2, "TAG-1", IdSource::Rfid, [&](bool a, const std::string&) { accepted = a; });
  EXPECT_FALSE(accepted);
  ASSERT_EQ(pile().plug(2), "");
  EXPECT_EQ(status(2), S::Unavailable);
  EXPECT_FALSE(cp().remote_start(2, "TAG-1"));
  EXPECT_TRUE(all_transactions().empty());

  // Operative again: the plugged cable shows.
  EXPECT_EQ(cp().change_availability(2, true), AvailabilityAnswer::Accepted);
  EXPECT_EQ(status(2), S::Preparing);
  EXPECT_EQ(cp().change_availability(9, false), AvailabilityAnswer::Rejected);
}

// One EVSE with two connectors (a socket and a tethered cable): it powers one EV at a time, so the
// connector in use puts the other out of service until it is free again (2.0.1 Part 1 §7).
TEST_F(ChargePointAvailability, ConnectorsOfOneEvseAreUsedOneAtATime) {
  boot();
  Topology t;
  t.evses.push_back(EvseInfo{1, {ConnectorInfo{1, "sType2", 3}, ConnectorInfo{2, "cCCS2", 3}}, 3, 22080});
  cp().set_topology(t);
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  csms_.known["TAG-2"] = AuthorizationStatus::Accepted;

  ASSERT_EQ(pile().plug(1), "");
  EXPECT_EQ(status(1), S::Preparing);
  EXPECT_EQ(status(2), S::Unavailable);
  EXPECT_EQ(csms_.last_of(2)->status, S::Unavailable);
  // A cable in the other one at the same time starts nothing there.
  ASSERT_EQ(pile().plug(2), "");
  bool accepted = true;
  std::string reason;
  cp().present(2, "TAG-2", IdSource::Rfid, [&](bool a, const std::string& r) {
    accepted = a;
    reason = r;
  });
  EXPECT_FALSE(accepted);
  EXPECT_EQ(reason, "connector 2 is Unavailable");
  EXPECT_FALSE(cp().remote_start(2, "TAG-2"));
  EXPECT_EQ(status(1), S::Preparing);  // the first one keeps its session

  // The first driver charges; when the cable leaves, the second connector is free again, and the
  // EV already plugged in there shows.
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  ASSERT_EQ(pile().ev_charge(1), "");
  EXPECT_EQ(status(1), S::Charging);
  EXPECT_EQ(status(2), S::Unavailable);
  ASSERT_EQ(pile().press_stop(1), "");
  EXPECT_EQ(status(2), S::Unavailable) << "Finishing still holds the EVSE";
  ASSERT_EQ(pile().unplug(1), "");
  EXPECT_EQ(status(1), S::Unavailable);
  EXPECT_EQ(status(2), S::Preparing);
  ASSERT_EQ(pile().present_id(2, "TAG-2"), "");
  ASSERT_EQ(pile().ev_charge(2), "");
  EXPECT_EQ(status(2), S::Charging);
  EXPECT_TRUE(tx(2).has_value());
}

// Separate EVSEs (the default, `connectors: N`) never hold each other.
TEST_F(ChargePointAvailability, SeparateEvsesAreIndependent) {
  boot();
  ASSERT_EQ(pile().plug(1), "");
  EXPECT_EQ(status(2), S::Available);
  Topology t = Topology::uniform(3);
  EXPECT_THROW(cp().set_topology(t), std::invalid_argument);
}

// During a transaction: Scheduled, the transaction goes on, and the change applies when it stops.
TEST_F(ChargePointAvailability, DuringATransactionItIsScheduled) {
  boot();
  start_charging(1, "TAG-1");
  EXPECT_EQ(cp().change_availability(1, false), AvailabilityAnswer::Scheduled);
  EXPECT_EQ(status(1), S::Charging);
  EXPECT_TRUE(sim(1).contactor_closed());
  advance(5min);
  EXPECT_TRUE(tx(1).has_value());
  ASSERT_EQ(pile().press_stop(1), "");
  EXPECT_EQ(status(1), S::Unavailable);
  // Straight from Charging to Unavailable: the change applies as the transaction ends, so the
  // CSMS is not told of a Finishing that never held.
  EXPECT_EQ(csms_.statuses_of(1), (std::vector<S>{S::Preparing, S::SuspendedEV, S::Charging, S::Unavailable}));
  // Unavailable outranks Finishing even with the cable still in, and stays so after unplugging.
  ASSERT_EQ(pile().unplug(1), "");
  EXPECT_EQ(status(1), S::Unavailable);
  // Becoming operative never waits.
  EXPECT_EQ(cp().change_availability(1, true), AvailabilityAnswer::Accepted);
  EXPECT_EQ(status(1), S::Available);
}

// Connector 0 is the whole charge point: every connector follows it.
TEST_F(ChargePointAvailability, ConnectorZeroTakesTheWholePile) {
  boot();
  EXPECT_EQ(cp().change_availability(0, false), AvailabilityAnswer::Accepted);
  EXPECT_EQ(status(0), S::Unavailable);
  EXPECT_EQ(status(1), S::Unavailable);
  EXPECT_EQ(status(2), S::Unavailable);
  EXPECT_EQ(csms_.last_of(0)->status, S::Unavailable);
  EXPECT_EQ(csms_.last_of(1)->status, S::Unavailable);
  EXPECT_EQ(csms_.last_of(2)->status, S::Unavailable);
  EXPECT_FALSE(cp().remote_start(std::nullopt, "TAG-1"));

  EXPECT_EQ(cp().change_availability(0, true), AvailabilityAnswer::Accepted);
  EXPECT_EQ(status(0), S::Available);
  EXPECT_EQ(status(1), S::Available);
  EXPECT_EQ(status(2), S::Available);
}

// The pile becoming operative again does not undo a connector's own Inoperative.
TEST_F(ChargePointAvailability, ConnectorZeroKeepsAConnectorsOwnChoice) {
  boot();
  EXPECT_EQ(cp().change_availability(2, false), AvailabilityAnswer::Accepted);
  EXPECT_EQ(cp().change_availability(0, false), AvailabilityAnswer::Accepted);
  EXPECT_EQ(cp().change_availability(0, true), AvailabilityAnswer::Accepted);
  EXPECT_EQ(status(1), S::Available);
  EXPECT_EQ(status(2), S::Unavailable);
}

TEST_F(ChargePointAvailability, ConnectorZeroDuringATransactionIsScheduled) {
  boot();
  start_charging(1, "TAG-1");
  EXPECT_EQ(cp().change_availability(0, false), AvailabilityAnswer::Scheduled);
  EXPECT_TRUE(tx(1).has_value());
  ASSERT_EQ(pile().press_stop(1), "");
  EXPECT_EQ(status(0), S::Unavailable);
  EXPECT_EQ(status(1), S::Unavailable);
  EXPECT_EQ(status(2), S::Unavailable);
  EXPECT_EQ(csms_.statuses_of(1), (std::vector<S>{S::Preparing, S::SuspendedEV, S::Charging, S::Unavailable}));
  EXPECT_EQ(csms_.statuses_of(2), std::vector<S>{S::Unavailable});
}

// Scheduled for the pile: the free connectors go out of service at once, so that no new session
// starts while the pile waits for the running one; that one finishes undisturbed.
TEST_F(ChargePointAvailability, ConnectorZeroScheduledTakesTheFreeConnectorsAtOnce) {
  boot(3);
  start_charging(1, "TAG-1");
  start_charging(2, "TAG-2");
  EXPECT_EQ(cp().change_availability(0, false), AvailabilityAnswer::Scheduled);
  EXPECT_EQ(status(3), S::Unavailable);
  csms_.known["TAG-3"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().plug(3), "");
  ASSERT_EQ(pile().present_id(3, "TAG-3"), "");
  loop_.run_pending();
  EXPECT_FALSE(tx(3).has_value()) << "no new session while the pile is going out of service";
  EXPECT_EQ(status(1), S::Charging);
  ASSERT_EQ(pile().press_stop(1), "");
  EXPECT_EQ(status(1), S::Unavailable) << "the first to finish goes out of service";
  EXPECT_EQ(status(2), S::Charging);
  EXPECT_EQ(status(0), S::Available);
  ASSERT_EQ(pile().press_stop(2), "");
  EXPECT_EQ(status(0), S::Unavailable);
  EXPECT_EQ(status(2), S::Unavailable);
}

// Persisted: a re-created ChargePoint on the same database has the availability the CSMS set.
TEST_F(ChargePointAvailability, PersistedAcrossARestart) {
  boot();
  EXPECT_EQ(cp().change_availability(2, false), AvailabilityAnswer::Accepted);
  reboot();
  EXPECT_EQ(status(1), S::Available);
  EXPECT_EQ(status(2), S::Unavailable);
  EXPECT_EQ(cp().change_availability(2, true), AvailabilityAnswer::Accepted);
  reboot();
  EXPECT_EQ(status(2), S::Available);

  EXPECT_EQ(cp().change_availability(0, false), AvailabilityAnswer::Accepted);
  reboot();
  EXPECT_EQ(status(0), S::Unavailable);
  EXPECT_EQ(status(1), S::Unavailable);
  EXPECT_EQ(status(2), S::Unavailable);
  EXPECT_EQ(cp().change_availability(0, true), AvailabilityAnswer::Accepted);
  reboot();
  EXPECT_EQ(status(0), S::Available);
  EXPECT_EQ(status(1), S::Available);
}

// A change still Scheduled when the power went: the transaction it waited for is over (PowerLoss),
// so it applies at the next start.
TEST_F(ChargePointAvailability, ScheduledChangeAppliesAfterAPowerLoss) {
  boot();
  const auto pk = start_charging(1, "TAG-1");
  EXPECT_EQ(cp().change_availability(1, false), AvailabilityAnswer::Scheduled);
  shutdown();
  boot();
  EXPECT_FALSE(cp().transactions().get(pk)->open());
  EXPECT_EQ(status(1), S::Unavailable);
  reboot();
  EXPECT_EQ(status(1), S::Unavailable);
}

// After registration (or a TriggerMessage) every status is sent, connector 0 first.
TEST_F(ChargePointAvailability, ReportStatusesSendsEveryConnector) {
  boot();
  ASSERT_EQ(pile().plug(2), "");
  csms_.statuses.clear();
  cp().report_statuses();
  ASSERT_EQ(csms_.statuses.size(), 3u);
  EXPECT_EQ(csms_.statuses[0].connector, 0);
  EXPECT_EQ(csms_.statuses[0].status, S::Available);
  EXPECT_EQ(csms_.statuses[1].connector, 1);
  EXPECT_EQ(csms_.statuses[1].status, S::Available);
  EXPECT_EQ(csms_.statuses[2].connector, 2);
  EXPECT_EQ(csms_.statuses[2].status, S::Preparing);
  EXPECT_EQ(csms_.statuses[2].at, clock_.system_now());
}

class ChargePointStatusDuration : public CoreFixture {
 protected:
  // Registered: the CSMS has heard every status once (what the adapter does after BootNotification).
  void boot_registered() {
    boot();
    cp().report_statuses();
    csms_.statuses.clear();
  }
};

// 1.6 MinimumStatusDuration: a status that flips back within the duration is never reported.
TEST_F(ChargePointStatusDuration, AFlipBackWithinTheDurationIsNeverReported) {
  set("minimum_status_duration_s", "10");
  boot_registered();
  ASSERT_EQ(pile().plug(1), "");
  advance(5s);
  ASSERT_EQ(pile().unplug(1), "");
  advance(1min);
  EXPECT_TRUE(csms_.statuses_of(1).empty());
  EXPECT_EQ(status(1), S::Available);
}

// A status that lasts is reported once it has lasted the duration, with the time it was reported.
TEST_F(ChargePointStatusDuration, AStatusThatLastsIsReportedAfterTheDuration) {
  set("minimum_status_duration_s", "10");
  boot_registered();
  ASSERT_EQ(pile().plug(1), "");
  advance(9s);
  EXPECT_TRUE(csms_.statuses_of(1).empty());
  advance(1s);
  EXPECT_EQ(csms_.statuses_of(1), std::vector<S>{S::Preparing});
  // A short-lived status in between (Preparing -> Available -> Preparing) is not reported either.
  ASSERT_EQ(pile().unplug(1), "");
  advance(3s);
  ASSERT_EQ(pile().plug(1), "");
  advance(1min);
  EXPECT_EQ(csms_.statuses_of(1), std::vector<S>{S::Preparing});
}

// Each connector has its own timer.
TEST_F(ChargePointStatusDuration, ConnectorsAreTimedSeparately) {
  set("minimum_status_duration_s", "10");
  boot_registered();
  ASSERT_EQ(pile().plug(1), "");
  advance(5s);
  ASSERT_EQ(pile().plug(2), "");
  advance(5s);
  EXPECT_EQ(csms_.statuses_of(1), std::vector<S>{S::Preparing});
  EXPECT_TRUE(csms_.statuses_of(2).empty());
  advance(5s);
  EXPECT_EQ(csms_.statuses_of(2), std::vector<S>{S::Preparing});
}

}  // namespace
}  // namespace ocpp::cp
