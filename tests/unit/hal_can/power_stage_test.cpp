// The DC power stage driver against a simulated module on a virtual CAN bus, on a manual clock:
// setpoints and their period, the current ramp, the module's readings and fault flags, heartbeat
// loss in both directions, malformed frames.
#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <vector>

#include "ocpp/common/timer_queue.hpp"
#include "ocpp/hal/can/power_stage.hpp"
#include "ocpp/hal/can/virtual_can_bus.hpp"
#include "simulated_module.hpp"

namespace ocpp::hal::can {
namespace {

using namespace std::chrono_literals;

struct Fault {
  ErrorCode code;
  std::string info;
};

class PowerStageTest : public ::testing::Test {
 protected:
  PowerStageConfig config() {
    PowerStageConfig c;
    c.node = 3;
    c.max_voltage_v = 920;
    c.max_current_a = 125;
    c.ramp_a_per_s = 50;  // 5 A per 100 ms frame
    return c;
  }

  ManualClock clock;
  ManualEventLoop loop{clock};
  VirtualCanNetwork network{loop};
  VirtualCanBus controller_side{network, "virtual can"};
  VirtualCanBus module_side{network};
  test::SimulatedModule module{loop, module_side, 3};
  std::vector<Fault> faults;
  std::unique_ptr<PowerStage> owned = std::make_unique<PowerStage>(
      loop, controller_side, config(), [this](ErrorCode c, const std::string& i) { faults.push_back({c, i}); });
  PowerStage& stage = *owned;
};

TEST_F(PowerStageTest, SendsOutputOffSetpointsEveryPeriodFromTheStart) {
  loop.advance(1000ms);
  // One at construction, then one per 100 ms.
  ASSERT_EQ(module.setpoints().size(), 11u);
  for (const auto& s : module.setpoints()) {
    EXPECT_FALSE(s.output_on);
    EXPECT_EQ(s.current_a, 0.0);
  }
  // The sequence counts up by one per frame: the module can see a live controller.
  for (std::size_t i = 1; i < module.setpoints().size(); ++i) {
    EXPECT_EQ(static_cast<std::uint8_t>(module.setpoints()[i - 1].sequence + 1), module.setpoints()[i].sequence);
  }
  EXPECT_TRUE(faults.empty());
  EXPECT_TRUE(stage.alive());
}

TEST_F(PowerStageTest, StartRampsTheCurrentLimitUpAndLowersItAtOnce) {
  loop.advance(300ms);
  stage.set_voltage(400);
  stage.set_current_limit(32);
  ASSERT_TRUE(stage.start());
  const std::size_t from = module.setpoints().size();
  loop.advance(1000ms);
  std::vector<double> limits;
  for (std::size_t i = from; i < module.setpoints().size(); ++i) limits.push_back(module.setpoints()[i].current_a);
  // The start frame goes out at once with 0 A, then +5 A per period up to the target.
  const std::vector<double> expected{0, 5, 10, 15, 20, 25, 30, 32, 32, 32, 32};
  EXPECT_EQ(limits, expected);
  EXPECT_EQ(module.setpoints().back().voltage_v, 400.0);
  EXPECT_TRUE(module.setpoints().back().output_on);
  // The module follows: on, delivering what the EV takes within the limit.
  EXPECT_EQ(module.state(), ModuleState::on);
  ASSERT_TRUE(stage.status());
  EXPECT_EQ(stage.status()->state, ModuleState::on);
  EXPECT_EQ(stage.status()->voltage_v, 400.0);
  EXPECT_EQ(stage.status()->current_a, 32.0);

  stage.set_current_limit(10);  // down: no ramp
  EXPECT_EQ(stage.current_setpoint_a(), 10.0);
  loop.advance(100ms);
  EXPECT_EQ(module.setpoints().back().current_a, 10.0);
}

TEST_F(PowerStageTest, SetpointsAreClampedToTheRatings) {
  stage.set_voltage(1500);
  stage.set_current_limit(400);
  EXPECT_EQ(stage.voltage_setpoint_v(), 920.0);
  EXPECT_EQ(stage.target_current_a(), 125.0);
  stage.set_current_limit(-3);
  EXPECT_EQ(stage.target_current_a(), 0.0);
}

TEST_F(PowerStageTest, StopSendsOutputOffAtOnce) {
  stage.set_voltage(400);
  stage.set_current_limit(32);
  ASSERT_TRUE(stage.start());
  loop.advance(1000ms);
  const std::size_t before = module.setpoints().size();
  stage.stop();
  loop.run_pending();  // delivery only, no time passes
  ASSERT_EQ(module.setpoints().size(), before + 1);
  EXPECT_FALSE(module.setpoints().back().output_on);
  EXPECT_EQ(module.setpoints().back().current_a, 0.0);
  EXPECT_EQ(module.state(), ModuleState::off);
}

TEST_F(PowerStageTest, FaultFlagsFaultTheConnectorWithTheirCodeAndClear) {
  stage.set_voltage(400);
  stage.set_current_limit(32);
  ASSERT_TRUE(stage.start());
  loop.advance(300ms);
  module.faults = fault_flag::over_temperature;
  loop.advance(200ms);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].code, ErrorCode::HighTemperature);
  EXPECT_EQ(faults[0].info, "power stage 3 on virtual can: over-temperature");
  // The output is commanded off: the module must not restart by itself when the fault clears.
  EXPECT_FALSE(stage.output_commanded());
  EXPECT_FALSE(module.setpoints().back().output_on);
  EXPECT_FALSE(stage.start()) << "a module with a fault is not started";
  // Several flags: the most serious is reported.
  module.faults = fault_flag::over_temperature | fault_flag::isolation;
  loop.advance(200ms);
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_EQ(faults[1].code, ErrorCode::GroundFailure);
  module.faults = 0;
  loop.advance(200ms);
  ASSERT_EQ(faults.size(), 3u);
  EXPECT_EQ(faults[2].code, ErrorCode::NoError);
  EXPECT_EQ(module.state(), ModuleState::off);
  EXPECT_TRUE(stage.start());
}

TEST_F(PowerStageTest, EachFlagHasItsErrorCode) {
  const std::pair<std::uint8_t, ErrorCode> cases[] = {
      {fault_flag::over_voltage, ErrorCode::OverVoltage},     {fault_flag::over_current, ErrorCode::OverCurrentFailure},
      {fault_flag::isolation, ErrorCode::GroundFailure},      {fault_flag::over_temperature, ErrorCode::HighTemperature},
      {fault_flag::input, ErrorCode::OtherError},             {fault_flag::internal, ErrorCode::InternalError},
      {0x40, ErrorCode::InternalError},
  };
  for (const auto& [flag, code] : cases) {
    module.faults = flag;
    loop.advance(200ms);
    ASSERT_FALSE(faults.empty());
    EXPECT_EQ(faults.back().code, code) << "flag " << int{flag};
    module.faults = 0;
    loop.advance(200ms);
    EXPECT_EQ(faults.back().code, ErrorCode::NoError);
  }
}

TEST_F(PowerStageTest, ASilentModuleFaultsTheConnectorAndItsOutputIsCommandedOff) {
  stage.set_voltage(400);
  stage.set_current_limit(32);
  ASSERT_TRUE(stage.start());
  loop.advance(1000ms);
  module.silent = true;
  loop.advance(500ms);
  EXPECT_TRUE(faults.empty()) << "within the heartbeat timeout nothing is wrong yet";
  loop.advance(200ms);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].code, ErrorCode::OtherError);
  EXPECT_EQ(faults[0].info, "power stage 3 on virtual can silent: output opened");
  EXPECT_FALSE(stage.alive());
  EXPECT_FALSE(stage.status());
  EXPECT_FALSE(stage.output_commanded());
  EXPECT_FALSE(module.setpoints().back().output_on);
  EXPECT_FALSE(stage.start()) << "nothing would follow the command";

  // It speaks again: the fault clears, and the output stays off until started again.
  module.silent = false;
  loop.advance(200ms);
  ASSERT_EQ(faults.size(), 2u);
  EXPECT_EQ(faults[1].code, ErrorCode::NoError);
  EXPECT_TRUE(stage.alive());
  EXPECT_FALSE(module.setpoints().back().output_on);
  EXPECT_EQ(module.state(), ModuleState::off);
}

TEST_F(PowerStageTest, AModuleThatNeverSpeaksIsSilentAfterTheTimeout) {
  module.silent = true;
  loop.advance(700ms);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].code, ErrorCode::OtherError);
}

TEST_F(PowerStageTest, AFrozenSequenceCounterIsNotASignOfLife) {
  loop.advance(300ms);
  module.frozen_sequence = true;
  loop.advance(700ms);
  ASSERT_EQ(faults.size(), 1u);
  EXPECT_EQ(faults[0].code, ErrorCode::OtherError);
  module.frozen_sequence = false;
  loop.advance(200ms);
  EXPECT_EQ(faults.back().code, ErrorCode::NoError);
}

TEST_F(PowerStageTest, TheModuleTurnsItsOutputOffWhenTheControllerFallsSilent) {
  // The other half of the supervision (a firmware requirement, docs/power-stage-can.md §7), as the
  // simulated module implements it: the driver gone, the module's output goes off.
  stage.set_voltage(400);
  stage.set_current_limit(32);
  ASSERT_TRUE(stage.start());
  loop.advance(1000ms);
  ASSERT_EQ(module.state(), ModuleState::on);
  owned.reset();  // the controller is gone: no more setpoints
  loop.advance(400ms);
  EXPECT_EQ(module.state(), ModuleState::on) << "within its timeout the module holds its output";
  loop.advance(300ms);
  EXPECT_EQ(module.state(), ModuleState::off);
}

TEST_F(PowerStageTest, MalformedAndForeignFramesAreIgnored) {
  loop.advance(300ms);
  CanFrame short_frame;
  short_frame.id = 0x183;
  short_frame.length = 3;
  module.send_raw(short_frame);
  CanFrame bad_state = encode_status(3, ModuleStatus{});
  bad_state.data[4] = 9;
  module.send_raw(bad_state);
  ModuleStatus other;
  other.faults = fault_flag::over_voltage;
  module.send_raw(encode_status(5, other));  // node 5's fault is not ours
  loop.advance(300ms);
  EXPECT_EQ(stage.malformed_frames(), 2u);
  EXPECT_TRUE(faults.empty());
  EXPECT_TRUE(stage.alive());
}

TEST(PowerStageConfigTest, RefusesAConfigurationThatCannotWork) {
  ManualClock clock;
  ManualEventLoop loop{clock};
  VirtualCanNetwork network{loop};
  VirtualCanBus bus{network};
  auto make = [&](auto change) {
    PowerStageConfig c;
    change(c);
    PowerStage stage(loop, bus, c, nullptr);
  };
  EXPECT_THROW(make([](PowerStageConfig& c) { c.node = 0; }), std::invalid_argument);
  EXPECT_THROW(make([](PowerStageConfig& c) { c.node = 128; }), std::invalid_argument);
  EXPECT_THROW(make([](PowerStageConfig& c) { c.max_current_a = 0; }), std::invalid_argument);
  EXPECT_THROW(make([](PowerStageConfig& c) { c.heartbeat_timeout = c.setpoint_period; }), std::invalid_argument);
  EXPECT_NO_THROW(make([](PowerStageConfig&) {}));
}

}  // namespace
}  // namespace ocpp::hal::can
