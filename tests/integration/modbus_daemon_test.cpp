// ocpp-chargepoint with "hal": {"driver": "modbus"} against the reference CSMS (ocpp-csms-sim), the
// pile's hardware played by a libmodbus slave in this process over Modbus TCP: an ABB B23 meter and
// the I/O board of docs/io-board-modbus.md. A whole session goes through the hardware (plug, card at
// the board's reader, EV ready, stop button), and what the CSMS recorded (StartTransaction,
// MeterValues, StopTransaction) carries exactly the values the meter served.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ocpp/common/base64.hpp"
#include "ocpp/common/datetime.hpp"
#include "support/meter_players.hpp"
#include "support/modbus_test_server.hpp"
#include "support/simulated_board.hpp"
#include "test_emulator.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ocpp::hal::modbus::test::MeterValues;
using ocpp::hal::modbus::test::ModbusTestServer;
using ocpp::hal::modbus::test::Pilot;
using ocpp::hal::modbus::test::SimulatedBoard;

constexpr int kMeterUnit = 1;
constexpr int kBoardUnit = 10;
const std::string kBin = std::string(OCPP_BINARY_DIR) + "/bin/";

// The ports the reference CSMS bound, from its "listening ocpp=PORT http=PORT" line: it is started
// on port 0, so that no other test can take a port between our choosing it and the CSMS binding it.
bool listening_ports(const std::string& output, int& ocpp, int& http) {
  const auto at = output.find("listening ocpp=");
  return at != std::string::npos && std::sscanf(output.c_str() + at, "listening ocpp=%d http=%d", &ocpp, &http) == 2;
}

// A child process with its output in `log`.
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& log) : log_(log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::FILE* out = std::freopen(log.c_str(), "w", stderr);
      if (out == nullptr || ::dup2(::fileno(stderr), STDOUT_FILENO) < 0) std::_Exit(126);
      // Under the cross build's emulator, if any (test_emulator.hpp).
      std::vector<std::string> words = ocpp::test::emulator_argv();
      words.insert(words.end(), argv.begin(), argv.end());
      std::vector<char*> args;
      for (const auto& a : words) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      ::execv(args[0], args.data());
      std::_Exit(127);
    }
  }
  ~Process() { stop(); }
  // SIGTERM and the exit status (-1 if it did not stop within 10 s and was killed).
  int stop() {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 1000; ++i) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        return status_;
      }
      std::this_thread::sleep_for(10ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return status_ = -1;
  }
  std::string output() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string log_;
};

// A request to the CSMS's HTTP API as user t:secret; the body, or "" when it cannot be had.
std::string http_request(int port, const std::string& method, const std::string& path, const std::string& body = {}) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return {};
  }
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " +
                        ocpp::base64_encode("t:secret") + "\r\nConnection: close\r\n";
  if (!body.empty()) {
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return {};
  }
  std::string response;
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    response.append(buffer, static_cast<std::size_t>(n));
    const auto head_end = response.find("\r\n\r\n");
    if (head_end == std::string::npos) continue;
    const auto cl = response.find("Content-Length: ");
    if (cl != std::string::npos && cl < head_end) {
      const std::size_t length = std::stoul(response.substr(cl + 16));
      if (response.size() >= head_end + 4 + length) break;
    }
  }
  ::close(fd);
  const auto head_end = response.find("\r\n\r\n");
  return head_end == std::string::npos ? std::string() : response.substr(head_end + 4);
}

std::string http_get(int port, const std::string& path) { return http_request(port, "GET", path); }

// The duty register's "no PWM" value (docs/io-board-modbus.md): 100.0 %, no current offered.
constexpr int kDutyNoPwm = 1000;

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 15s) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

// The MeterValues payloads the CSMS stored (MeterValues.req and StopTransaction's transactionData).
std::vector<std::string> stored_meter_values(const std::string& database) {
  std::vector<std::string> payloads;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return payloads;
  }
  sqlite3_busy_timeout(db, 2000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT payload FROM meter_values ORDER BY pk", -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) payloads.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return payloads;
}

struct Sampled {
  std::string measurand, phase, value;
};

// Every sampled value in the stored payloads (each a 1.6 MeterValue, or an array of them).
std::vector<Sampled> sampled_values(const std::vector<std::string>& payloads) {
  std::vector<Sampled> out;
  std::function<void(const rapidjson::Value&)> walk = [&](const rapidjson::Value& v) {
    if (v.IsArray()) {
      for (const auto& e : v.GetArray()) walk(e);
    } else if (v.IsObject()) {
      if (v.HasMember("sampledValue")) {
        for (const auto& s : v["sampledValue"].GetArray()) {
          Sampled x;
          x.value = s["value"].GetString();
          x.measurand = s.HasMember("measurand") ? s["measurand"].GetString() : "Energy.Active.Import.Register";
          if (s.HasMember("phase")) x.phase = s["phase"].GetString();
          out.push_back(x);
        }
      } else {
        for (const auto& m : v.GetObject()) walk(m.value);
      }
    }
  };
  for (const auto& p : payloads) {
    rapidjson::Document d;
    d.Parse(p.c_str());
    if (!d.HasParseError()) walk(d);
  }
  return out;
}

class ModbusDaemon : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ocpp-modbus-daemon-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
    server = ModbusTestServer::tcp();
    board = std::make_unique<SimulatedBoard>(*server, kBoardUnit, 1);
    meter = ocpp::hal::modbus::test::shipped_meters()[1];  // abb_b23: integer registers
    ASSERT_EQ(meter.model, "abb_b23");
    served.energy_wh = 1234500;
    for (int p = 0; p < 3; ++p) served.voltage_v[p] = 230.5 + p;
    meter.play(*server, kMeterUnit, served);

    csms = std::make_unique<Process>(std::vector<std::string>{kBin + "ocpp-csms-sim", "--ocpp-listen", "127.0.0.1:0", "--http-listen",
                                                              "127.0.0.1:0", "--database", (dir / "csms.db").string(), "--user", "t:secret"},
                                     (dir / "csms.log").string());
    ASSERT_TRUE(eventually([&] { return listening_ports(csms->output(), csms_port, http_port); }, 10s)) << csms->output();
    ASSERT_TRUE(eventually([&] { return !http_get(http_port, "/api/charge-points").empty(); }, 10s)) << csms->output();

    const std::string config = R"({
      "charge_point_id": "MODBUS-PILE-1",
      "csms_url": "ws://127.0.0.1:)" + std::to_string(csms_port) + R"(",
      "database": ")" + (dir / "cp.db").string() + R"(",
      "control_socket": ")" + (dir / "cp.sock").string() + R"(",
      "connectors": 1,
      "hal": {
        "driver": "modbus",
        "buses": {"lan": {"host": "127.0.0.1", "port": )" + std::to_string(server->port()) + R"(, "response_timeout_ms": 300}},
        "meters": [{"connector": 1, "bus": "lan", "unit": 1, "model": "abb_b23", "poll_interval_ms": 200, "max_power_w": 10000000}],
        "io_board": {"bus": "lan", "unit": 10, "poll_interval_ms": 100}
      },
      "ocpp_config": {"MeterValueSampleInterval": "1",
                      "MeterValuesSampledData": "Energy.Active.Import.Register,Power.Active.Import,Voltage,Current.Import"}
    })";
    std::ofstream(dir / "cp.json") << config;
    cp = std::make_unique<Process>(std::vector<std::string>{kBin + "ocpp-chargepoint", "--config", (dir / "cp.json").string()},
                                   (dir / "cp.log").string());
    ASSERT_TRUE(eventually([&] { return connector_status() == "Available"; })) << cp->output();
  }

  void TearDown() override {
    if (cp) {
      EXPECT_EQ(cp->stop(), 0) << cp->output();
    }
    if (csms) csms->stop();
    board.reset();
    fs::remove_all(dir);
  }

  rapidjson::Document api(const std::string& path) {
    rapidjson::Document d;
    d.Parse(http_get(http_port, path).c_str());
    return d;
  }

  std::string connector_status() {
    const auto d = api("/api/charge-points/MODBUS-PILE-1");
    if (!d.IsObject() || !d.HasMember("connectors")) return {};
    for (const auto& c : d["connectors"].GetArray()) {
      if (c["connector_id"].GetInt() == 1) return c["status"].GetString();
    }
    return {};
  }

  // `ocpp-cpctl status --json`, as an integrator reads it.
  rapidjson::Document cpctl_status() {
    const std::string cmd = ocpp::test::emulator_prefix() + kBin + "ocpp-cpctl --socket " + (dir / "cp.sock").string() + " status --json";
    std::string out;
    if (FILE* f = ::popen(cmd.c_str(), "r")) {
      char buf[4096];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
      ::pclose(f);
    }
    rapidjson::Document d;
    d.Parse(out.c_str());
    return d;
  }

  bool meter_values_show(const std::string& energy) {
    for (const auto& s : sampled_values(stored_meter_values((dir / "csms.db").string()))) {
      if (s.measurand == "Energy.Active.Import.Register" && s.value == energy) return true;
    }
    return false;
  }

  void serve(double energy_wh, double power_w, double current_a) {
    served.energy_wh = energy_wh;
    served.power_w = power_w;
    for (int p = 0; p < 3; ++p) served.current_a[p] = current_a + p;
    meter.play(*server, kMeterUnit, served);
  }

  fs::path dir;
  std::unique_ptr<ModbusTestServer> server;
  std::unique_ptr<SimulatedBoard> board;
  ocpp::hal::modbus::test::MeterPlayer meter;
  MeterValues served;
  int csms_port = 0, http_port = 0;
  std::unique_ptr<Process> csms, cp;
};

TEST_F(ModbusDaemon, ASessionThroughTheHardwareReachesTheCsmsWithTheMetersOwnValues) {
  // Plug: the board reports pilot B.
  board->set_pilot(1, Pilot::B);
  ASSERT_TRUE(eventually([&] { return connector_status() == "Preparing"; })) << cp->output();
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(board->contactor_commanded(1)) << "no contactor before authorization";

  // A card at the board's reader: authorized by the CSMS, the transaction starts on the meter's register.
  board->present_card(1, {0x04, 0xA2, 0xB3, 0xC4});
  ASSERT_TRUE(eventually([&] { return board->contactor_commanded(1) && board->lock_commanded(1); })) << cp->output();
  EXPECT_EQ(board->duty_commanded(1), 533) << "32 A offered";
  EXPECT_FALSE(board->contactor_closed(1)) << "pilot B: the board keeps it open";
  board->set_pilot(1, Pilot::C);  // the EV takes energy
  ASSERT_TRUE(eventually([&] { return board->contactor_closed(1) && connector_status() == "Charging"; })) << cp->output();

  // The meter counts (500 Wh steps: within what max_power_w allows between two polls): its values
  // reach the CSMS as they were served.
  serve(1235000, 7360, 10.5);
  ASSERT_TRUE(eventually([&] { return meter_values_show("1235000"); })) << cp->output();
  serve(1235500, 11040, 16);
  ASSERT_TRUE(eventually([&] { return meter_values_show("1235500"); })) << cp->output();

  // The stop button on the board.
  board->press_stop(1);
  ASSERT_TRUE(eventually([&] {
    const auto t = api("/api/transactions");
    return t.IsArray() && t.Size() == 1 && t[0].HasMember("meter_stop_wh") && t[0]["meter_stop_wh"].IsInt64();
  })) << cp->output();
  const auto t = api("/api/transactions");
  EXPECT_EQ(std::string(t[0]["id_tag"].GetString()), "04A2B3C4");
  EXPECT_EQ(t[0]["meter_start_wh"].GetInt64(), 1234500);
  EXPECT_EQ(t[0]["meter_stop_wh"].GetInt64(), 1235500);
  EXPECT_EQ(std::string(t[0]["stop_reason"].GetString()), "Local");
  ASSERT_TRUE(eventually([&] { return !board->contactor_commanded(1) && !board->lock_commanded(1); }));

  // Every value the CSMS holds is one the meter served, unit for unit.
  std::set<std::string> energies;
  for (const auto& s : sampled_values(stored_meter_values((dir / "csms.db").string()))) {
    if (s.measurand == "Energy.Active.Import.Register") {
      energies.insert(s.value);
      EXPECT_TRUE(s.value == "1235000" || s.value == "1235500" || s.value == "1234500") << s.value;
    } else if (s.measurand == "Power.Active.Import") {
      EXPECT_TRUE(s.value == "7360" || s.value == "11040" || s.value == "0") << s.value;
    } else if (s.measurand == "Voltage") {
      const std::string expected = s.phase == "L1-N" ? "230.5" : s.phase == "L2-N" ? "231.5" : "232.5";
      EXPECT_EQ(s.value, expected) << s.phase;
    } else if (s.measurand == "Current.Import") {
      const int p = s.phase == "L1" ? 0 : s.phase == "L2" ? 1 : 2;
      EXPECT_TRUE(s.value == std::to_string(10 + p) + ".5" || s.value == std::to_string(16 + p) || s.value == std::to_string(p))
          << s.phase << " " << s.value;
    }
  }
  EXPECT_TRUE(energies.count("1235000") == 1 && energies.count("1235500") == 1);
}

// Issue 12: the CSMS's charging profiles reach the pilot's PWM duty on the I/O board (IEC 61851-1
// annex A: duty = A / 0.6; below 6 A no PWM, the EV pauses), through the reference CSMS's call API.
TEST_F(ModbusDaemon, AChargingProfileSetsThePilotsPwmDuty) {
  board->set_pilot(1, Pilot::B);
  ASSERT_TRUE(eventually([&] { return connector_status() == "Preparing"; })) << cp->output();
  board->present_card(1, {0x04, 0xA2, 0xB3, 0xC4});
  ASSERT_TRUE(eventually([&] { return board->contactor_commanded(1); })) << cp->output();
  board->set_pilot(1, Pilot::C);
  ASSERT_TRUE(eventually([&] { return connector_status() == "Charging"; })) << cp->output();
  EXPECT_EQ(board->duty_commanded(1), 533) << "32 A offered before any profile";

  const auto set_profile = [&](int id, double first_a, double then_a) {
    const std::string start = ocpp::format_rfc3339(std::chrono::system_clock::now() - 1s);
    const std::string body = R"({"action":"SetChargingProfile","payload":{"connectorId":0,"csChargingProfiles":{
      "chargingProfileId":)" + std::to_string(id) + R"(,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile",
      "chargingProfileKind":"Absolute","chargingSchedule":{"startSchedule":")" + start + R"(",
      "chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":)" + std::to_string(first_a) +
                             R"(},{"startPeriod":3,"limit":)" + std::to_string(then_a) + R"(}]}}}})";
    return http_request(http_port, "POST", "/api/charge-points/MODBUS-PILE-1/call", body);
  };
  EXPECT_NE(set_profile(1, 16, 10).find("Accepted"), std::string::npos) << csms->output();
  ASSERT_TRUE(eventually([&] { return board->duty_commanded(1) == 266; })) << "16 A: 26.6 %" << cp->output();
  ASSERT_TRUE(eventually([&] { return board->duty_commanded(1) == 166; }, 10s)) << "10 A, 3 s later: 16.6 %";
  EXPECT_EQ(connector_status(), "Charging");
  // 5 A cannot be signalled: no PWM, and the CSMS hears why the EV stopped drawing.
  EXPECT_NE(set_profile(1, 5, 5).find("Accepted"), std::string::npos);
  ASSERT_TRUE(eventually([&] { return board->duty_commanded(1) == kDutyNoPwm; })) << cp->output();
  ASSERT_TRUE(eventually([&] { return connector_status() == "SuspendedEVSE"; })) << cp->output();
}

TEST_F(ModbusDaemon, ASilentMeterFaultsTheConnectorAndTheStopKeepsTheLastRegister) {
  board->set_pilot(1, Pilot::C);
  board->present_card(1, {0x11, 0x22, 0x33, 0x44});
  ASSERT_TRUE(eventually([&] { return connector_status() == "Charging"; })) << cp->output();
  serve(1235000, 7360, 10.5);
  ASSERT_TRUE(eventually([&] { return meter_values_show("1235000"); })) << cp->output();
  server->misbehave(kMeterUnit, ocpp::hal::modbus::test::Misbehaviour::silent);
  ASSERT_TRUE(eventually([&] { return connector_status() == "Faulted"; })) << cp->output();
  const auto d = api("/api/charge-points/MODBUS-PILE-1");
  for (const auto& c : d["connectors"].GetArray()) {
    if (c["connector_id"].GetInt() == 1) {
      EXPECT_EQ(std::string(c["error_code"].GetString()), "PowerMeterFailure");
    }
  }
  // The transaction ended on the last register the meter gave, not on an older sample.
  ASSERT_TRUE(eventually([&] {
    const auto t = api("/api/transactions");
    return t.IsArray() && t.Size() == 1 && t[0].HasMember("meter_stop_wh") && t[0]["meter_stop_wh"].IsInt64();
  })) << cp->output();
  // The full reason is the integrator's (the CSMS got a short one within 1.6's 50 characters).
  const auto st = cpctl_status();
  ASSERT_TRUE(st.IsObject() && st.HasMember("connectors")) << cp->output();
  const auto& c1 = st["connectors"][0];
  ASSERT_TRUE(c1.HasMember("error_info"));
  EXPECT_NE(std::string(c1["error_info"].GetString()).find("meter of connector 1 (abb_b23, unit 1 on"), std::string::npos)
      << c1["error_info"].GetString();
  const auto t = api("/api/transactions");
  EXPECT_EQ(t[0]["meter_stop_wh"].GetInt64(), 1235000);
  EXPECT_FALSE(board->contactor_commanded(1));
  // The meter answers again: the connector recovers.
  server->misbehave(kMeterUnit, ocpp::hal::modbus::test::Misbehaviour::none);
  ASSERT_TRUE(eventually([&] { const auto s = connector_status(); return s == "Finishing" || s == "Preparing" || s == "Available"; }))
      << cp->output();
}

// Issue 14: Charging comes from the contactor's feedback. A contactor that never closes is never
// reported Charging; after contactor_timeout_ms it faults PowerSwitchFailure and the transaction
// stops (the fault clears at once: commanded open, the contactor is as it should be).
TEST_F(ModbusDaemon, AContactorThatNeverClosesIsNeverReportedCharging) {
  board->break_contactor(1, true);
  board->set_pilot(1, Pilot::C);
  board->present_card(1, {0x55, 0x66, 0x77, 0x88});
  bool charging = false;
  ASSERT_TRUE(eventually([&] {
    charging = charging || connector_status() == "Charging";
    const auto t = api("/api/transactions");
    return t.IsArray() && t.Size() == 1 && t[0].HasMember("meter_stop_wh") && t[0]["meter_stop_wh"].IsInt64();
  })) << cp->output();
  EXPECT_FALSE(charging) << "Charging reported from the command, not from the feedback";
  EXPECT_NE(cp->output().find("PowerSwitchFailure: connector 1: the contactor did not close within 1000 ms"), std::string::npos);
  EXPECT_FALSE(board->contactor_commanded(1));
}

// Issue 14: a pile-wide fault's reason is in `ocpp-cpctl status` for the pile and each connector.
TEST_F(ModbusDaemon, TheEmergencyStopsReasonIsShown) {
  board->set_emergency_stop(true);
  ASSERT_TRUE(eventually([&] { return connector_status() == "Faulted"; })) << cp->output();
  const auto st = cpctl_status();
  ASSERT_TRUE(st.IsObject() && st.HasMember("pile_error_info")) << cp->output();
  EXPECT_EQ(std::string(st["pile_error_info"].GetString()), "emergency stop pressed");
  EXPECT_EQ(std::string(st["connectors"][0]["error_info"].GetString()), "emergency stop pressed");
  board->set_emergency_stop(false);
  ASSERT_TRUE(eventually([&] { return connector_status() == "Available"; })) << cp->output();
}

}  // namespace
