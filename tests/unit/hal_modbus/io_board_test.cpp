// The I/O board map of docs/io-board-modbus.md served by a libmodbus slave in the test process
// (over TCP and over RTU through a pty), with the board's firmware simulated: plug (pilot B), EV
// ready (pilot C), a contactor that closes only when commanded, lock feedback, a welded contact,
// an emergency stop, cards, codes, the stop button; timeouts and malformed answers fault the pile
// and it recovers.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "loop_runner.hpp"
#include "ocpp/hal/modbus/io_board.hpp"
#include "ocpp/hal/modbus/io_board_map.hpp"
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
using test::SimulatedBoard;

constexpr int kIoBoardUnit = 3;

class Recorder : public IoBoardListener {
 public:
  void board_pilot(ConnectorId c, PilotState s) override { add("pilot " + std::to_string(c) + " " + std::string(to_string(s))); }
  void board_id(ConnectorId c, const std::string& uid) override { add("id " + std::to_string(c) + " " + uid); }
  void board_code(ConnectorId c, const std::string& digits) override { add("code " + std::to_string(c) + " " + digits); }
  void board_stop(ConnectorId c) override { add("stop " + std::to_string(c)); }
  void board_fault(ConnectorId c, FaultSource s, ErrorCode code, const std::string& info, const std::string& detail) override {
    add("fault " + std::to_string(c) + " " + std::string(to_string(s)) + " " + std::string(to_string(code)));
    last_info = info;
    last_detail = detail;
    if (code != ErrorCode::NoError) reasons.emplace_back(info, detail);
  }
  void board_power_path(ConnectorId c, bool closed) override { add("power " + std::to_string(c) + (closed ? " closed" : " open")); }
  bool saw(const std::string& e) const { return std::find(events.begin(), events.end(), e) != events.end(); }
  int count(const std::string& e) const { return static_cast<int>(std::count(events.begin(), events.end(), e)); }
  std::vector<std::string> events;
  std::string last_info;
  std::string last_detail;
  std::vector<std::pair<std::string, std::string>> reasons;  // (info, detail) of every fault raised

 private:
  void add(std::string e) { events.push_back(std::move(e)); }
};

class IoBoardTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { make(); }
  void TearDown() override {
    board.reset();
    bus.reset();
  }

  void make(IoBoardConfig config = defaults()) {
    const bool rtu = GetParam();
    server = rtu ? ModbusTestServer::rtu(kIoBoardUnit) : ModbusTestServer::tcp();
    sim = std::make_unique<SimulatedBoard>(*server, kIoBoardUnit, config.connectors);
    BusConfig b;
    b.name = "io";
    if (rtu) {
      b.link = RtuLink{server->device(), 115200, 'N', 8, 1};
    } else {
      b.link = TcpLink{"127.0.0.1", server->port()};
    }
    b.response_timeout = 150ms;
    bus = std::make_unique<ModbusBus>(loop, b);
    board = std::make_unique<IoBoard>(loop, *bus, config, recorder);
    board->read_now();
    board->start();
  }

  static IoBoardConfig defaults() {
    IoBoardConfig c;
    c.unit = kIoBoardUnit;
    c.connectors = 2;
    c.poll_interval = 100ms;
    c.heartbeat_timeout = 1000ms;
    c.contactor_timeout = 300ms;
    c.lock_timeout = 400ms;
    return c;
  }

  bool wait(const std::function<bool()>& done, std::chrono::milliseconds limit = 5s) { return run_until(loop, done, limit); }
  bool wait_event(const std::string& e) { return wait([&] { return recorder.saw(e); }); }
  // Lets `n` polls go by.
  void polls(int n) {
    const auto until = board->polls() + static_cast<std::uint64_t>(n);
    wait([&] { return board->polls() >= until; });
  }

  transport::LwsLoop loop;
  std::unique_ptr<ModbusTestServer> server;
  std::unique_ptr<SimulatedBoard> sim;
  std::unique_ptr<ModbusBus> bus;
  Recorder recorder;
  std::unique_ptr<IoBoard> board;
};

TEST_P(IoBoardTest, PlugEvReadyAndAContactorThatClosesOnlyWhenCommanded) {
  EXPECT_EQ(board->pilot(1), PilotState::A);
  EXPECT_EQ(board->firmware_version(), 0x0102);
  sim->set_pilot(1, Pilot::B);
  ASSERT_TRUE(wait_event("pilot 1 B"));
  sim->set_pilot(1, Pilot::C);
  ASSERT_TRUE(wait_event("pilot 1 C"));
  polls(3);
  EXPECT_FALSE(sim->contactor_closed(1)) << "the EV is ready, but nobody commanded the contactor";
  EXPECT_FALSE(board->contactor_closed(1));

  board->command_contactor(1, true);
  board->command_duty(1, io_board::duty_for_current(16));
  ASSERT_TRUE(wait([&] { return board->contactor_closed(1) && board->duty_applied(1) == 266; }));
  EXPECT_TRUE(sim->contactor_commanded(1));
  EXPECT_EQ(sim->duty_commanded(1), 266);  // 26.6 %: 15.96 A, never more than 16
  EXPECT_FALSE(sim->contactor_commanded(2));

  // The EV suspends (C -> B): the board opens on its own, and that is no fault.
  sim->set_pilot(1, Pilot::B);
  ASSERT_TRUE(wait([&] { return !board->contactor_closed(1); }));
  polls(5);
  board->command_contactor(1, false);
  sim->set_pilot(1, Pilot::A);
  ASSERT_TRUE(wait_event("pilot 1 A"));
  polls(2);
  for (const auto& e : recorder.events) EXPECT_EQ(e.rfind("fault", 0) == 0 && e.find("NoError") == std::string::npos, false) << e;
}

TEST_P(IoBoardTest, ACommandIsWrittenAtOnceNotAtTheNextPoll) {
  board.reset();
  IoBoardConfig slow = defaults();
  slow.poll_interval = 5000ms;
  board = std::make_unique<IoBoard>(loop, *bus, slow, recorder);
  board->read_now();
  board->start();
  const auto started = std::chrono::steady_clock::now();
  board->command_lock(2, true);
  ASSERT_TRUE(wait([&] { return sim->lock_commanded(2); }, 2s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST_P(IoBoardTest, AWeldedContactFaultsWithPowerSwitchFailureAndClearsWhenItOpens) {
  sim->set_pilot(1, Pilot::C);
  board->command_contactor(1, true);
  ASSERT_TRUE(wait([&] { return board->contactor_closed(1); }));
  sim->weld(1, true);
  board->command_contactor(1, false);
  ASSERT_TRUE(wait_event("fault 1 contactor PowerSwitchFailure"));
  EXPECT_EQ(recorder.last_info, "welded contactor: closed while commanded open");
  EXPECT_EQ(recorder.last_detail,
            "connector 1: welded contact: the contactor is closed while it should be open; the lock stays locked while the "
            "socket is live");
  EXPECT_TRUE(board->contactor_closed(1));
  sim->weld(1, false);
  ASSERT_TRUE(wait_event("fault 1 contactor NoError"));
}

TEST_P(IoBoardTest, AContactorThatDoesNotCloseFaults) {
  sim->break_contactor(2, true);
  sim->set_pilot(2, Pilot::C);
  board->command_contactor(2, true);
  ASSERT_TRUE(wait_event("fault 2 contactor PowerSwitchFailure"));
  EXPECT_EQ(recorder.last_info, "contactor did not close");
  EXPECT_EQ(recorder.last_detail, "connector 2: the contactor did not close within 300 ms");
  board->command_contactor(2, false);  // what the core does on a fault
  ASSERT_TRUE(wait_event("fault 2 contactor NoError"));
}

TEST_P(IoBoardTest, LockFeedbackFollowsAndAJammedLockFaults) {
  board->command_lock(1, true);
  ASSERT_TRUE(wait([&] { return board->lock(1) == LockFeedback::locked; }));
  polls(6);
  EXPECT_FALSE(recorder.saw("fault 1 lock ConnectorLockFailure"));
  sim->jam_lock(1, true);
  board->command_lock(1, false);
  ASSERT_TRUE(wait_event("fault 1 lock ConnectorLockFailure"));
  EXPECT_EQ(recorder.last_info, "lock did not release");
  EXPECT_EQ(recorder.last_detail, "connector 1: the lock did not release within 400 ms");
  sim->jam_lock(1, false);
  ASSERT_TRUE(wait_event("fault 1 lock NoError"));
  EXPECT_EQ(board->lock(1), LockFeedback::unlocked);
}

// Issue 14, lock before power (IEC 61851-1, socket-outlets): the contactor closes only once the
// lock's feedback says locked, even though the core commands both within a millisecond.
TEST_P(IoBoardTest, TheContactorClosesOnlyOnceTheLockReportsLocked) {
  sim->set_firmware_interlock(false);  // the controller's interlock alone
  sim->set_lock_travel(300ms);
  sim->set_pilot(1, Pilot::C);
  ASSERT_TRUE(wait_event("pilot 1 C"));
  board->command_lock(1, true);
  board->command_contactor(1, true);
  ASSERT_TRUE(wait([&] { return board->contactor_closed(1); }));
  EXPECT_FALSE(sim->was_live_unlocked(1)) << "the socket was live while its lock was still moving";
  EXPECT_FALSE(sim->was_commanded_unsafely(1));
  EXPECT_EQ(board->lock(1), LockFeedback::locked);
  EXPECT_TRUE(wait_event("power 1 closed"));
  polls(3);
  EXPECT_FALSE(recorder.saw("fault 1 lock ConnectorLockFailure"));
  EXPECT_FALSE(recorder.saw("fault 1 contactor PowerSwitchFailure")) << "a contactor held back for its lock is not late";
}

TEST_P(IoBoardTest, AJammedLockNeverGetsTheContactorClosed) {
  sim->set_firmware_interlock(false);  // the controller's interlock alone
  sim->jam_lock(1, true);
  sim->set_pilot(1, Pilot::C);
  ASSERT_TRUE(wait_event("pilot 1 C"));
  board->command_lock(1, true);
  board->command_contactor(1, true);
  ASSERT_TRUE(wait_event("fault 1 lock ConnectorLockFailure"));
  EXPECT_EQ(recorder.last_info, "lock did not engage");
  polls(3);
  EXPECT_FALSE(sim->contactor_commanded(1)) << "the close went out to a board whose lock is jammed";
  EXPECT_FALSE(sim->was_live_unlocked(1));
  EXPECT_FALSE(board->contactor_closed(1));
  EXPECT_FALSE(recorder.saw("power 1 closed"));
  EXPECT_FALSE(recorder.saw("fault 1 contactor PowerSwitchFailure")) << "the contactor was never asked to close";
}

// The unlock waits for the contactor's feedback to say open, although the core commands both in
// one go.
TEST_P(IoBoardTest, TheLockOpensOnlyOnceTheContactorReportsOpen) {
  sim->set_firmware_interlock(false);  // the controller's interlock alone
  sim->set_contactor_open_delay(250ms);
  sim->set_pilot(1, Pilot::C);
  board->command_lock(1, true);
  board->command_contactor(1, true);
  ASSERT_TRUE(wait([&] { return board->contactor_closed(1); }));
  board->command_contactor(1, false);
  board->command_lock(1, false);
  ASSERT_TRUE(wait([&] { return board->lock(1) == LockFeedback::unlocked; }));
  EXPECT_FALSE(sim->was_live_unlocked(1)) << "the cable was unlocked while the contact was still closed";
  EXPECT_FALSE(sim->was_commanded_unsafely(1));
  EXPECT_TRUE(recorder.saw("power 1 open"));
  EXPECT_FALSE(recorder.saw("fault 1 lock ConnectorLockFailure"));
}

TEST_P(IoBoardTest, AWeldedContactKeepsTheCableLocked) {
  sim->set_firmware_interlock(false);  // the controller's interlock alone
  sim->set_pilot(1, Pilot::C);
  board->command_lock(1, true);
  board->command_contactor(1, true);
  ASSERT_TRUE(wait([&] { return board->contactor_closed(1); }));
  sim->weld(1, true);
  board->command_contactor(1, false);
  board->command_lock(1, false);  // what the core does at the end of a session
  ASSERT_TRUE(wait_event("fault 1 contactor PowerSwitchFailure"));
  polls(6);  // longer than lock_timeout: holding the lock is no lock fault
  EXPECT_TRUE(sim->lock_commanded(1)) << "the unlock went out while a weld keeps the socket live";
  EXPECT_EQ(board->lock(1), LockFeedback::locked);
  EXPECT_FALSE(sim->was_live_unlocked(1));
  EXPECT_FALSE(recorder.saw("fault 1 lock ConnectorLockFailure"));
  EXPECT_FALSE(sim->was_commanded_unsafely(1));
  sim->weld(1, false);  // repaired: the contact opens, then the cable is released
  ASSERT_TRUE(wait([&] { return board->lock(1) == LockFeedback::unlocked; }));
  EXPECT_FALSE(sim->was_live_unlocked(1));
  EXPECT_TRUE(wait_event("fault 1 contactor NoError"));
}

// A controller that restarts while a weld keeps the socket live does not unlock the cable with its
// first write: it reads the board before it writes anything.
TEST_P(IoBoardTest, ARestartedControllerReadsBeforeItWrites) {
  board.reset();
  sim->set_firmware_interlock(false);
  server->set_holding(kIoBoardUnit, SimulatedBoard::command(1) + 2, {1});  // the lock the old controller commanded
  sim->weld(1, true);
  ASSERT_EQ(server->input(kIoBoardUnit, SimulatedBoard::block(1) + 2, 1)[0], 1) << "the lock holds the cable";
  board = std::make_unique<IoBoard>(loop, *bus, defaults(), recorder);
  board->read_now();
  board->start();
  polls(3);
  EXPECT_TRUE(sim->lock_commanded(1)) << "the cable was unlocked while the socket is live";
  EXPECT_FALSE(sim->was_commanded_unsafely(1));
  EXPECT_FALSE(sim->was_live_unlocked(1));
}

// Issue 14: the power path is what the auxiliary contact says, not what was commanded.
TEST_P(IoBoardTest, ThePowerPathFollowsTheFeedbackNotTheCommand) {
  sim->set_pilot(1, Pilot::B);
  ASSERT_TRUE(wait_event("pilot 1 B"));
  board->command_lock(1, true);
  board->command_contactor(1, true);
  polls(4);
  EXPECT_FALSE(recorder.saw("power 1 closed")) << "pilot B: the board keeps the contactor open";
  sim->set_pilot(1, Pilot::C);
  ASSERT_TRUE(wait_event("power 1 closed"));
  sim->set_pilot(1, Pilot::B);  // the EV pauses: the board opens on its own
  ASSERT_TRUE(wait_event("power 1 open"));
}

// Issue 14: every reason the board gives fits 1.6's 50-character info; the full one is the detail.
TEST_P(IoBoardTest, EveryReasonFitsOcpp16Info) {
  sim->set_emergency_stop(true);
  ASSERT_TRUE(wait_event("fault 0 emergency_stop OtherError"));
  EXPECT_EQ(recorder.last_info, "emergency stop pressed");
  sim->set_emergency_stop(false);
  sim->set_faults(2, 0x0F);
  sim->jam_lock(1, true);
  sim->set_pilot(1, Pilot::C);
  board->command_contactor(1, true);
  sim->break_contactor(2, true);
  sim->set_pilot(2, Pilot::C);
  board->command_contactor(2, true);
  ASSERT_TRUE(wait_event("fault 1 lock ConnectorLockFailure"));
  ASSERT_TRUE(wait_event("fault 2 contactor PowerSwitchFailure"));
  sim->freeze_heartbeat(true);
  ASSERT_TRUE(wait_event("fault 0 board_silent OtherError"));
  server->misbehave(kIoBoardUnit, Misbehaviour::silent);
  ASSERT_TRUE(wait([&] { return !board->answering() && recorder.last_info == "I/O board does not answer"; }) ||
              recorder.last_info == "I/O board heartbeat stuck");
  for (const auto& [info, detail] : recorder.reasons) {
    EXPECT_LE(info.size(), kMaxInfo) << info;
    EXPECT_FALSE(detail.empty()) << info;
  }
  EXPECT_GE(recorder.reasons.size(), 7u);
}

// docs/io-board-modbus.md §3: beyond four connectors the read is split between connectors 4 and
// 5, never inside a connector's block (an event's counter and its data come in one request).
TEST_P(IoBoardTest, BeyondFourConnectorsNoConnectorsBlockIsSplit) {
  board.reset();
  bus.reset();
  sim.reset();
  IoBoardConfig eight = defaults();
  eight.connectors = 8;
  make(eight);
  sim->enter_code(5, "1234567890123456");
  sim->present_card(8, {0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13});
  ASSERT_TRUE(wait_event("code 5 1234567890123456"));
  ASSERT_TRUE(wait_event("id 8 0A0B0C0D0E0F10111213"));
  const auto reads = server->input_reads(kIoBoardUnit);
  ASSERT_FALSE(reads.empty());
  for (const auto& [address, count] : reads) {
    EXPECT_TRUE((address == 0 && count == 104) || (address == 104 && count == 96)) << address << "+" << count;
  }
}

// The controller never writes a duty the map does not define (docs/io-board-modbus.md §4: 50,
// 100-960, 1000; a board answers anything else with an exception).
TEST(PwmDuty, OnlyDefinedValuesAreEverWritten) {
  for (int tenths = -10; tenths <= 1500; ++tenths) {
    const std::uint16_t d = io_board::duty_for_current(tenths / 10.0);
    EXPECT_TRUE(d == 1000 || (d >= 100 && d <= 960)) << tenths / 10.0 << " A: " << d;
  }
}

TEST_P(IoBoardTest, TheEmergencyStopFaultsTheWholePile) {
  sim->set_pilot(1, Pilot::C);
  board->command_contactor(1, true);
  ASSERT_TRUE(wait([&] { return board->contactor_closed(1); }));
  sim->set_emergency_stop(true);
  ASSERT_TRUE(wait_event("fault 0 emergency_stop OtherError"));
  EXPECT_EQ(recorder.last_info, "emergency stop pressed");
  sim->set_emergency_stop(false);
  ASSERT_TRUE(wait_event("fault 0 emergency_stop NoError"));
}

TEST_P(IoBoardTest, TheBoardsFaultFlagsHaveTheirErrorCodes) {
  sim->set_faults(2, 0x01);
  ASSERT_TRUE(wait_event("fault 2 residual_current GroundFailure"));
  sim->set_faults(2, 0x02 | 0x04 | 0x08);
  ASSERT_TRUE(wait_event("fault 2 residual_current NoError"));
  EXPECT_TRUE(recorder.saw("fault 2 over_current OverCurrentFailure"));
  EXPECT_TRUE(recorder.saw("fault 2 over_temperature HighTemperature"));
  EXPECT_TRUE(recorder.saw("fault 2 reader ReaderFailure"));
  EXPECT_FALSE(recorder.saw("fault 1 over_current OverCurrentFailure"));
}

TEST_P(IoBoardTest, CardsCodesAndTheStopButtonAreEventsOnce) {
  sim->present_card(1, {0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7});
  ASSERT_TRUE(wait_event("id 1 04A2B3C4D5E6F7"));
  sim->enter_code(2, "4711081512");
  ASSERT_TRUE(wait_event("code 2 4711081512"));
  sim->press_stop(1);
  ASSERT_TRUE(wait_event("stop 1"));
  polls(4);
  EXPECT_EQ(recorder.count("id 1 04A2B3C4D5E6F7"), 1);
  EXPECT_EQ(recorder.count("stop 1"), 1);
  // The same card again is a new event (its counter moved).
  sim->present_card(1, {0x04, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7});
  ASSERT_TRUE(wait([&] { return recorder.count("id 1 04A2B3C4D5E6F7") == 2; }));
}

TEST_P(IoBoardTest, MalformedCardsAndCodesAreIgnored) {
  sim->present_card(1, {});  // a UID of 0 bytes
  sim->present_card(2, std::vector<std::uint8_t>(11, 0x11));  // 11 bytes: more than the map holds
  sim->enter_code(1, "12a4");
  polls(4);
  sim->enter_code(1, "1234");
  ASSERT_TRUE(wait_event("code 1 1234"));
  for (const auto& e : recorder.events) {
    EXPECT_NE(e.rfind("id ", 0), 0u) << e;
    EXPECT_NE(e, "code 1 12a4");
  }
}

TEST_P(IoBoardTest, ABoardThatStopsAnsweringFaultsThePileAndRecovers) {
  server->misbehave(kIoBoardUnit, Misbehaviour::silent);
  ASSERT_TRUE(wait_event("fault 0 board_silent OtherError"));
  EXPECT_EQ(recorder.last_info, "I/O board does not answer");
  EXPECT_NE(recorder.last_detail.find("I/O board (unit 3 on "), std::string::npos) << recorder.last_detail;
  EXPECT_FALSE(board->answering());
  // Meanwhile, the driver presses stop and plugs in: the board's counters are taken afresh when
  // it answers again (it may have restarted), and the pilot is the state it reports.
  sim->press_stop(1);
  sim->set_pilot(1, Pilot::B);
  server->misbehave(kIoBoardUnit, Misbehaviour::none);
  ASSERT_TRUE(wait_event("fault 0 board_silent NoError"));
  ASSERT_TRUE(wait_event("pilot 1 B"));
  EXPECT_FALSE(recorder.saw("stop 1"));
  EXPECT_TRUE(board->answering());
}

TEST_P(IoBoardTest, EveryMalformedAnswerIsNoAnswer) {
  std::vector<Misbehaviour> cases{Misbehaviour::exception, Misbehaviour::wrong_function, Misbehaviour::truncated,
                                  Misbehaviour::wrong_byte_count};
  if (GetParam()) {
    cases.push_back(Misbehaviour::bad_crc);
    cases.push_back(Misbehaviour::wrong_unit);
  } else {
    cases.push_back(Misbehaviour::wrong_transaction);
  }
  for (const auto m : cases) {
    recorder.events.clear();
    server->misbehave(kIoBoardUnit, m);
    ASSERT_TRUE(wait_event("fault 0 board_silent OtherError")) << "misbehaviour " << static_cast<int>(m);
    server->misbehave(kIoBoardUnit, Misbehaviour::none);
    ASSERT_TRUE(wait_event("fault 0 board_silent NoError")) << "misbehaviour " << static_cast<int>(m);
  }
}

TEST_P(IoBoardTest, AFrozenHeartbeatIsAStuckFirmware) {
  sim->freeze_heartbeat(true);
  ASSERT_TRUE(wait_event("fault 0 board_silent OtherError"));
  EXPECT_EQ(recorder.last_info, "I/O board heartbeat stuck");
  EXPECT_NE(recorder.last_detail.find("heartbeat counter stuck"), std::string::npos) << recorder.last_detail;
  EXPECT_FALSE(board->answering());
  sim->freeze_heartbeat(false);
  ASSERT_TRUE(wait_event("fault 0 board_silent NoError"));
}

TEST_P(IoBoardTest, ARestartedBoardGetsItsCommandsBackAndInventsNoEvents) {
  sim->press_stop(1);
  sim->present_card(2, {0x01, 0x02, 0x03, 0x04});
  ASSERT_TRUE(wait_event("stop 1"));
  ASSERT_TRUE(wait_event("id 2 01020304"));
  sim->set_pilot(1, Pilot::C);
  board->command_contactor(1, true);
  board->command_duty(1, 533);
  ASSERT_TRUE(wait([&] { return board->contactor_closed(1); }));
  // A restart is told by the heartbeat starting again from 0: let it have counted first (a real
  // board takes longer than that to boot anyway).
  ASSERT_TRUE(wait([&] { return sim->heartbeat() >= 2 && board->polls() >= 3; }));
  polls(1);
  recorder.events.clear();
  sim->restart();  // counters and outputs back to 0, heartbeat from 0
  ASSERT_TRUE(wait([&] { return sim->contactor_commanded(1) && sim->duty_commanded(1) == 533; }));
  polls(4);
  for (const auto& e : recorder.events) ADD_FAILURE() << "invented: " << e;
}

TEST_P(IoBoardTest, AnotherMapVersionOrAnImpossibleValueIsAFault) {
  sim->set_map_version(2);
  ASSERT_TRUE(wait_event("fault 0 board_silent OtherError"));
  EXPECT_EQ(recorder.last_info, "I/O board does not answer");
  EXPECT_NE(recorder.last_detail.find("register map version 2 (this driver speaks version 1"), std::string::npos)
      << recorder.last_detail;
  sim->set_map_version(1);
  ASSERT_TRUE(wait_event("fault 0 board_silent NoError"));
  recorder.events.clear();
  sim->set_raw_pilot(2, 9);
  ASSERT_TRUE(wait_event("fault 0 board_silent OtherError"));
  EXPECT_NE(recorder.last_detail.find("connector 2: pilot register holds 9 (0-5 = A-F expected)"), std::string::npos)
      << recorder.last_detail;
}

TEST_P(IoBoardTest, TheWatchdogChangesAtEveryPoll) {
  std::vector<std::uint16_t> seen;
  wait([&] {
    const auto w = sim->watchdog();
    if (seen.empty() || seen.back() != w) seen.push_back(w);
    return seen.size() >= 4;
  });
  ASSERT_GE(seen.size(), 4u);
}

INSTANTIATE_TEST_SUITE_P(Transports, IoBoardTest, ::testing::Values(false, true), transport_name);

TEST(PwmDuty, IEC61851AnnexA) {
  using io_board::current_for_duty;
  using io_board::duty_for_current;
  EXPECT_EQ(duty_for_current(0), 1000);
  EXPECT_EQ(duty_for_current(5.9), 1000) << "below 6 A nothing can be offered";
  EXPECT_EQ(duty_for_current(std::nan("")), 1000);
  EXPECT_EQ(duty_for_current(6), 100);
  EXPECT_EQ(duty_for_current(16), 266);
  EXPECT_EQ(duty_for_current(18), 300);
  EXPECT_EQ(duty_for_current(32), 533);
  EXPECT_EQ(duty_for_current(51), 850);
  EXPECT_EQ(duty_for_current(52), 850) << "51 A is the most below 52.5 A";
  EXPECT_EQ(duty_for_current(63), 892);
  EXPECT_EQ(duty_for_current(80), 960);
  EXPECT_EQ(duty_for_current(125), 960);
  // What the EV reads never exceeds the limit.
  for (double a = 6; a <= 80; a += 0.25) EXPECT_LE(current_for_duty(duty_for_current(a)), a + 1e-9) << a;
  EXPECT_EQ(current_for_duty(50), 0.0);    // 5 %: digital communication
  EXPECT_EQ(current_for_duty(1000), 0.0);  // no PWM
}

TEST(IoBoardConfigTest, SettingsThatCannotWorkAreRefused) {
  transport::LwsLoop loop;
  BusConfig b;
  b.name = "x";
  b.link = TcpLink{"127.0.0.1", 1};
  ModbusBus bus(loop, b);
  Recorder r;
  auto make = [&](auto change) {
    IoBoardConfig c;
    change(c);
    IoBoard board(loop, bus, c, r);
  };
  EXPECT_THROW(make([](IoBoardConfig& c) { c.connectors = 0; }), std::invalid_argument);
  EXPECT_THROW(make([](IoBoardConfig& c) { c.connectors = 9; }), std::invalid_argument);
  EXPECT_THROW(make([](IoBoardConfig& c) { c.unit = 0; }), std::invalid_argument);
  EXPECT_THROW(make([](IoBoardConfig& c) { c.poll_interval = 10ms; }), std::invalid_argument);
  EXPECT_NO_THROW(make([](IoBoardConfig&) {}));
}

}  // namespace
}  // namespace ocpp::hal::modbus
