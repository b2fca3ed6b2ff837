// The simulated meter: energy flows only through a closed contactor to a ready EV with a current
// offered, at min(wanted, limit x V x phases), integrated exactly over the injected clock.
#include <gtest/gtest.h>

#include "ocpp/common/timer_queue.hpp"
#include "ocpp/hal/sim/sim_pile.hpp"

namespace ocpp::hal::sim {
namespace {

using namespace std::chrono_literals;

class SimMeter : public ::testing::Test {
 protected:
  // A connector with an EV plugged and asking for energy, 32 A offered, contactor closed.
  void start_flow(ConnectorId c = 1) {
    ASSERT_EQ(pile.plug(c), "");
    ASSERT_EQ(pile.ev_charge(c), "");
    pile.connector(c).set_current_limit(32);
    pile.connector(c).set_locked(true);  // lock before power
    pile.connector(c).set_contactor(true);
  }
  double energy(ConnectorId c = 1) {
    const auto r = pile.connector(c).read_meter();
    EXPECT_TRUE(r.has_value());
    return r ? r->energy_wh : -1;
  }

  ManualClock clock;
  ManualEventLoop loop{clock};
  SimPile pile{loop, 2};
};

TEST_F(SimMeter, SevenKilowattsForHalfAnHourIs3700WhExactly) {
  start_flow();
  loop.advance(30min);
  const auto r = pile.connector(1).read_meter();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->energy_wh, 3700.0);
  EXPECT_EQ(*r->power_w, 7400.0);
}

TEST_F(SimMeter, ManyReadingsAddUpToTheSameExactTotal) {
  start_flow();
  for (int i = 0; i < 1800; ++i) {
    loop.advance(1s);
    (void)pile.connector(1).read_meter();
  }
  EXPECT_EQ(energy(), 3700.0);
}

TEST_F(SimMeter, NoFlowWithoutAllThreeConditions) {
  // Pilot C and a limit, contactor open.
  ASSERT_EQ(pile.plug(1), "");
  ASSERT_EQ(pile.ev_charge(1), "");
  pile.connector(1).set_current_limit(32);
  loop.advance(10min);
  EXPECT_EQ(energy(), 0.0);
  // Contactor closed, limit 0 (no energy offered).
  pile.connector(1).set_current_limit(0);
  pile.connector(1).set_locked(true);  // lock before power
  pile.connector(1).set_contactor(true);
  loop.advance(10min);
  EXPECT_EQ(energy(), 0.0);
  // Contactor closed and a limit, but the EV only connected (pilot B).
  pile.connector(1).set_current_limit(32);
  ASSERT_EQ(pile.ev_suspend(1), "");
  loop.advance(10min);
  EXPECT_EQ(energy(), 0.0);
  // All three: it flows.
  ASSERT_EQ(pile.ev_charge(1), "");
  loop.advance(1h);
  EXPECT_EQ(energy(), 7400.0);
}

TEST_F(SimMeter, CurrentLimitCapsThePowerOnThreePhases) {
  start_flow();
  pile.connector(1).set_current_limit(6);  // 6 A x 230 V x 3 = 4140 W < 7400 W
  loop.advance(1h);
  const auto r = pile.connector(1).read_meter();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->energy_wh, 4140.0);
  EXPECT_EQ(*r->power_w, 4140.0);
  for (int phase = 0; phase < 3; ++phase) {
    ASSERT_TRUE(r->current_a[phase]);
    EXPECT_DOUBLE_EQ(*r->current_a[phase], 6.0);
    ASSERT_TRUE(r->voltage_v[phase]);
    EXPECT_EQ(*r->voltage_v[phase], 230.0);
  }
  EXPECT_FALSE(r->soc_percent);
}

TEST_F(SimMeter, EvDrawsWhatItWantsBelowTheLimit) {
  start_flow();
  ASSERT_EQ(pile.set_power(1, 3680), "");
  loop.advance(30min);
  const auto r = pile.connector(1).read_meter();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->energy_wh, 1840.0);
  EXPECT_DOUBLE_EQ(*r->current_a[0], 3680.0 / 690.0);
}

TEST_F(SimMeter, LimitChangeMidwayIsIntegratedPiecewise) {
  start_flow();
  loop.advance(30min);                     // 7400 W: 3700 Wh
  pile.connector(1).set_current_limit(10);  // 6900 W
  loop.advance(30min);                     // 3450 Wh
  EXPECT_EQ(energy(), 7150.0);
}

TEST_F(SimMeter, SuspendStopsTheFlowAndChargeResumesIt) {
  start_flow();
  loop.advance(30min);
  ASSERT_EQ(pile.ev_suspend(1), "");
  EXPECT_EQ(pile.connector(1).pilot(), PilotState::B);
  loop.advance(2h);
  const auto r = pile.connector(1).read_meter();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->energy_wh, 3700.0);
  EXPECT_EQ(*r->power_w, 0.0);
  EXPECT_EQ(*r->current_a[0], 0.0);
  ASSERT_EQ(pile.ev_charge(1), "");
  loop.advance(30min);
  EXPECT_EQ(energy(), 7400.0);
}

TEST_F(SimMeter, UnplugAndOpeningTheContactorStopTheFlow) {
  start_flow();
  loop.advance(15min);
  pile.connector(1).set_contactor(false);
  loop.advance(1h);
  EXPECT_EQ(energy(), 1850.0);
  pile.connector(1).set_locked(true);  // lock before power
  pile.connector(1).set_contactor(true);
  ASSERT_EQ(pile.unplug(1), "");
  loop.advance(1h);
  EXPECT_EQ(energy(), 1850.0);
}

TEST_F(SimMeter, ConnectorsHaveTheirOwnRegisters) {
  start_flow(2);
  loop.advance(30min);
  EXPECT_EQ(energy(1), 0.0);
  EXPECT_EQ(energy(2), 3700.0);
}

TEST_F(SimMeter, RegisterIsMonotonic) {
  start_flow();
  double last = energy();
  for (int i = 0; i < 200; ++i) {
    loop.advance(std::chrono::milliseconds(137 * (i % 7)));
    switch (i % 5) {
      case 0: (void)pile.ev_suspend(1); break;
      case 1: (void)pile.ev_charge(1); break;
      case 2: pile.connector(1).set_current_limit(i % 3 == 0 ? 0.0 : 16.0); break;
      case 3: pile.connector(1).set_contactor(i % 2 == 0); break;
      default: (void)pile.set_power(1, 1000.0 * (i % 11)); break;
    }
    const double now = energy();
    EXPECT_GE(now, last);
    last = now;
  }
  EXPECT_GT(last, 0.0);
}

TEST_F(SimMeter, MeterFailureHidesReadingsButEnergyKeepsCounting) {
  start_flow();
  loop.advance(30min);
  ASSERT_EQ(pile.fault(1, ErrorCode::PowerMeterFailure, "no Modbus answer"), "");
  EXPECT_FALSE(pile.connector(1).read_meter());
  loop.advance(30min);
  EXPECT_FALSE(pile.connector(1).read_meter());
  EXPECT_TRUE(pile.connector(2).read_meter());  // another connector's meter is fine
  ASSERT_EQ(pile.clear_fault(1), "");
  EXPECT_EQ(energy(), 7400.0);
}

TEST(SimMeterOptions, StartsAtTheConfiguredRegister) {
  ManualClock clock;
  ManualEventLoop loop{clock};
  SimOptions options;
  options.initial_energy_wh = 1234567;
  SimPile pile{loop, 1, options};
  ASSERT_EQ(pile.plug(1), "");
  ASSERT_EQ(pile.ev_charge(1), "");
  pile.connector(1).set_current_limit(32);
  pile.connector(1).set_locked(true);  // lock before power
  pile.connector(1).set_contactor(true);
  loop.advance(30min);
  EXPECT_EQ(pile.connector(1).read_meter()->energy_wh, 1234567.0 + 3700.0);
}

TEST(SimMeterOptions, SinglePhaseSupplyCapsAtLimitTimes230) {
  ManualClock clock;
  ManualEventLoop loop{clock};
  SimOptions options;
  options.phases = 1;
  SimPile pile{loop, 1, options};
  ASSERT_EQ(pile.plug(1), "");
  ASSERT_EQ(pile.ev_charge(1), "");
  pile.connector(1).set_current_limit(16);  // 3680 W
  pile.connector(1).set_locked(true);  // lock before power
  pile.connector(1).set_contactor(true);
  loop.advance(1h);
  const auto r = pile.connector(1).read_meter();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->energy_wh, 3680.0);
  EXPECT_DOUBLE_EQ(*r->current_a[0], 16.0);
  EXPECT_FALSE(r->current_a[1]);
  EXPECT_FALSE(r->voltage_v[2]);
}

TEST(SimMeterOptions, ImpossibleOptionsAreRefusedAtConstruction) {
  ManualClock clock;
  ManualEventLoop loop{clock};
  SimOptions two_phases;
  two_phases.phases = 2;
  EXPECT_THROW(SimPile(loop, 1, two_phases), std::invalid_argument);
  EXPECT_THROW(SimPile(loop, 0), std::invalid_argument);
  SimOptions negative;
  negative.initial_energy_wh = -1;
  EXPECT_THROW(SimPile(loop, 1, negative), std::invalid_argument);
}

}  // namespace
}  // namespace ocpp::hal::sim
