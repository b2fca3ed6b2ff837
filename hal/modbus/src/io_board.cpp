#include "ocpp/hal/modbus/io_board.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "ocpp/common/log.hpp"
#include "ocpp/hal/modbus/io_board_map.hpp"
#include "log_policy.hpp"

namespace ocpp::hal::modbus {
namespace {

namespace in = io_board::input;
namespace hold = io_board::holding;

using detail::kLoggedPerStreak;

const IoBoardConfig& checked(const IoBoardConfig& c) {
  if (c.unit < 1 || c.unit > 247) throw std::invalid_argument(c.label + ": unit must be 1-247, got " + std::to_string(c.unit));
  if (c.connectors < 1 || c.connectors > io_board::kMaxConnectors) {
    throw std::invalid_argument(c.label + ": a board serves 1-8 connectors, got " + std::to_string(c.connectors));
  }
  if (c.poll_interval < std::chrono::milliseconds{50}) throw std::invalid_argument(c.label + ": poll interval must be >= 50 ms");
  if (c.failures_before_fault < 1) throw std::invalid_argument(c.label + ": failures_before_fault must be >= 1");
  if (c.heartbeat_timeout.count() <= 0 || c.contactor_timeout.count() <= 0 || c.lock_timeout.count() <= 0) {
    throw std::invalid_argument(c.label + ": timeouts must be > 0");
  }
  return c;
}

std::string connector_name(ConnectorId c) { return "connector " + std::to_string(c); }

// docs/io-board-modbus.md §3: the first byte of a byte string is in the high byte of its register.
std::uint8_t byte_at(const std::uint16_t* regs, int i) {
  const std::uint16_t r = regs[i / 2];
  return static_cast<std::uint8_t>(i % 2 == 0 ? r >> 8 : r & 0xFF);
}

std::string uid_hex(const std::uint16_t* regs, int length) {
  // The id tag of a card is its UID in upper-case hex (e.g. "04A2B3C4D5E6F7"): at most 20
  // characters for 10 bytes, within 1.6 idTag's 20.
  std::string text;
  char pair[3];
  for (int i = 0; i < length; ++i) {
    std::snprintf(pair, sizeof pair, "%02X", byte_at(regs, i));
    text += pair;
  }
  return text;
}

// A counter that changed means "happened" (counters wrap, so any difference counts).
bool changed(std::uint16_t before, std::uint16_t now) { return before != now; }

struct FlagMeaning {
  std::uint16_t bit;
  FaultSource source;
  ErrorCode code;
  const char* text;
};
constexpr FlagMeaning kConnectorFlags[] = {
    {io_board::fault_bit::residual_current, FaultSource::residual_current, ErrorCode::GroundFailure, "residual current device tripped"},
    {io_board::fault_bit::over_current, FaultSource::over_current, ErrorCode::OverCurrentFailure, "over-current"},
    {io_board::fault_bit::over_temperature, FaultSource::over_temperature, ErrorCode::HighTemperature, "over-temperature"},
    {io_board::fault_bit::reader, FaultSource::reader, ErrorCode::ReaderFailure, "RFID reader not working"},
};

}  // namespace

IoBoard::IoBoard(EventLoop& loop, ModbusBus& bus, IoBoardConfig config, IoBoardListener& listener)
    : loop_(loop),
      bus_(bus),
      config_(checked(config)),
      listener_(listener),
      channels_(static_cast<std::size_t>(config_.connectors)),
      reported_(static_cast<std::size_t>(config_.connectors + 1)) {
  const SteadyTime now = loop_.clock().steady_now();
  heartbeat_since_ = now;
  for (auto& ch : channels_) {
    ch.contactor_expect_since = now;
    ch.lock_cmd_since = now;
  }
}

IoBoard::~IoBoard() {
  if (timer_ != 0) loop_.cancel(timer_);
}

std::string IoBoard::name() const {
  return config_.label + " (unit " + std::to_string(config_.unit) + " on " + bus_.describe() + ")";
}

const IoBoard::Channel& IoBoard::at(ConnectorId c) const {
  if (c < 1 || c > config_.connectors) throw std::out_of_range(name() + ": no " + connector_name(c));
  return channels_[static_cast<std::size_t>(c - 1)];
}

IoBoard::Channel& IoBoard::at(ConnectorId c) { return const_cast<Channel&>(static_cast<const IoBoard&>(*this).at(c)); }

Job IoBoard::job() {
  Job j;
  j.unit = config_.unit;
  // Nothing is written before the board's state has been read once: the interlock needs the
  // contactor's and the lock's feedback before it may release a lock (docs/io-board-modbus.md §5.3).
  if (baseline_) j.operations.emplace_back(commands());
  // docs/io-board-modbus.md §3: the header and connectors 1-4 in one request (at most 104
  // registers), connectors 5-8 in a second one: a request carries at most 125 registers (Modbus
  // application protocol, function 04) and a connector's block is never split between two
  // requests, so that an event's counter and its data are always read together.
  const int first_end = in::block(std::min(config_.connectors, 4) + 1);
  const int total = in::block(config_.connectors + 1);
  j.operations.emplace_back(ReadRegisters{Table::input, 0, static_cast<std::uint16_t>(first_end)});
  if (total > first_end) {
    j.operations.emplace_back(ReadRegisters{Table::input, static_cast<std::uint16_t>(first_end),
                                            static_cast<std::uint16_t>(total - first_end)});
  }
  return j;
}

WriteRegisters IoBoard::commands() {
  const SteadyTime now = loop_.clock().steady_now();
  // docs/io-board-modbus.md §4: every poll rewrites all commands (a board that restarted gets
  // them back) and a new watchdog value (a board whose controller is gone makes itself safe).
  WriteRegisters write;
  write.address = hold::watchdog;
  write.values.assign(hold::size(config_.connectors), 0);
  write.values[hold::watchdog] = ++watchdog_;
  for (ConnectorId c = 1; c <= config_.connectors; ++c) {
    Channel& ch = at(c);
    const bool lock = lock_output(ch);
    const bool contactor = contactor_output(ch);
    // The fault timers run from the moment an output changes on the board, not from the core's
    // command: a contactor held back by the interlock is not late.
    if (lock != ch.lock_out) ch.lock_cmd_since = now;
    if (contactor != ch.contactor_out) ch.contactor_expect_since = now;
    // Logged once each time the interlock starts holding a command back.
    const bool close_waits = ch.contactor_cmd && !contactor;
    const bool unlock_waits = config_.has_lock && !ch.lock_cmd && !ch.contactor_cmd && lock;
    if (close_waits && !ch.close_waits) log::info("modbus", name() + ": " + connector_name(c) + ": contactor held open until the lock reports locked");
    if (unlock_waits && !ch.unlock_waits) log::info("modbus", name() + ": " + connector_name(c) + ": lock held until the contactor reports open");
    ch.close_waits = close_waits;
    ch.unlock_waits = unlock_waits;
    ch.lock_out = lock;
    ch.contactor_out = contactor;
    const std::size_t base = hold::block(c);
    write.values[base + hold::contactor] = contactor ? 1 : 0;
    write.values[base + hold::duty] = ch.duty_cmd;
    write.values[base + hold::lock] = lock ? 1 : 0;
  }
  return write;
}

bool IoBoard::contactor_output(const Channel& ch) const {
  // Issue 14, IEC 61851-1 (a socket-outlet's plug is locked before it is energised; clause not
  // confirmed): the close goes out only once a read that followed a "lock" write said locked. A
  // lock that stops reporting locked opens the contactor again.
  if (!ch.contactor_cmd) return false;
  return !config_.has_lock || ch.lock_held;
}

bool IoBoard::lock_output(const Channel& ch) const {
  if (!config_.has_lock) return ch.lock_cmd;
  // Issue 14: the plug is released only once a read that followed an "open" write said open; a
  // welded contact (feedback closed) keeps the socket live, so the cable stays locked.
  return ch.lock_cmd || ch.contactor_cmd || ch.contactor_out || !ch.open_seen;
}

void IoBoard::read_now() { handle(bus_.run(job())); }

void IoBoard::start() {
  if (timer_ != 0) loop_.cancel(timer_);
  timer_ = loop_.schedule_after(config_.poll_interval, [this] { poll(); });
}

void IoBoard::poll() {
  timer_ = loop_.schedule_after(config_.poll_interval, [this] { poll(); });
  if (in_flight_) return;  // a slow bus is not queued up further
  kick();
}

void IoBoard::kick() {
  if (in_flight_) {
    again_ = true;
    return;
  }
  in_flight_ = true;
  std::weak_ptr<int> alive = alive_;
  bus_.submit(job(), [this, alive](JobResult result) {
    if (!alive.lock()) return;
    in_flight_ = false;
    handle(result);
    if (again_) {
      again_ = false;
      kick();
    }
  });
}

void IoBoard::command_contactor(ConnectorId c, bool closed) {
  Channel& ch = at(c);
  if (ch.contactor_cmd == closed) return;
  ch.contactor_cmd = closed;
  log::info("modbus", name() + ": " + connector_name(c) + ": contactor commanded " + (closed ? "closed" : "open"));
  kick();
}

void IoBoard::command_duty(ConnectorId c, std::uint16_t duty_tenths) {
  Channel& ch = at(c);
  if (ch.duty_cmd == duty_tenths) return;
  ch.duty_cmd = duty_tenths;
  log::debug("modbus", name() + ": " + connector_name(c) + ": PWM duty " + std::to_string(duty_tenths / 10.0) + " %");
  kick();
}

void IoBoard::command_lock(ConnectorId c, bool locked) {
  Channel& ch = at(c);
  if (ch.lock_cmd == locked) return;
  ch.lock_cmd = locked;
  if (config_.has_lock) log::info("modbus", name() + ": " + connector_name(c) + (locked ? ": lock" : ": unlock"));
  kick();
}

void IoBoard::report(ConnectorId c, FaultSource source, ErrorCode code, const std::string& info, const std::string& detail) {
  Fault& last = reported_[static_cast<std::size_t>(c)][static_cast<std::size_t>(source)];
  const bool fault = code != ErrorCode::NoError;
  const std::string text = fault ? info : std::string();
  const std::string full = fault ? (detail.empty() ? info : detail) : std::string();
  if (last.code == code && last.info == text && last.detail == full) return;
  last.code = code;
  last.info = text;
  last.detail = full;
  const std::string where = c == 0 ? std::string("pile") : connector_name(c);
  if (fault) {
    log::warn("modbus", where + ": " + std::string(to_string(code)) + ": " + full);
  } else {
    log::info("modbus", where + ": " + std::string(to_string(source)) + " cleared");
  }
  listener_.board_fault(c, source, code, text, full);
}

void IoBoard::handle(const JobResult& result) {
  ++polls_;
  if (!result.ok) {
    failed(result.error);
    return;
  }
  std::vector<std::uint16_t> registers;
  for (const auto& r : result.reads) registers.insert(registers.end(), r.begin(), r.end());
  if (const std::string wrong = check(registers); !wrong.empty()) {
    failed("malformed answer: " + wrong);
    return;
  }
  if (failure_streak_ > 0) log::info("modbus", name() + ": answers again after " + std::to_string(failure_streak_) + " failed polls");
  failure_streak_ = 0;
  apply(registers, loop_.clock().steady_now());
}

void IoBoard::failed(const std::string& error) {
  ++failure_streak_;
  if (failure_streak_ <= kLoggedPerStreak) {
    log::warn("modbus", name() + ": no usable answer: " + error +
                            (failure_streak_ == kLoggedPerStreak ? " (further failures are counted, not logged)" : ""));
  }
  if (failure_streak_ >= config_.failures_before_fault && !silent_) {
    silent_ = true;
    // The pile cannot be driven without its board: every connector stops (connector 0).
    report(0, FaultSource::board_silent, ErrorCode::OtherError, "I/O board does not answer", name() + " does not answer: " + error);
  }
}

std::string IoBoard::check(const std::vector<std::uint16_t>& r) const {
  if (r.size() != static_cast<std::size_t>(in::block(config_.connectors + 1))) {
    return std::to_string(r.size()) + " input registers";
  }
  if (r[in::map_version] != io_board::kMapVersion) {
    return "register map version " + std::to_string(r[in::map_version]) + " (this driver speaks version " +
           std::to_string(io_board::kMapVersion) + ", docs/io-board-modbus.md)";
  }
  if (r[in::connectors] < config_.connectors) {
    return "the board serves " + std::to_string(r[in::connectors]) + " connectors, the configuration has " +
           std::to_string(config_.connectors);
  }
  if (r[in::emergency_stop] > 1) return "emergency stop register holds " + std::to_string(r[in::emergency_stop]);
  for (ConnectorId c = 1; c <= config_.connectors; ++c) {
    const std::uint16_t* b = r.data() + in::block(c);
    const std::string where = connector_name(c) + ": ";
    if (b[in::pilot] > 5) return where + "pilot register holds " + std::to_string(b[in::pilot]) + " (0-5 = A-F expected)";
    if (b[in::contactor] > 1) return where + "contactor feedback holds " + std::to_string(b[in::contactor]);
    if (b[in::lock] > 2) return where + "lock feedback holds " + std::to_string(b[in::lock]);
  }
  return {};
}

void IoBoard::apply(const std::vector<std::uint16_t>& r, SteadyTime now) {
  firmware_ = r[in::firmware_version];
  // docs/io-board-modbus.md §3: a board that restarted counts its heartbeat from 0 again; its
  // event counters restart too, so they are taken as they are (no events) instead of compared.
  const std::uint16_t hb = r[in::heartbeat];
  const bool restarted = baseline_ && hb < heartbeat_ && heartbeat_ - hb < 0x8000;
  if (restarted) {
    log::warn("modbus", name() + ": the board restarted (heartbeat " + std::to_string(heartbeat_) + " -> " + std::to_string(hb) +
                            "); its commands are written again");
    // Its outputs dropped with it and come back with this poll's commands: the contactor and the
    // lock get their timeouts afresh before a disagreement is a fault.
    for (auto& ch : channels_) {
      ch.contactor_expect_since = now;
      ch.lock_cmd_since = now;
    }
  }
  // After a silence the counters are taken as they are: the board may have restarted meanwhile.
  const bool events = baseline_ && !restarted && !silent_;
  if (!baseline_ || hb != heartbeat_ || silent_) {
    heartbeat_ = hb;
    heartbeat_since_ = now;
  }
  silent_ = false;
  // An answer with a heartbeat that stopped moving comes from a firmware whose main loop is stuck
  // (its Modbus stack answers from an interrupt): as good as silent.
  const bool now_stuck = now - heartbeat_since_ > config_.heartbeat_timeout;
  if (now_stuck) {
    report(0, FaultSource::board_silent, ErrorCode::OtherError, "I/O board heartbeat stuck",
           name() + ": heartbeat counter stuck at " + std::to_string(hb) + " for more than " +
               std::to_string(config_.heartbeat_timeout.count()) + " ms (firmware not running)");
  } else {
    report(0, FaultSource::board_silent, ErrorCode::NoError, {});
  }
  stuck_ = now_stuck;

  report(0, FaultSource::emergency_stop, r[in::emergency_stop] == 1 ? ErrorCode::OtherError : ErrorCode::NoError,
         "emergency stop pressed");
  report(0, FaultSource::over_temperature, (r[in::board_faults] & 0x01) != 0 ? ErrorCode::HighTemperature : ErrorCode::NoError,
         "I/O board over-temperature", name() + ": board over-temperature");
  for (ConnectorId c = 1; c <= config_.connectors; ++c) apply_channel(c, r.data() + in::block(c), events, now);
  baseline_ = true;
}

void IoBoard::apply_channel(ConnectorId c, const std::uint16_t* b, bool events, SteadyTime now) {
  Channel& ch = at(c);
  const std::string where = connector_name(c);

  // Faults first: a fault that comes with an unplug is known when the unplug is handled.
  for (const auto& f : kConnectorFlags) {
    report(c, f.source, (b[in::faults] & f.bit) != 0 ? f.code : ErrorCode::NoError, f.text, where + ": " + f.text);
  }
  ch.faults = b[in::faults];

  const auto pilot = static_cast<PilotState>(b[in::pilot]);
  const bool pilot_changed = pilot != ch.pilot;
  const bool was_powered = ch.contactor_out && (ch.pilot == PilotState::C || ch.pilot == PilotState::D);
  ch.pilot = pilot;
  const bool powered = ch.contactor_out && (pilot == PilotState::C || pilot == PilotState::D);
  if (powered != was_powered) ch.contactor_expect_since = now;
  const bool was_closed = ch.contactor_fb;
  ch.contactor_fb = b[in::contactor] == 1;
  ch.lock_fb = static_cast<LockFeedback>(b[in::lock]);
  ch.duty_fb = b[in::duty];
  // This read followed the write of contactor_out and lock_out (one job: write, then read).
  ch.lock_held = ch.lock_out && ch.lock_fb == LockFeedback::locked;
  ch.open_seen = !ch.contactor_out && !ch.contactor_fb;
  // An interlock that now lets an output change is written at once, not a poll later.
  if (contactor_output(ch) != ch.contactor_out || lock_output(ch) != ch.lock_out) again_ = true;

  check_contactor(c, ch, now);
  if (config_.has_lock) check_lock(c, ch, now);

  // The power path as the auxiliary contact measures it (issue 14: Charging is reported from this,
  // never from the command).
  if (ch.contactor_fb != was_closed) {
    log::info("modbus", where + ": contactor feedback " + (ch.contactor_fb ? "closed" : "open"));
    listener_.board_power_path(c, ch.contactor_fb);
  }

  // The stop button before the pilot: a driver who presses stop and pulls the cable within one
  // poll stopped the session with the button.
  if (events && changed(ch.stop_count, b[in::stop_count])) {
    log::info("modbus", where + ": stop button pressed");
    listener_.board_stop(c);
  }
  if (pilot_changed) {
    log::info("modbus", where + ": pilot " + std::string(to_string(pilot)));
    listener_.board_pilot(c, pilot);
  }
  counter_events(c, ch, b, events);
}

void IoBoard::check_contactor(ConnectorId c, Channel& ch, SteadyTime now) {
  // docs/io-board-modbus.md §5.1: the board closes the contactor only when commanded and the EV
  // is ready (pilot C or D); anything else for longer than contactor_timeout is a fault.
  const bool powered = ch.contactor_out && (ch.pilot == PilotState::C || ch.pilot == PilotState::D);
  if (ch.contactor_fb == powered) {
    report(c, FaultSource::contactor, ErrorCode::NoError, {});
  } else if (now - ch.contactor_expect_since >= config_.contactor_timeout) {
    const std::string where = connector_name(c) + ": ";
    if (ch.contactor_fb) {
      report(c, FaultSource::contactor, ErrorCode::PowerSwitchFailure, "welded contactor: closed while commanded open",
             where + "welded contact: the contactor is closed while it should be open" +
                 (config_.has_lock ? "; the lock stays locked while the socket is live" : ""));
    } else {
      report(c, FaultSource::contactor, ErrorCode::PowerSwitchFailure, "contactor did not close",
             where + "the contactor did not close within " + std::to_string(config_.contactor_timeout.count()) + " ms");
    }
  }
}

void IoBoard::check_lock(ConnectorId c, Channel& ch, SteadyTime now) {
  // docs/io-board-modbus.md §5.3: the feedback follows the lock command written within lock_timeout.
  const bool as_written = ch.lock_fb == (ch.lock_out ? LockFeedback::locked : LockFeedback::unlocked);
  if (as_written) {
    report(c, FaultSource::lock, ErrorCode::NoError, {});
  } else if (now - ch.lock_cmd_since >= config_.lock_timeout) {
    const std::string where = connector_name(c) + ": ";
    if (ch.lock_out) {
      report(c, FaultSource::lock, ErrorCode::ConnectorLockFailure, "lock did not engage",
             where + "the lock did not engage within " + std::to_string(config_.lock_timeout.count()) +
                 " ms" + (ch.contactor_cmd ? "; the contactor stays open" : ""));
    } else {
      report(c, FaultSource::lock, ErrorCode::ConnectorLockFailure, "lock did not release",
             where + "the lock did not release within " + std::to_string(config_.lock_timeout.count()) + " ms");
    }
  }
}

void IoBoard::counter_events(ConnectorId c, Channel& ch, const std::uint16_t* b, bool events) {
  const std::string where = connector_name(c);
  const std::uint16_t rfid_count = b[in::rfid_count];
  const std::uint16_t keypad_count = b[in::keypad_count];
  if (events && changed(ch.rfid_count, rfid_count)) {
    const int length = b[in::rfid_length];
    if (length < 1 || length > in::rfid_max_bytes) {
      log::warn("modbus", where + ": card read with a UID of " + std::to_string(length) + " bytes (1-10 expected): ignored");
    } else {
      const std::string uid = uid_hex(b + in::rfid_uid, length);
      log::info("modbus", where + ": card " + uid);
      listener_.board_id(c, uid);
    }
  }
  if (events && changed(ch.keypad_count, keypad_count)) {
    const int length = b[in::keypad_length];
    std::string digits;
    for (int i = 0; i < length && i < in::keypad_max_digits; ++i) digits += static_cast<char>(byte_at(b + in::keypad_digits, i));
    const bool valid = length >= 1 && length <= in::keypad_max_digits &&
                       std::all_of(digits.begin(), digits.end(), [](char d) { return d >= '0' && d <= '9'; });
    if (!valid) {
      log::warn("modbus", where + ": keypad entry of " + std::to_string(length) + " characters that are not all digits (1-16 expected): ignored");
    } else {
      // An unused offline code is as good as a payment: its digits stay out of the log.
      log::info("modbus", where + ": code entered (" + std::to_string(length) + " digits)");
      listener_.board_code(c, digits);
    }
  }
  ch.stop_count = b[in::stop_count];
  ch.rfid_count = rfid_count;
  ch.keypad_count = keypad_count;
}

}  // namespace ocpp::hal::modbus
