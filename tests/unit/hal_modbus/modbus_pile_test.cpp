// The whole Hal of the modbus driver: an I/O board and two meters of different makes on one
// Modbus TCP server, and a DC power stage on a virtual CAN bus; what the core sees through
// ConnectorHardware and HalListener.
#include <gtest/gtest.h>

#include <memory>

#include "loop_runner.hpp"
#include "ocpp/hal/can/virtual_can_bus.hpp"
#include "ocpp/hal/modbus/io_board_map.hpp"
#include "ocpp/hal/modbus/modbus_pile.hpp"
#include "simulated_module.hpp"
#include "support/meter_players.hpp"
#include "support/modbus_test_server.hpp"
#include "support/simulated_board.hpp"

namespace ocpp::hal::modbus {
namespace {

using namespace std::chrono_literals;
using ocpp::test::run_until;
using test::Misbehaviour;
using test::ModbusTestServer;
using test::transport_name;
using test::Pilot;

constexpr int kBoardUnit = 10;
constexpr int kMeterUnits[2] = {1, 2};

class Listener : public HalListener {
 public:
  void on_pilot_changed(ConnectorId c, PilotState s) override { add("pilot " + std::to_string(c) + " " + std::string(to_string(s))); }
  void on_id_presented(ConnectorId c, const std::string& id) override { add("id " + std::to_string(c) + " " + id); }
  void on_code_entered(ConnectorId c, const std::string& code) override { add("code " + std::to_string(c) + " " + code); }
  void on_stop_pressed(ConnectorId c) override { add("stop " + std::to_string(c)); }
  void on_fault(ConnectorId c, ErrorCode code, const std::string& info) override {
    add("fault " + std::to_string(c) + " " + std::string(to_string(code)));
    infos.push_back(info);
    if (on_fault_hook) on_fault_hook(c, code);
  }
  void on_power_path(ConnectorId c, bool closed) override { add("power " + std::to_string(c) + (closed ? " closed" : " open")); }
  bool saw(const std::string& e) const { return std::find(events.begin(), events.end(), e) != events.end(); }
  std::vector<std::string> events;
  std::vector<std::string> infos;
  std::function<void(ConnectorId, ErrorCode)> on_fault_hook;

 private:
  void add(std::string e) { events.push_back(std::move(e)); }
};

// false: Modbus TCP; true: Modbus RTU, the board and both meters on one line (a pty) as on an
// RS-485 bus.
class ModbusPileTest : public ::testing::TestWithParam<bool> {
 protected:
  ModbusPileTest() {
    server = GetParam() ? ModbusTestServer::rtu() : ModbusTestServer::tcp();
    board = std::make_unique<test::SimulatedBoard>(*server, kBoardUnit, 2);
    const auto players = test::shipped_meters();
    sdm = players[0];
    abb = players[1];
    values[0] = values[1] = test::MeterValues{};
    values[0].energy_wh = 1000000;
    values[1].energy_wh = 2000000;
    sdm.play(*server, kMeterUnits[0], values[0]);
    abb.play(*server, kMeterUnits[1], values[1]);
  }
  ~ModbusPileTest() override {
    pile.reset();
    board.reset();
  }

  PileConfig config() {
    PileConfig c;
    BusConfig lan;
    lan.name = "lan";
    if (GetParam()) {
      lan.link = RtuLink{server->device(), 115200, 'N', 8, 1};
    } else {
      lan.link = TcpLink{"127.0.0.1", server->port()};
    }
    lan.response_timeout = 150ms;
    c.buses.push_back(lan);
    c.meter_dirs = {std::string(OCPP_SOURCE_DIR) + "/hal/modbus/meters"};
    for (int i = 0; i < 2; ++i) {
      MeterSetup m;
      m.connector = i + 1;
      m.bus = "lan";
      m.model = i == 0 ? "eastron_sdm630" : "abb_b23";
      m.config.unit = kMeterUnits[i];
      m.config.poll_interval = 100ms;
      m.config.max_power_w = 1e7;  // registers jump by hundreds of Wh between polls here
      c.meters.push_back(m);
    }
    c.io_board.bus = "lan";
    c.io_board.config.unit = kBoardUnit;
    c.io_board.config.connectors = 2;
    c.io_board.config.poll_interval = 100ms;
    c.io_board.max_current_a = 16;
    return c;
  }

  void make(PileConfig c, CanBusFactory factory = {}) {
    pile = std::make_unique<ModbusPile>(loop, std::move(c), std::move(factory));
    pile->set_listener(&listener);
  }

  std::string refusal(PileConfig c) {
    try {
      ModbusPile p(loop, std::move(c));
    } catch (const std::exception& e) {
      return e.what();
    }
    return "(accepted)";
  }

  bool wait(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) { return run_until(loop, done, limit); }
  bool wait_event(const std::string& e) { return wait([&] { return listener.saw(e); }); }

  transport::LwsLoop loop;
  std::unique_ptr<ModbusTestServer> server;
  std::unique_ptr<test::SimulatedBoard> board;
  test::MeterPlayer sdm, abb;
  test::MeterValues values[2];
  Listener listener;
  std::unique_ptr<ModbusPile> pile;
};

TEST_P(ModbusPileTest, TheStartUpStateIsThereBeforeTheLoopRuns) {
  board->set_pilot(2, Pilot::B);
  make(config());
  // Nothing has run on the loop yet: this is what the constructor read.
  EXPECT_EQ(pile->connector_count(), 2);
  EXPECT_EQ(pile->connector(1).pilot(), PilotState::A);
  EXPECT_EQ(pile->connector(2).pilot(), PilotState::B);
  ASSERT_TRUE(pile->connector(1).read_meter());
  EXPECT_EQ(pile->connector(1).read_meter()->energy_wh, 1000000.0);
  ASSERT_TRUE(pile->connector(2).read_meter());
  EXPECT_EQ(pile->connector(2).read_meter()->energy_wh, 2000000.0);
  EXPECT_THROW(pile->connector(3), std::out_of_range);
}

TEST_P(ModbusPileTest, FaultsFoundBeforeTheListenerAreToldToIt) {
  server->misbehave(kMeterUnits[1], Misbehaviour::silent);
  auto c = config();
  c.meters[1].config.failures_before_fault = 1;
  pile = std::make_unique<ModbusPile>(loop, c);
  EXPECT_EQ(pile->fault(2).code, ErrorCode::PowerMeterFailure);
  pile->set_listener(&listener);
  ASSERT_EQ(listener.events, std::vector<std::string>{"fault 2 PowerMeterFailure"});
  // The core's `info` is a short reason within 1.6's 50 characters; the full one is kept.
  EXPECT_EQ(listener.infos[0], "meter does not answer");
  EXPECT_NE(pile->fault(2).detail.find("meter of connector 2 (abb_b23, unit 2 on lan"), std::string::npos) << pile->fault(2).detail;
}

TEST_P(ModbusPileTest, TheCoresCommandsReachTheBoard) {
  make(config());
  board->set_pilot(1, Pilot::B);
  ASSERT_TRUE(wait_event("pilot 1 B"));
  auto& k = pile->connector(1);
  k.set_current_limit(32);  // the installation carries 16 A: that is what the EV is offered
  EXPECT_TRUE(k.set_locked(true));
  k.set_contactor(true);
  ASSERT_TRUE(wait([&] { return board->duty_commanded(1) == io_board::duty_for_current(16) && board->lock_commanded(1); }));
  EXPECT_FALSE(k.contactor_closed()) << "pilot B: the board keeps it open";
  board->set_pilot(1, Pilot::C);
  ASSERT_TRUE(wait([&] { return k.contactor_closed(); }));
  k.set_current_limit(0);
  k.set_contactor(false);
  ASSERT_TRUE(wait([&] { return !k.contactor_closed() && board->duty_commanded(1) == io_board::kDutyNoPwm; }));
  EXPECT_EQ(pile->fault(1).code, ErrorCode::NoError);
}

TEST_P(ModbusPileTest, CardsCodesAndStopReachTheListener) {
  make(config());
  board->present_card(2, {0xDE, 0xAD, 0xBE, 0xEF});
  board->enter_code(1, "123456789012");
  board->press_stop(2);
  ASSERT_TRUE(wait([&] { return listener.saw("id 2 DEADBEEF") && listener.saw("code 1 123456789012") && listener.saw("stop 2"); }));
}

TEST_P(ModbusPileTest, ATransactionStoppedByAMeterFaultEndsOnTheLastGoodRegister) {
  make(config());
  // The core stops a running transaction when its connector faults, and reads the meter for the
  // stop value then; this listener does the same.
  std::optional<MeterReading> stop_reading;
  bool read = false;
  listener.on_fault_hook = [&](ConnectorId c, ErrorCode code) {
    if (c == 1 && code == ErrorCode::PowerMeterFailure) {
      stop_reading = pile->connector(1).read_meter();
      read = true;
    }
  };
  values[0].energy_wh += 500;
  sdm.play(*server, kMeterUnits[0], values[0]);
  ASSERT_TRUE(wait([&] { return pile->connector(1).read_meter()->energy_wh == 1000500.0; }));
  server->misbehave(kMeterUnits[0], Misbehaviour::silent);
  ASSERT_TRUE(wait([&] { return read; }));
  ASSERT_TRUE(stop_reading.has_value());
  EXPECT_EQ(stop_reading->energy_wh, 1000500.0);
  EXPECT_FALSE(pile->connector(1).read_meter()) << "no reading while the meter is failed";
  EXPECT_TRUE(pile->connector(2).read_meter()) << "the other connector's meter is not affected";
  server->misbehave(kMeterUnits[0], Misbehaviour::none);
  ASSERT_TRUE(wait_event("fault 1 NoError"));
  EXPECT_EQ(pile->connector(1).read_meter()->energy_wh, 1000500.0);
}

TEST_P(ModbusPileTest, ASilentBoardFaultsThePileWhileTheMetersGoOn) {
  make(config());
  server->misbehave(kBoardUnit, Misbehaviour::silent);
  ASSERT_TRUE(wait_event("fault 0 OtherError"));
  EXPECT_EQ(listener.infos.back(), "I/O board does not answer");
  EXPECT_NE(pile->fault(0).detail.find("I/O board (unit 10 on lan"), std::string::npos) << pile->fault(0).detail;
  EXPECT_FALSE(pile->connector(1).set_locked(true)) << "the lock cannot be moved without its board";
  EXPECT_TRUE(pile->connector(1).read_meter());
  server->misbehave(kBoardUnit, Misbehaviour::none);
  ASSERT_TRUE(wait_event("fault 0 NoError"));
}

TEST_P(ModbusPileTest, AConnectorReportsItsMostSeriousFault) {
  make(config());
  server->misbehave(kMeterUnits[0], Misbehaviour::silent);
  ASSERT_TRUE(wait_event("fault 1 PowerMeterFailure"));
  board->set_faults(1, 0x01);  // the RCD trips too: that outranks a lost meter
  ASSERT_TRUE(wait_event("fault 1 GroundFailure"));
  board->set_faults(1, 0);
  ASSERT_TRUE(wait([&] { return listener.events.back() == "fault 1 PowerMeterFailure"; }));
  server->misbehave(kMeterUnits[0], Misbehaviour::none);
  ASSERT_TRUE(wait_event("fault 1 NoError"));
  EXPECT_EQ(pile->fault(1).code, ErrorCode::NoError);
}

TEST_P(ModbusPileTest, ADcConnectorDrivesItsPowerStageAndASilentModuleOpensIt) {
  can::VirtualCanNetwork network(loop);
  can::VirtualCanBus module_side(network);
  can::test::SimulatedModule module(loop, module_side, 1);
  auto c = config();
  c.can_interface = "vcan-test";
  PowerStageSetup stage;
  stage.connector = 1;
  stage.config.node = 1;
  stage.config.ramp_a_per_s = 1000;
  stage.voltage_v = 450;
  c.power_stages.push_back(stage);
  std::string opened;
  make(c, [&](EventLoop&, const std::string& interface) {
    opened = interface;
    return std::make_unique<can::VirtualCanBus>(network, interface);
  });
  EXPECT_EQ(opened, "vcan-test");
  auto& k = pile->modbus_connector(1);
  ASSERT_NE(k.power_stage(), nullptr);
  EXPECT_EQ(pile->modbus_connector(2).power_stage(), nullptr);
  board->set_pilot(1, Pilot::C);
  k.set_contactor(true);
  k.set_current_limit(12);
  ASSERT_TRUE(wait([&] { return module.state() == can::ModuleState::on && module.output_current_a() == 12.0; }));
  EXPECT_EQ(module.setpoints().back().voltage_v, 450.0);
  // Smart charging's power limit: 4.5 kW at the 450 V output is 10 A in the stage's setpoint.
  k.set_power_limit(4500);
  ASSERT_TRUE(wait([&] { return module.setpoints().back().current_a == 10.0; }));
  k.set_power_limit(9000);
  ASSERT_TRUE(wait([&] { return module.setpoints().back().current_a == 12.0; })) << "and never above the current limit";
  // DC: the pilot asks for digital communication (5 %) while energy is offered.
  ASSERT_TRUE(wait([&] { return board->duty_commanded(1) == io_board::kDutyDigital && k.contactor_closed(); }));

  module.silent = true;
  ASSERT_TRUE(wait_event("fault 1 OtherError"));
  EXPECT_NE(listener.infos.back().find("power stage 1 on vcan-test silent"), std::string::npos) << listener.infos.back();
  EXPECT_FALSE(k.power_stage()->output_commanded());
  ASSERT_TRUE(wait([&] { return !board->contactor_commanded(1); })) << "the contactor opens with the silent module";
  module.silent = false;
  ASSERT_TRUE(wait_event("fault 1 NoError"));
}

TEST_P(ModbusPileTest, AConfigurationThatCannotWorkIsRefusedSayingWhy) {
  auto c = config();
  c.io_board.bus = "rs485";
  EXPECT_EQ(refusal(c), "no Modbus bus named \"rs485\" (buses: lan)");
  c = config();
  c.meters.pop_back();
  EXPECT_EQ(refusal(c), "meters: connector 2 has no meter (every connector needs one)");
  c = config();
  c.meters[1].connector = 1;
  EXPECT_EQ(refusal(c), "meters: connector 1 has two meters");
  c = config();
  c.meters[0].connector = 3;
  EXPECT_EQ(refusal(c), "meters: connector 3 does not exist (the I/O board serves 2)");
  c = config();
  c.meters[0].model = "sdm72";
  EXPECT_NE(refusal(c).find("no meter model \"sdm72\""), std::string::npos);
  c = config();
  c.power_stages.push_back(PowerStageSetup{});
  EXPECT_EQ(refusal(c), "power_stage: the CAN interface is missing");
  c = config();
  c.buses.push_back(c.buses[0]);
  EXPECT_EQ(refusal(c), "buses: two buses are named lan");
}

INSTANTIATE_TEST_SUITE_P(Transports, ModbusPileTest, ::testing::Values(false, true), transport_name);

}  // namespace
}  // namespace ocpp::hal::modbus
