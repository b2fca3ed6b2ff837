// "hal": {"driver": "modbus", ...} in the configuration file (docs/configuration.md, "The modbus
// driver"): a full pile is read into what ModbusPile takes, defaults apply, and every mistake is
// refused at start with its key path (DESIGN.md principle 7).
#include <gtest/gtest.h>

#include "config_file.hpp"

namespace ocpp::cp::daemon {
namespace {

using namespace std::chrono_literals;

std::string config(const std::string& hal, int connectors = 2) {
  return R"({"charge_point_id": "CP-1", "csms_url": "ws://127.0.0.1:9000/ocpp", "connectors": )" + std::to_string(connectors) +
         R"(, "hal": )" + hal + "}";
}

const std::string kBuses = R"("buses": {"rs485": {"device": "/dev/ttyUSB0", "baud": 19200, "parity": "E"},
                                      "lan": {"host": "192.168.1.20", "response_timeout_ms": 300}})";
const std::string kMeters = R"("meters": [{"connector": 1, "bus": "rs485", "unit": 1, "model": "eastron_sdm630"},
                                        {"connector": 2, "bus": "lan", "unit": 2, "model": "abb_b23", "poll_interval_ms": 500,
                                         "max_power_w": 22000}])";
const std::string kBoard = R"("io_board": {"bus": "rs485", "unit": 10})";

std::string modbus(const std::string& extra = {}, const std::string& buses = kBuses, const std::string& meters = kMeters,
                   const std::string& board = kBoard) {
  return R"({"driver": "modbus", )" + buses + ", " + meters + ", " + board + extra + "}";
}

std::string refusal(const std::string& json) {
  try {
    parse_config(json);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(ConfigHalModbus, APileIsReadWithItsDefaults) {
  const Config c = parse_config(config(modbus(
      R"(, "power_stage": {"interface": "can0", "modules": [{"connector": 2, "node": 5, "voltage_v": 450, "max_current_a": 125}]})")));
  ASSERT_EQ(c.hal.driver, HalDriver::modbus);
  const auto& p = c.hal.modbus;
  ASSERT_EQ(p.buses.size(), 2u);
  EXPECT_EQ(p.buses[0].name, "rs485");
  const auto& rtu = std::get<hal::modbus::RtuLink>(p.buses[0].link);
  EXPECT_EQ(rtu.device, "/dev/ttyUSB0");
  EXPECT_EQ(rtu.baud, 19200);
  EXPECT_EQ(rtu.parity, 'E');
  EXPECT_EQ(rtu.data_bits, 8);
  EXPECT_EQ(rtu.stop_bits, 1);
  EXPECT_EQ(p.buses[0].response_timeout, 500ms);
  const auto& tcp = std::get<hal::modbus::TcpLink>(p.buses[1].link);
  EXPECT_EQ(tcp.host, "192.168.1.20");
  EXPECT_EQ(tcp.port, 502);
  EXPECT_EQ(p.buses[1].response_timeout, 300ms);

  ASSERT_EQ(p.meters.size(), 2u);
  EXPECT_EQ(p.meters[0].connector, 1);
  EXPECT_EQ(p.meters[0].config.unit, 1);
  EXPECT_EQ(p.meters[0].config.poll_interval, 1000ms);
  EXPECT_EQ(p.meters[0].config.max_power_w, 100000.0);
  // The model is resolved to its file, which was read and checked.
  EXPECT_EQ(p.meters[0].model, std::string(OCPP_SOURCE_DIR) + "/hal/modbus/meters/eastron_sdm630.json");
  EXPECT_EQ(p.meters[1].config.poll_interval, 500ms);
  EXPECT_EQ(p.meters[1].config.max_power_w, 22000.0);

  EXPECT_EQ(p.io_board.bus, "rs485");
  EXPECT_EQ(p.io_board.config.unit, 10);
  EXPECT_EQ(p.io_board.config.connectors, 2);
  EXPECT_EQ(p.io_board.config.poll_interval, 250ms);
  EXPECT_EQ(p.io_board.max_current_a, 32.0);
  EXPECT_TRUE(p.io_board.config.has_lock);

  EXPECT_EQ(p.can_interface, "can0");
  ASSERT_EQ(p.power_stages.size(), 1u);
  EXPECT_EQ(p.power_stages[0].connector, 2);
  EXPECT_EQ(p.power_stages[0].config.node, 5);
  EXPECT_EQ(p.power_stages[0].voltage_v, 450.0);
  EXPECT_EQ(p.power_stages[0].config.max_current_a, 125.0);
  EXPECT_EQ(p.power_stages[0].config.heartbeat_timeout, 500ms);
}

TEST(ConfigHalModbus, AMeterDirectoryIsSearchedFirst) {
  const Config c = parse_config(config(modbus(R"(, "meter_dir": "/opt/meters")")));
  ASSERT_FALSE(c.hal.modbus.meter_dirs.empty());
  EXPECT_EQ(c.hal.modbus.meter_dirs.front(), "/opt/meters");
}

TEST(ConfigHalModbus, MistakesAreRefusedWithTheirKeyPath) {
  EXPECT_EQ(refusal(config(R"({"driver": "modbus"})")), "hal.buses: required key missing");
  EXPECT_EQ(refusal(config(R"({"driver": "modbus", "state_file": "x"})")), "hal.state_file: unknown key");
  EXPECT_EQ(refusal(config(modbus({}, R"("buses": {"x": {"device": "/dev/ttyS1", "host": "h"}})"))),
            "hal.buses.x: a bus has either \"device\" (Modbus RTU, a serial line) or \"host\" (Modbus TCP)");
  EXPECT_EQ(refusal(config(modbus({}, R"("buses": {"rs485": {"device": "/dev/ttyS1", "baud": 9601}})"))),
            "hal.buses.rs485.baud: expected a standard rate (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400), got 9601");
  EXPECT_EQ(refusal(config(modbus({}, R"("buses": {"rs485": {"device": "/dev/ttyS1", "parity": "X"}})"))),
            "hal.buses.rs485.parity: expected \"N\", \"E\" or \"O\", got \"X\"");
  EXPECT_EQ(refusal(config(modbus({}, R"("buses": {"lan": {"host": "h", "baud": 9600}})"))),
            "hal.buses.lan.baud: only for a Modbus RTU bus (with \"device\")");
  EXPECT_EQ(refusal(config(modbus({}, kBuses, R"("meters": [{"connector": 1, "bus": "rs485", "unit": 1, "model": "eastron_sdm630"},
                                                            {"connector": 2, "bus": "wifi", "unit": 2, "model": "abb_b23"}])"))),
            "hal.meters[1].bus: no bus \"wifi\" in hal.buses (rs485, lan)");
  EXPECT_EQ(refusal(config(modbus({}, kBuses, R"("meters": [{"connector": 1, "bus": "rs485", "unit": 1, "model": "eastron_sdm630"}])"))),
            "hal.meters: connector 2 has no meter (each connector needs one for its transactions)");
  EXPECT_EQ(refusal(config(modbus({}, kBuses, R"("meters": [{"connector": 1, "bus": "rs485", "unit": 1, "model": "eastron_sdm630"},
                                                            {"connector": 1, "bus": "lan", "unit": 2, "model": "abb_b23"}])"))),
            "hal.meters[1].connector: connector 1 already has a meter (hal.meters[0])");
  EXPECT_EQ(refusal(config(modbus({}, kBuses, R"("meters": [{"connector": 3, "bus": "rs485", "unit": 1, "model": "abb_b23"}])"))),
            "hal.meters[0].connector: expected an integer 1-2, got 3");
  EXPECT_EQ(refusal(config(modbus({}, kBuses, R"("meters": [{"connector": 1, "bus": "rs485", "model": "abb_b23"}])"))),
            "hal.meters[0].unit: required key missing");
  EXPECT_EQ(refusal(config(modbus({}, kBuses, R"("meters": [{"connector": 1, "bus": "rs485", "unit": 1, "model": "abb_b23", "max_power_w": 0}])"))),
            "hal.meters[0].max_power_w: expected a number > 0 and <= 1e+07, got 0");
  const std::string unknown_model = refusal(config(modbus({}, kBuses, R"("meters": [{"connector": 1, "bus": "rs485", "unit": 1, "model": "sdm72"}])")));
  EXPECT_EQ(unknown_model.rfind("hal.meters[0].model: no meter model \"sdm72\" in ", 0), 0u) << unknown_model;
  EXPECT_NE(unknown_model.find("known models: abb_b23, carlo_gavazzi_em340, eastron_sdm630"), std::string::npos) << unknown_model;
  EXPECT_EQ(refusal(config(modbus({}, kBuses, kMeters, R"("io_board": {"bus": "rs485", "unit": 10, "max_current_a": 5})"))),
            "hal.io_board.max_current_a: a PWM offers at least 6 A (IEC 61851-1), got 5");
  EXPECT_EQ(refusal(config(modbus({}, kBuses, kMeters, R"("io_board": {"bus": "rs485"})"))), "hal.io_board.unit: required key missing");
  EXPECT_EQ(refusal(config(R"({"driver": "modbus", )" + kBuses + ", " + kMeters + "}")), "hal.io_board: required key missing");
  EXPECT_EQ(refusal(config(modbus(R"(, "power_stage": {"modules": []})"))),
            "hal.power_stage.interface: required key missing (the CAN interface, e.g. \"can0\")");
  EXPECT_EQ(refusal(config(modbus(R"(, "power_stage": {"interface": "can0", "modules": [{"connector": 1, "node": 3, "voltage_v": 400},
                                                                                       {"connector": 2, "node": 3, "voltage_v": 400}]})"))),
            "hal.power_stage.modules[1].node: node 3 is used twice");
  EXPECT_EQ(refusal(config(modbus(R"(, "power_stage": {"interface": "can0", "modules": [{"connector": 1, "node": 3, "voltage_v": 1200}]})"))),
            "hal.power_stage.modules[0].voltage_v: expected a number > 0 and <= 1000, got 1200");
  EXPECT_EQ(refusal(config(modbus(), 9)), "connectors: the modbus driver's I/O board serves at most 8 connectors, got 9");
}

}  // namespace
}  // namespace ocpp::cp::daemon
