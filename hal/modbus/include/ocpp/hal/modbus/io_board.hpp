#pragma once
// The pile's I/O board on a Modbus bus (docs/io-board-modbus.md): control pilot, PWM, contactor
// and lock with their feedback, emergency stop, RFID reader, keypad and stop button, for up to 8
// connectors. One poll writes the commands and the watchdog, then reads everything; a command
// triggers a poll at once. Everything the board says reaches IoBoardListener on the loop thread.
//
// Failure handling (issue 7):
// - no usable answer (timeout, malformed, wrong map version) failures_before_fault polls in a
//   row, or a heartbeat counter that stopped: OtherError on the whole pile (connector 0);
// - contactor feedback that disagrees with what was commanded for contactor_timeout:
//   PowerSwitchFailure ("welded contact" when it is closed but should be open);
// - lock feedback that disagrees for lock_timeout: ConnectorLockFailure;
// - the board's fault flags: GroundFailure (residual current), OverCurrentFailure,
//   HighTemperature, ReaderFailure; the emergency stop: OtherError on the whole pile.
// Each clears when the board says so again. Every fault comes with a short reason that fits 1.6's
// 50-character `info` and a full one for the log and `ocpp-cpctl status` (issue 14).
//
// Lock before power (issue 14; IEC 61851-1's locking of the plug in a mode 3 socket-outlet, clause
// not confirmed against the standard's text): with a lock,
// the contactor command written to the board is 1 only once the lock's feedback, read after a
// write that commanded it locked, says locked; the lock command written is 0 only once the
// contactor's feedback, read after a write that commanded it open, says open. A jammed lock
// therefore never gets the contactor closed, and a welded contact keeps the cable locked.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/hal.hpp"
#include "ocpp/hal/modbus/fault_set.hpp"
#include "ocpp/hal/modbus/modbus_bus.hpp"

namespace ocpp::hal::modbus {

struct IoBoardConfig {
  int unit = 1;
  int connectors = 1;  // served by this board, 1..8
  std::chrono::milliseconds poll_interval{250};
  int failures_before_fault = 3;
  std::chrono::milliseconds heartbeat_timeout{3000};
  std::chrono::milliseconds contactor_timeout{1000};
  std::chrono::milliseconds lock_timeout{2000};
  bool has_lock = true;  // false: tethered cables, nothing to lock (lock feedback is ignored)
  std::string label = "I/O board";
};

// What the board tells; connector 0 is the whole pile. Called on the loop thread.
class IoBoardListener {
 public:
  virtual ~IoBoardListener() = default;
  virtual void board_pilot(ConnectorId connector, PilotState state) = 0;
  virtual void board_id(ConnectorId connector, const std::string& uid_hex) = 0;
  virtual void board_code(ConnectorId connector, const std::string& digits) = 0;
  virtual void board_stop(ConnectorId connector) = 0;
  // `info` is the short reason (at most kMaxInfo characters), `detail` the full one.
  virtual void board_fault(ConnectorId connector, FaultSource source, ErrorCode code, const std::string& info,
                           const std::string& detail) = 0;
  // The contactor's feedback changed: the power path is closed (or open) as the board measures it.
  virtual void board_power_path(ConnectorId connector, bool closed) = 0;
};

enum class LockFeedback : std::uint16_t { unlocked = 0, locked = 1, moving = 2 };

// 1.6 StatusNotification.info is CiString50: every short reason fits.
constexpr std::size_t kMaxInfo = 50;

class IoBoard {
 public:
  // Throws std::invalid_argument for a unit outside 1..247, connectors outside 1..8, a poll
  // interval < 50 ms or timeouts that are not > 0.
  IoBoard(EventLoop& loop, ModbusBus& bus, IoBoardConfig config, IoBoardListener& listener);
  ~IoBoard();
  IoBoard(const IoBoard&) = delete;
  IoBoard& operator=(const IoBoard&) = delete;

  // One poll, waiting for its answer: for the start-up state before the event loop runs. Polls
  // write nothing until the board has answered once (the interlock needs its feedback first).
  void read_now();
  // Polls every poll_interval from now on.
  void start();

  // Commands, for connector 1..connectors. Each is written at a poll that starts at once.
  void command_contactor(ConnectorId c, bool closed);
  void command_duty(ConnectorId c, std::uint16_t duty_tenths);
  void command_lock(ConnectorId c, bool locked);

  // What was commanded.
  bool contactor_commanded(ConnectorId c) const { return at(c).contactor_cmd; }
  std::uint16_t duty_commanded(ConnectorId c) const { return at(c).duty_cmd; }
  bool lock_commanded(ConnectorId c) const { return at(c).lock_cmd; }
  // What the last write sent to the board: the commands after the lock/contactor interlock.
  bool contactor_written(ConnectorId c) const { return at(c).contactor_out; }
  bool lock_written(ConnectorId c) const { return at(c).lock_out; }
  // What the board said at its last good answer (before any: pilot A, all open).
  PilotState pilot(ConnectorId c) const { return at(c).pilot; }
  bool contactor_closed(ConnectorId c) const { return at(c).contactor_fb; }
  LockFeedback lock(ConnectorId c) const { return at(c).lock_fb; }
  std::uint16_t duty_applied(ConnectorId c) const { return at(c).duty_fb; }

  // False while the board does not answer or its heartbeat is stuck.
  bool answering() const { return !silent_ && !stuck_; }
  std::uint16_t firmware_version() const { return firmware_; }
  int connectors() const { return config_.connectors; }
  const IoBoardConfig& config() const { return config_; }
  std::string name() const;
  std::uint64_t polls() const { return polls_; }

 private:
  struct Channel {
    bool contactor_cmd = false;
    std::uint16_t duty_cmd = 1000;
    bool lock_cmd = false;
    bool contactor_out = false;  // as written by the last job (the interlock's result)
    bool lock_out = false;
    bool lock_held = false;      // a read after a write of lock = 1 said locked
    bool open_seen = true;       // a read after a write of contactor = 0 said open (nothing closed at start)
    bool close_waits = false;    // the interlock holds the contactor's close back (for the log)
    bool unlock_waits = false;   // the interlock holds the unlock back (for the log)
    SteadyTime contactor_expect_since{};  // when what the contactor should be last changed
    SteadyTime lock_cmd_since{};          // when the lock output last changed
    PilotState pilot = PilotState::A;
    bool contactor_fb = false;
    LockFeedback lock_fb = LockFeedback::unlocked;
    std::uint16_t duty_fb = 1000;
    std::uint16_t faults = 0;
    std::uint16_t stop_count = 0;
    std::uint16_t rfid_count = 0;
    std::uint16_t keypad_count = 0;
  };
  const Channel& at(ConnectorId c) const;
  Channel& at(ConnectorId c);

  Job job();
  // The write of a poll: the watchdog and every connector's commands, after the interlock.
  WriteRegisters commands();
  // The interlock: what may be written for the contactor and the lock now.
  bool contactor_output(const Channel& ch) const;
  bool lock_output(const Channel& ch) const;
  void poll();
  void kick();
  void handle(const JobResult& result);
  void failed(const std::string& error);
  // "" when the registers make sense, else what does not.
  std::string check(const std::vector<std::uint16_t>& in) const;
  void apply(const std::vector<std::uint16_t>& in, SteadyTime now);
  void apply_channel(ConnectorId c, const std::uint16_t* block, bool events, SteadyTime now);
  void report(ConnectorId c, FaultSource source, ErrorCode code, const std::string& info, const std::string& detail = {});
  void check_contactor(ConnectorId c, Channel& ch, SteadyTime now);
  void check_lock(ConnectorId c, Channel& ch, SteadyTime now);
  void counter_events(ConnectorId c, Channel& ch, const std::uint16_t* block, bool events);

  EventLoop& loop_;
  ModbusBus& bus_;
  const IoBoardConfig config_;
  IoBoardListener& listener_;
  std::vector<Channel> channels_;
  TimerId timer_ = 0;
  bool in_flight_ = false;
  bool again_ = false;  // a command came while a poll was in flight: poll again when it is back
  std::uint16_t watchdog_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);

  bool baseline_ = false;  // counters known: changes from here on are events
  int failure_streak_ = 0;
  bool silent_ = false;
  bool stuck_ = false;
  std::uint16_t heartbeat_ = 0;
  SteadyTime heartbeat_since_{};
  std::uint16_t firmware_ = 0;
  std::uint64_t polls_ = 0;
  // What this board has reported, per connector (0: the pile) and source, to report changes only.
  std::vector<std::array<Fault, static_cast<std::size_t>(FaultSource::count_)>> reported_;
};

}  // namespace ocpp::hal::modbus
