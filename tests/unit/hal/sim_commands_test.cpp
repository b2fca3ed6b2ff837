// The commands `ocpp-cpctl` sends to the simulated pile: what they tell the core, and how they are
// refused with a reason a person can act on.
#include <gtest/gtest.h>

#include <limits>

#include "ocpp/common/timer_queue.hpp"
#include "ocpp/hal/sim/sim_pile.hpp"
#include "sim_test_support.hpp"

namespace ocpp::hal::sim {
namespace {

using Events = std::vector<std::string>;

class SimCommands : public ::testing::Test {
 protected:
  SimCommands() { pile.set_listener(&listener); }

  ManualClock clock;
  ManualEventLoop loop{clock};
  SimPile pile{loop, 2};
  test::RecordingListener listener;
};

TEST_F(SimCommands, ThePilotFollowsCableAndEv) {
  EXPECT_EQ(pile.connector(1).pilot(), PilotState::A);
  EXPECT_EQ(pile.plug(1), "");
  EXPECT_EQ(pile.connector(1).pilot(), PilotState::B);
  EXPECT_EQ(pile.ev_charge(1), "");
  EXPECT_EQ(pile.connector(1).pilot(), PilotState::C);
  EXPECT_EQ(pile.ev_suspend(1), "");
  EXPECT_EQ(pile.connector(1).pilot(), PilotState::B);
  EXPECT_EQ(pile.ev_charge(1), "");
  EXPECT_EQ(pile.unplug(1), "");  // straight from C: the driver pulls the cable
  EXPECT_EQ(pile.connector(1).pilot(), PilotState::A);
  EXPECT_EQ(listener.events, Events({"pilot 1 B", "pilot 1 C", "pilot 1 B", "pilot 1 C", "pilot 1 A"}));
  EXPECT_EQ(pile.connector(2).pilot(), PilotState::A);
}

TEST_F(SimCommands, RepeatingAnEvStateIsNotRefusedAndTellsNothing) {
  ASSERT_EQ(pile.plug(1), "");
  ASSERT_EQ(pile.ev_charge(1), "");
  EXPECT_EQ(pile.ev_charge(1), "");
  ASSERT_EQ(pile.ev_suspend(1), "");
  EXPECT_EQ(pile.ev_suspend(1), "");
  EXPECT_EQ(listener.events, Events({"pilot 1 B", "pilot 1 C", "pilot 1 B"}));
}

TEST_F(SimCommands, UnknownConnectorsAreRefused) {
  EXPECT_EQ(pile.plug(3), "connector 3 does not exist (this pile has 2)");
  EXPECT_EQ(pile.unplug(-1), "connector -1 does not exist (this pile has 2)");
  EXPECT_EQ(pile.plug(0), "connector 0 is the whole pile; this command needs a connector 1..2");
  EXPECT_EQ(pile.ev_charge(7), "connector 7 does not exist (this pile has 2)");
  EXPECT_EQ(pile.ev_suspend(3), "connector 3 does not exist (this pile has 2)");
  EXPECT_EQ(pile.set_power(3, 100), "connector 3 does not exist (this pile has 2)");
  EXPECT_EQ(pile.fault(3, ErrorCode::GroundFailure), "connector 3 does not exist (this pile has 2)");
  EXPECT_EQ(pile.clear_fault(3), "connector 3 does not exist (this pile has 2)");
  EXPECT_EQ(pile.present_id(3, "TAG"), "connector 3 does not exist (this pile has 2)");
  EXPECT_EQ(pile.enter_code(0, "1234"), "connector 0 is the whole pile; this command needs a connector 1..2");
  EXPECT_EQ(pile.press_stop(3), "connector 3 does not exist (this pile has 2)");
  EXPECT_THROW(pile.connector(3), std::out_of_range);
  EXPECT_THROW(pile.connector(0), std::out_of_range);
  EXPECT_TRUE(listener.events.empty());
}

TEST_F(SimCommands, CableCommandsNeedACable) {
  EXPECT_EQ(pile.ev_charge(1), "connector 1 has no cable plugged");
  EXPECT_EQ(pile.ev_suspend(1), "connector 1 has no cable plugged");
  EXPECT_EQ(pile.unplug(1), "connector 1 has no cable plugged");
  ASSERT_EQ(pile.plug(1), "");
  EXPECT_EQ(pile.plug(1), "connector 1 already has a cable plugged");
  EXPECT_EQ(listener.events, Events({"pilot 1 B"}));
}

TEST_F(SimCommands, BadArgumentsAreRefused) {
  EXPECT_EQ(pile.set_power(1, -5), "power must be a number of watts >= 0 (got -5)");
  EXPECT_EQ(pile.set_power(1, std::numeric_limits<double>::quiet_NaN()).rfind("power must be", 0), 0U);
  EXPECT_EQ(pile.set_power(1, 0), "");
  EXPECT_EQ(pile.present_id(1, ""), "the id tag is empty");
  EXPECT_EQ(pile.enter_code(1, ""), "the code is empty");
  EXPECT_EQ(pile.enter_code(1, "12a4"), "the code must be digits only (a keypad has nothing else)");
  EXPECT_EQ(pile.enter_code(1, "12 4"), "the code must be digits only (a keypad has nothing else)");
  EXPECT_EQ(pile.fault(1, ErrorCode::NoError), "NoError is not a fault; use clear-fault to clear one");
  EXPECT_EQ(pile.fault(1, "Meltdown"),
            "unknown error code 'Meltdown' (expected a 1.6 ChargePointErrorCode such as GroundFailure or "
            "PowerMeterFailure)");
  EXPECT_TRUE(listener.events.empty());
}

TEST_F(SimCommands, DriverInputsReachTheListener) {
  EXPECT_EQ(pile.present_id(1, "04A1B2C3"), "");
  EXPECT_EQ(pile.enter_code(2, "123456789012"), "");
  EXPECT_EQ(pile.press_stop(1), "");
  EXPECT_EQ(listener.events, Events({"id 1 04A1B2C3", "code 2 123456789012", "stop 1"}));
}

TEST_F(SimCommands, FaultsOnConnectorsAndOnThePile) {
  EXPECT_EQ(pile.fault(1, ErrorCode::GroundFailure, "RCD tripped"), "");
  EXPECT_EQ(pile.fault(0, "HighTemperature"), "");
  EXPECT_EQ(pile.clear_fault(1), "");
  EXPECT_EQ(pile.clear_fault(1), "");  // nothing left to clear: not refused, nothing told
  EXPECT_EQ(pile.clear_fault(0), "");
  EXPECT_EQ(listener.events, Events({"fault 1 GroundFailure RCD tripped", "fault 0 HighTemperature",
                                     "fault 1 NoError", "fault 0 NoError"}));
}

TEST_F(SimCommands, ANewFaultReplacesTheOldOne) {
  ASSERT_EQ(pile.fault(2, ErrorCode::OverVoltage), "");
  ASSERT_EQ(pile.fault(2, ErrorCode::UnderVoltage, "brown-out"), "");
  const PileStatus s = pile.status();
  EXPECT_EQ(s.connectors[1].fault, ErrorCode::UnderVoltage);
  EXPECT_EQ(s.connectors[1].fault_info, "brown-out");
  EXPECT_EQ(s.connectors[0].fault, ErrorCode::NoError);
}

TEST_F(SimCommands, InjectedFaultsStopTheLockAndTheContactor) {
  ConnectorHardware& hw = pile.connector(1);
  EXPECT_TRUE(hw.set_locked(true));
  ASSERT_EQ(pile.fault(1, ErrorCode::ConnectorLockFailure), "");
  EXPECT_FALSE(hw.set_locked(false));
  EXPECT_TRUE(pile.status().connectors[0].locked);
  ASSERT_EQ(pile.clear_fault(1), "");
  EXPECT_TRUE(hw.set_locked(false));
  EXPECT_FALSE(pile.status().connectors[0].locked);

  ASSERT_EQ(pile.fault(1, ErrorCode::PowerSwitchFailure), "");
  EXPECT_TRUE(hw.set_locked(true));
  hw.set_contactor(true);
  EXPECT_FALSE(hw.contactor_closed());
  ASSERT_EQ(pile.clear_fault(1), "");
  hw.set_locked(true);  // lock before power
  hw.set_contactor(true);
  EXPECT_TRUE(hw.contactor_closed());
}

// Issue 14, lock before power (IEC 61851-1, socket-outlets): the simulated contactor does not
// close on an unlocked socket (a jammed lock), and the lock does not open while it is closed (a
// welded contact). Every move of the contactor is told to the listener as the power path.
TEST_F(SimCommands, LockBeforePowerAndNoUnlockWhileLive) {
  ConnectorHardware& hw = pile.connector(1);
  ASSERT_EQ(pile.fault(1, ErrorCode::ConnectorLockFailure), "");
  EXPECT_FALSE(hw.set_locked(true));
  hw.set_contactor(true);
  EXPECT_FALSE(hw.contactor_closed()) << "closed on a jammed lock";
  EXPECT_TRUE(listener.power_paths.empty());
  ASSERT_EQ(pile.clear_fault(1), "");

  EXPECT_TRUE(hw.set_locked(true));
  hw.set_contactor(true);
  EXPECT_TRUE(hw.contactor_closed());
  EXPECT_EQ(listener.power_paths, std::vector<std::string>{"1 closed"});
  ASSERT_EQ(pile.fault(1, ErrorCode::PowerSwitchFailure), "");  // welded
  hw.set_contactor(false);
  EXPECT_FALSE(hw.set_locked(false)) << "unlocked while the socket is live";
  EXPECT_TRUE(pile.status().connectors[0].locked);
  ASSERT_EQ(pile.clear_fault(1), "");
  hw.set_contactor(false);
  EXPECT_TRUE(hw.set_locked(false));
  EXPECT_EQ(listener.power_paths, (std::vector<std::string>{"1 closed", "1 open"}));
}

TEST_F(SimCommands, UnplugFromTheEvWorksWhileTheSocketIsLocked) {
  ASSERT_EQ(pile.plug(1), "");
  ASSERT_TRUE(pile.connector(1).set_locked(true));
  EXPECT_EQ(pile.unplug(1), "");
  EXPECT_EQ(pile.connector(1).pilot(), PilotState::A);
}

TEST(SimCommandsOptions, ALockedSocketHoldsTheCableWhenAskedTo) {
  ManualClock clock;
  ManualEventLoop loop{clock};
  SimOptions options;
  options.lock_holds_cable = true;
  SimPile pile{loop, 1, options};
  ASSERT_EQ(pile.plug(1), "");
  ASSERT_TRUE(pile.connector(1).set_locked(true));
  EXPECT_EQ(pile.unplug(1), "connector 1 is locked");
  EXPECT_EQ(pile.connector(1).pilot(), PilotState::B);
  ASSERT_TRUE(pile.connector(1).set_locked(false));
  EXPECT_EQ(pile.unplug(1), "");
  EXPECT_EQ(pile.plug(0), "connector 0 is the whole pile; this command needs a connector 1");
  EXPECT_EQ(pile.plug(2), "connector 2 does not exist (this pile has 1)");
}

TEST_F(SimCommands, TheListenerMayDriveTheHardwareFromItsCallback) {
  // As the core does: EV ready -> close the contactor, from within on_pilot_changed.
  struct Core : test::RecordingListener {
    SimPile* pile = nullptr;
    void on_pilot_changed(ConnectorId c, PilotState s) override {
      pile->connector(c).set_current_limit(s == PilotState::C ? 16 : 0);
      if (s == PilotState::C) pile->connector(c).set_locked(true);  // lock before power
      pile->connector(c).set_contactor(s == PilotState::C);
    }
  } core;
  core.pile = &pile;
  pile.set_listener(&core);
  ASSERT_EQ(pile.plug(1), "");
  ASSERT_EQ(pile.ev_charge(1), "");
  EXPECT_TRUE(pile.connector(1).contactor_closed());
  EXPECT_EQ(pile.status().connectors[0].power_w, 7400.0);
  ASSERT_EQ(pile.ev_suspend(1), "");
  EXPECT_FALSE(pile.connector(1).contactor_closed());
}

TEST_F(SimCommands, StatusShowsEveryConnector) {
  ASSERT_EQ(pile.plug(2), "");
  ASSERT_EQ(pile.ev_charge(2), "");
  ASSERT_EQ(pile.set_power(2, 11000), "");
  pile.connector(2).set_current_limit(10);
  pile.connector(2).set_locked(true);  // lock before power
  pile.connector(2).set_contactor(true);
  pile.display().show(2, "Charging");
  pile.display().show(0, "Welcome");
  const PileStatus s = pile.status();
  ASSERT_EQ(s.connectors.size(), 2U);
  EXPECT_EQ(s.display_text, "Welcome");
  const ConnectorStatus& c1 = s.connectors[0];
  EXPECT_EQ(c1.id, 1);
  EXPECT_FALSE(c1.cable_plugged);
  EXPECT_EQ(c1.pilot, PilotState::A);
  EXPECT_EQ(c1.wanted_power_w, 7400.0);
  EXPECT_EQ(c1.display_text, "");
  const ConnectorStatus& c2 = s.connectors[1];
  EXPECT_EQ(c2.id, 2);
  EXPECT_TRUE(c2.cable_plugged);
  EXPECT_EQ(c2.pilot, PilotState::C);
  EXPECT_TRUE(c2.contactor_closed);
  EXPECT_TRUE(c2.locked);
  EXPECT_EQ(c2.current_limit_a, 10.0);
  EXPECT_EQ(c2.wanted_power_w, 11000.0);
  EXPECT_EQ(c2.power_w, 6900.0);
  EXPECT_EQ(c2.fault, ErrorCode::NoError);
  EXPECT_EQ(c2.display_text, "Charging");
}

TEST_F(SimCommands, TheDisplayKeepsTheLastLinePerConnector) {
  pile.display().show(1, "Present your card");
  pile.display().show(1, "Authorized");
  pile.display().show(2, "Out of order");
  EXPECT_EQ(pile.sim_display().text(1), "Authorized");
  EXPECT_EQ(pile.sim_display().text(2), "Out of order");
  EXPECT_EQ(pile.sim_display().text(0), "");
  pile.display().show_qr(1, "https://csms.example/c/P/1");
  EXPECT_EQ(pile.sim_display().qr(1), "https://csms.example/c/P/1");
  EXPECT_EQ(pile.sim_display().qr(2), "");
}

TEST_F(SimCommands, WithoutAListenerCommandsStillWork) {
  pile.set_listener(nullptr);
  EXPECT_EQ(pile.plug(1), "");
  EXPECT_EQ(pile.present_id(1, "TAG"), "");
  EXPECT_EQ(pile.fault(0, ErrorCode::OtherError), "");
  EXPECT_TRUE(listener.events.empty());
}

}  // namespace
}  // namespace ocpp::hal::sim
