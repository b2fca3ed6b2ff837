// Each shipped meter model played by a libmodbus server in the test process, over Modbus TCP on
// loopback and over Modbus RTU through a pseudo-terminal pair, with values changing while it is
// polled; what happens when it stops answering, answers badly, or serves implausible registers.
#include <gtest/gtest.h>

#include <memory>

#include "loop_runner.hpp"
#include "ocpp/hal/modbus/modbus_meter.hpp"
#include "support/meter_players.hpp"
#include "support/modbus_test_server.hpp"

namespace ocpp::hal::modbus {
namespace {

using namespace std::chrono_literals;
using ocpp::test::run_until;
using test::Misbehaviour;
using test::ModbusTestServer;

constexpr int kMeterUnit = 7;

struct MeterCase {
  std::string model;
  bool rtu;
};

std::string case_name(const ::testing::TestParamInfo<MeterCase>& info) {
  return info.param.model + (info.param.rtu ? "_rtu" : "_tcp");
}

test::MeterValues sample_values() {
  test::MeterValues v;
  v.energy_wh = 1234500;  // exact in every model: 1234.5 kWh
  v.power_w = 7360;
  for (int p = 0; p < 3; ++p) {
    v.voltage_v[p] = 230.5 + p;
    v.current_a[p] = 10.5 + p;
  }
  return v;
}

struct SeenFault {
  FaultSource source;
  ErrorCode code;
  std::string info;
  std::optional<MeterReading> reading_meanwhile;  // what read_meter() said while it was reported
};

class MeterFixture {
 protected:
  void make(const std::string& model, bool rtu, MeterConfig config = {}) {
    server = rtu ? ModbusTestServer::rtu(kMeterUnit) : ModbusTestServer::tcp();
    player = find_player(model);
    values = sample_values();
    player.play(*server, kMeterUnit, values);
    BusConfig bus_config;
    bus_config.name = "test";
    if (rtu) {
      bus_config.link = RtuLink{server->device(), 115200, 'N', 8, 1};
    } else {
      bus_config.link = TcpLink{"127.0.0.1", server->port()};
    }
    bus_config.response_timeout = 150ms;
    bus = std::make_unique<ModbusBus>(loop, bus_config);
    config.unit = kMeterUnit;
    config.poll_interval = 100ms;
    if (config.max_power_w == MeterConfig{}.max_power_w) config.max_power_w = 1e7;  // values jump in tests
    meter = std::make_unique<ModbusMeter>(loop, *bus, load_meter_model(find_meter_model(model, {kDir})), config,
                                          [this](FaultSource s, ErrorCode c, const std::string& info) {
                                            faults.push_back({s, c, info, meter->reading()});
                                          });
  }

  static test::MeterPlayer find_player(const std::string& model) {
    for (auto& p : test::shipped_meters()) {
      if (p.model == model) return p;
    }
    ADD_FAILURE() << "no player for " << model;
    return {};
  }

  bool wait_fault(ErrorCode code, std::chrono::milliseconds limit = 5s) {
    return run_until(loop, [&] { return !faults.empty() && faults.back().code == code; }, limit);
  }

  void expect_reading(const test::MeterValues& v) {
    const auto r = meter->reading();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->energy_wh, v.energy_wh);
    ASSERT_TRUE(r->power_w.has_value());
    EXPECT_NEAR(*r->power_w, v.power_w, 1e-6);
    for (int p = 0; p < 3; ++p) {
      ASSERT_TRUE(r->voltage_v[p].has_value());
      EXPECT_NEAR(*r->voltage_v[p], v.voltage_v[p], 1e-6);
      ASSERT_TRUE(r->current_a[p].has_value());
      EXPECT_NEAR(*r->current_a[p], v.current_a[p], 1e-6);
    }
  }

  static inline const std::string kDir = std::string(OCPP_SOURCE_DIR) + "/hal/modbus/meters";
  transport::LwsLoop loop;
  std::unique_ptr<ModbusTestServer> server;
  test::MeterPlayer player;
  test::MeterValues values;
  std::unique_ptr<ModbusBus> bus;
  std::unique_ptr<ModbusMeter> meter;
  std::vector<SeenFault> faults;
};

class MeterOverModbus : public MeterFixture, public ::testing::TestWithParam<MeterCase> {
 protected:
  void SetUp() override { make(GetParam().model, GetParam().rtu); }
  void TearDown() override {
    meter.reset();
    bus.reset();
  }
};

TEST_P(MeterOverModbus, ReadsWhatTheMeterServesAndFollowsItWhileCharging) {
  EXPECT_FALSE(meter->reading()) << "nothing before the first poll";
  meter->read_now();
  expect_reading(values);
  meter->start();
  // A transaction draws energy: the registers change between polls.
  for (int step = 1; step <= 3; ++step) {
    values.energy_wh += 500;  // a multiple of every model's resolution, exact as a float of kWh
    values.power_w = 11040;
    values.current_a[0] = 16;
    player.play(*server, kMeterUnit, values);
    const double expected = values.energy_wh;
    ASSERT_TRUE(run_until(loop, [&] { return meter->reading() && meter->reading()->energy_wh == expected; }, 5s))
        << "step " << step;
    expect_reading(values);
  }
  EXPECT_TRUE(faults.empty());
  EXPECT_EQ(meter->stats().failures, 0u);
}

TEST_P(MeterOverModbus, AMeterThatStopsAnsweringFaultsTheConnectorAndRecovers) {
  meter->read_now();
  meter->start();
  server->misbehave(kMeterUnit, Misbehaviour::silent);
  ASSERT_TRUE(wait_fault(ErrorCode::PowerMeterFailure));
  EXPECT_EQ(faults.back().source, FaultSource::meter_silent);
  EXPECT_NE(faults.back().info.find("does not answer"), std::string::npos) << faults.back().info;
  // While the fault is reported, the last good reading still stands (a transaction stopped by it
  // ends on that register); afterwards there is none.
  ASSERT_TRUE(faults.back().reading_meanwhile.has_value());
  EXPECT_EQ(faults.back().reading_meanwhile->energy_wh, values.energy_wh);
  EXPECT_FALSE(meter->reading().has_value());
  EXPECT_TRUE(meter->failed());

  values.energy_wh += 500;  // it counted on while unreachable (1235.0 kWh)
  player.play(*server, kMeterUnit, values);
  server->misbehave(kMeterUnit, Misbehaviour::none);
  ASSERT_TRUE(wait_fault(ErrorCode::NoError));
  ASSERT_TRUE(meter->reading().has_value());
  EXPECT_EQ(meter->reading()->energy_wh, values.energy_wh);
  EXPECT_EQ(faults.size(), 2u);
}

TEST_P(MeterOverModbus, EveryMalformedAnswerIsNoAnswer) {
  meter->read_now();
  meter->start();
  std::vector<Misbehaviour> cases{Misbehaviour::exception, Misbehaviour::wrong_function, Misbehaviour::truncated,
                                  Misbehaviour::wrong_byte_count};
  if (GetParam().rtu) {
    cases.push_back(Misbehaviour::bad_crc);
    cases.push_back(Misbehaviour::wrong_unit);  // on a serial line another slave's answer is not ours
  } else {
    cases.push_back(Misbehaviour::wrong_transaction);
  }
  for (const auto m : cases) {
    faults.clear();
    server->misbehave(kMeterUnit, m);
    ASSERT_TRUE(wait_fault(ErrorCode::PowerMeterFailure)) << "misbehaviour " << static_cast<int>(m);
    EXPECT_EQ(faults.back().source, FaultSource::meter_silent);
    EXPECT_EQ(faults.back().reading_meanwhile->energy_wh, values.energy_wh) << "a bad answer never becomes a reading";
    server->misbehave(kMeterUnit, Misbehaviour::none);
    ASSERT_TRUE(wait_fault(ErrorCode::NoError)) << "misbehaviour " << static_cast<int>(m);
    ASSERT_TRUE(meter->reading());
    EXPECT_EQ(meter->reading()->energy_wh, values.energy_wh);
  }
}

INSTANTIATE_TEST_SUITE_P(ShippedModels, MeterOverModbus,
                         ::testing::Values(MeterCase{"eastron_sdm630", false}, MeterCase{"eastron_sdm630", true},
                                           MeterCase{"abb_b23", false}, MeterCase{"abb_b23", true},
                                           MeterCase{"carlo_gavazzi_em340", false}, MeterCase{"carlo_gavazzi_em340", true}),
                         case_name);

class MeterPlausibility : public MeterFixture, public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override {
    meter.reset();
    bus.reset();
  }
};

TEST_P(MeterPlausibility, AnEnergyRegisterThatGoesBackwardsIsRefusedLoggedAndFaultsWhenItPersists) {
  MeterConfig c;
  c.max_power_w = 22000;
  make(GetParam(), false, c);
  meter->read_now();
  meter->start();
  const double good = values.energy_wh;
  test::MeterValues back = values;
  back.energy_wh -= 1000;
  player.play(*server, kMeterUnit, back);
  ASSERT_TRUE(run_until(loop, [&] { return meter->stats().refusals >= 1; }, 5s));
  ASSERT_TRUE(meter->reading());
  EXPECT_EQ(meter->reading()->energy_wh, good) << "the refused value never shows";
  ASSERT_TRUE(wait_fault(ErrorCode::PowerMeterFailure));
  EXPECT_EQ(faults.back().source, FaultSource::meter_implausible);
  EXPECT_NE(faults.back().info.find("went backwards"), std::string::npos) << faults.back().info;
  EXPECT_EQ(faults.back().reading_meanwhile->energy_wh, good);
  EXPECT_GE(meter->stats().refusals, 3u);
  // It reads sense again (a glitch of its own): accepted, fault cleared.
  player.play(*server, kMeterUnit, values);
  ASSERT_TRUE(wait_fault(ErrorCode::NoError));
  EXPECT_EQ(meter->reading()->energy_wh, good);
}

TEST_P(MeterPlausibility, AJumpNoChargerCouldDeliverIsRefused) {
  MeterConfig c;
  c.max_power_w = 22000;
  c.refusals_before_fault = 2;
  make(GetParam(), false, c);
  meter->read_now();
  meter->start();
  test::MeterValues jump = values;
  jump.energy_wh += 5000000;  // 5 MWh within a poll
  player.play(*server, kMeterUnit, jump);
  ASSERT_TRUE(wait_fault(ErrorCode::PowerMeterFailure));
  EXPECT_NE(faults.back().info.find("jumped"), std::string::npos) << faults.back().info;
  EXPECT_EQ(faults.back().reading_meanwhile->energy_wh, values.energy_wh);
  // The register reads what it read before the glitch: accepted again.
  player.play(*server, kMeterUnit, values);
  ASSERT_TRUE(wait_fault(ErrorCode::NoError));
  EXPECT_EQ(meter->reading()->energy_wh, values.energy_wh);
}

INSTANTIATE_TEST_SUITE_P(ShippedModels, MeterPlausibility,
                         ::testing::Values("eastron_sdm630", "abb_b23", "carlo_gavazzi_em340"));

class MeterValuesOfOneModel : public MeterFixture, public ::testing::Test {
 protected:
  void TearDown() override {
    meter.reset();
    bus.reset();
  }
};

TEST_F(MeterValuesOfOneModel, AFloatEnergyRegisterThatIsNotANumberIsRefused) {
  make("eastron_sdm630", false);
  meter->read_now();
  player.play_raw_energy(*server, kMeterUnit, std::nan(""));
  meter->read_now();
  EXPECT_EQ(meter->stats().refusals, 1u);
  EXPECT_EQ(meter->reading()->energy_wh, values.energy_wh);
}

TEST_F(MeterValuesOfOneModel, ANaNVoltageIsLeftOutOfTheReading) {
  make("eastron_sdm630", false);
  server->set_input(kMeterUnit, 2, test::float_high_first(std::nan("")));  // L2 voltage
  meter->read_now();
  ASSERT_TRUE(meter->reading());
  EXPECT_TRUE(meter->reading()->voltage_v[0].has_value());
  EXPECT_FALSE(meter->reading()->voltage_v[1].has_value());
}

TEST_F(MeterValuesOfOneModel, AbbNotAvailableValuesAreLeftOutAndAnUnavailableEnergyIsRefused) {
  make("abb_b23", false);
  server->set_holding(kMeterUnit, 0x5B0E, {0xFFFF, 0xFFFF});  // current L2: not available (a B21 has one phase)
  meter->read_now();
  ASSERT_TRUE(meter->reading());
  EXPECT_TRUE(meter->reading()->current_a[0].has_value());
  EXPECT_FALSE(meter->reading()->current_a[1].has_value());
  server->set_holding(kMeterUnit, 0x5000, {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF});
  meter->read_now();
  EXPECT_EQ(meter->stats().refusals, 1u);
  EXPECT_EQ(meter->reading()->energy_wh, values.energy_wh);
}

TEST_F(MeterValuesOfOneModel, ANegativeEnergyRegisterIsRefused) {
  make("carlo_gavazzi_em340", false);
  meter->read_now();
  player.play_raw_energy(*server, kMeterUnit, -5);
  meter->read_now();
  EXPECT_EQ(meter->stats().refusals, 1u);
}

TEST_F(MeterValuesOfOneModel, OverTcpAnAnswerIsMatchedByItsTransactionNotItsUnit) {
  make("abb_b23", false);
  // Modbus Messaging on TCP/IP v1.0b §3.1.3: the transaction identifier pairs an answer with its
  // request; the unit identifier routes through gateways. libmodbus 3.1.6 checks the first and
  // not the second, and so does this driver: a gateway that labels its answer with another unit
  // still answered this request. Defined behaviour: accepted.
  meter->read_now();
  meter->start();
  server->misbehave(kMeterUnit, Misbehaviour::wrong_unit);
  values.energy_wh += 500;
  player.play(*server, kMeterUnit, values);
  const double expected = values.energy_wh;
  ASSERT_TRUE(run_until(loop, [&] { return meter->reading() && meter->reading()->energy_wh == expected; }, 5s));
  EXPECT_TRUE(faults.empty());
}

TEST(MeterNotThere, NoServerOnTheTcpPortFaultsWithTheReason) {
  transport::LwsLoop loop;
  BusConfig b;
  b.name = "nobody";
  b.link = TcpLink{"127.0.0.1", 1};  // nothing listens on port 1
  b.response_timeout = 100ms;
  ModbusBus bus(loop, b);
  std::vector<std::string> infos;
  MeterConfig c;
  c.failures_before_fault = 2;
  ModbusMeter meter(loop, bus, load_meter_model(std::string(OCPP_SOURCE_DIR) + "/hal/modbus/meters/abb_b23.json"), c,
                    [&](FaultSource, ErrorCode code, const std::string& info) {
                      if (code == ErrorCode::PowerMeterFailure) infos.push_back(info);
                    });
  meter.read_now();
  EXPECT_TRUE(infos.empty());
  meter.read_now();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_NE(infos[0].find("cannot connect to nobody (127.0.0.1:1)"), std::string::npos) << infos[0];
  EXPECT_FALSE(meter.reading());
}

TEST(MeterNotThere, AMissingSerialDeviceFaultsWithTheReason) {
  transport::LwsLoop loop;
  BusConfig b;
  b.name = "rs485";
  b.link = RtuLink{"/dev/ttyNOPE9", 9600, 'E', 8, 1};
  ModbusBus bus(loop, b);
  std::vector<std::string> infos;
  MeterConfig c;
  c.failures_before_fault = 1;
  ModbusMeter meter(loop, bus, load_meter_model(std::string(OCPP_SOURCE_DIR) + "/hal/modbus/meters/abb_b23.json"), c,
                    [&](FaultSource, ErrorCode, const std::string& info) { infos.push_back(info); });
  meter.read_now();
  ASSERT_EQ(infos.size(), 1u);
  EXPECT_NE(infos[0].find("cannot open rs485 (/dev/ttyNOPE9 9600 8E1)"), std::string::npos) << infos[0];
}

TEST(MeterConfigTest, SettingsThatCannotWorkAreRefused) {
  transport::LwsLoop loop;
  BusConfig b;
  b.name = "x";
  b.link = TcpLink{"127.0.0.1", 1};
  ModbusBus bus(loop, b);
  const auto model = load_meter_model(std::string(OCPP_SOURCE_DIR) + "/hal/modbus/meters/abb_b23.json");
  auto make = [&](auto change) {
    MeterConfig c;
    change(c);
    ModbusMeter m(loop, bus, model, c, nullptr);
  };
  EXPECT_THROW(make([](MeterConfig& c) { c.unit = 0; }), std::invalid_argument);
  EXPECT_THROW(make([](MeterConfig& c) { c.unit = 248; }), std::invalid_argument);
  EXPECT_THROW(make([](MeterConfig& c) { c.poll_interval = 10ms; }), std::invalid_argument);
  EXPECT_THROW(make([](MeterConfig& c) { c.max_power_w = 0; }), std::invalid_argument);
  BusConfig bad = b;
  bad.link = RtuLink{"/dev/ttyS0", 9601, 'N', 8, 1};
  EXPECT_THROW(ModbusBus(loop, bad), std::invalid_argument);
  bad.link = RtuLink{"/dev/ttyS0", 9600, 'X', 8, 1};
  EXPECT_THROW(ModbusBus(loop, bad), std::invalid_argument);
}

}  // namespace
}  // namespace ocpp::hal::modbus
