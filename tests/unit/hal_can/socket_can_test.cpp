// SocketCAN: the driver and a simulated module over a kernel vcan interface, each on its own raw
// socket, frames crossing the kernel and the receiving threads. Where the kernel has no vcan0 (CI
// containers), the test reports itself skipped with the reason; the virtual-bus tests cover the
// driver's logic either way.
//
// To run it: sudo modprobe vcan && sudo ip link add dev vcan0 type vcan && sudo ip link set up vcan0
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>

#include "loop_runner.hpp"
#include "ocpp/hal/can/power_stage.hpp"
#include "ocpp/hal/can/socket_can_bus.hpp"
#include "simulated_module.hpp"

namespace ocpp::hal::can {
namespace {

using namespace std::chrono_literals;

std::string vcan_interface() {
  const char* name = std::getenv("OCPP_TEST_VCAN");
  return name != nullptr && *name != '\0' ? name : "vcan0";
}

TEST(SocketCan, AnInterfaceThatDoesNotExistIsRefusedByName) {
  transport::LwsLoop loop;
  try {
    SocketCanBus bus(loop, "nocan7");
    FAIL() << "opened an interface that does not exist";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("nocan7"), std::string::npos) << e.what();
  }
  EXPECT_NE(SocketCanBus::probe("nocan7"), "");
  EXPECT_NE(SocketCanBus::probe("this-name-is-far-too-long-for-an-interface"), "");
}

TEST(SocketCan, PowerStageOverVcan) {
  const std::string interface = vcan_interface();
  if (const std::string why = SocketCanBus::probe(interface); !why.empty()) {
    GTEST_SKIP() << "no usable vcan interface here (" << why << "); create one with: modprobe vcan && "
                 << "ip link add dev " << interface << " type vcan && ip link set up " << interface;
  }
  transport::LwsLoop loop;
  SocketCanBus controller_side(loop, interface);
  SocketCanBus module_side(loop, interface);
  test::SimulatedModule module(loop, module_side, 9);
  std::vector<ErrorCode> faults;
  PowerStageConfig config;
  config.node = 9;
  config.ramp_a_per_s = 200;
  PowerStage stage(loop, controller_side, config, [&](ErrorCode c, const std::string&) { faults.push_back(c); });
  ASSERT_TRUE(ocpp::test::run_until(loop, [&] { return stage.status().has_value(); }, 3s)) << "no status frame over " << interface;
  stage.set_voltage(500);
  stage.set_current_limit(60);
  ASSERT_TRUE(stage.start());
  ASSERT_TRUE(ocpp::test::run_until(loop, [&] { return stage.status() && stage.status()->current_a == 60.0; }, 5s));
  EXPECT_EQ(stage.status()->voltage_v, 500.0);
  EXPECT_TRUE(faults.empty());
  // The module falls silent: fault, output commanded off.
  module.silent = true;
  ASSERT_TRUE(ocpp::test::run_until(loop, [&] { return !faults.empty(); }, 3s));
  EXPECT_EQ(faults.back(), ErrorCode::OtherError);
  EXPECT_FALSE(stage.output_commanded());
  module.silent = false;
  ASSERT_TRUE(ocpp::test::run_until(loop, [&] { return faults.back() == ErrorCode::NoError; }, 3s));
}

}  // namespace
}  // namespace ocpp::hal::can
