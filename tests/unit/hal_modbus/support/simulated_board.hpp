#pragma once
// The pile's I/O board as docs/io-board-modbus.md asks an integrator's firmware to behave, played
// by a ModbusTestServer unit. Addresses are written out here from the document (not taken from
// the driver's header), so that a driver that strays from the document fails these tests.
//
// The physical side is set by the test (pilot, a welded contact, a jammed lock, a card, a code,
// the stop button, the emergency stop, fault flags); the board's reaction to the controller's
// commands happens before each answer, as firmware would do between two polls.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "modbus_test_server.hpp"

namespace ocpp::hal::modbus::test {

class SimulatedBoard {
 public:
  SimulatedBoard(ModbusTestServer& server, int unit, int connectors) : server_(server), unit_(unit), connectors_(connectors) {
    started_ = std::chrono::steady_clock::now();
    channels_.resize(static_cast<std::size_t>(connectors));
    server_.on_request(unit_, [this](Registers& r) { update(r); });
    server_.edit(unit_, [this](Registers& r) { update(r); });
  }
  ~SimulatedBoard() { server_.on_request(unit_, nullptr); }
  SimulatedBoard(const SimulatedBoard&) = delete;
  SimulatedBoard& operator=(const SimulatedBoard&) = delete;

  // docs/io-board-modbus.md §3 input register addresses.
  static constexpr std::uint16_t kHeartbeat = 2;
  static std::uint16_t block(int c) { return static_cast<std::uint16_t>(8 + 24 * (c - 1)); }
  // docs/io-board-modbus.md §4 holding register addresses.
  static std::uint16_t command(int c) { return static_cast<std::uint16_t>(1 + 3 * (c - 1)); }

  void set_pilot(int c, Pilot p) { change([&] { ch(c).pilot = p; }); }
  void weld(int c, bool welded) { change([&] { ch(c).welded = welded; }); }
  // The contactor's coil or driver is broken: it never closes.
  void break_contactor(int c, bool broken) { change([&] { ch(c).broken = broken; }); }
  void jam_lock(int c, bool jammed) { change([&] { ch(c).jammed = jammed; }); }
  // A lock that takes this long to travel (feedback 2, moving, meanwhile), and a contactor that
  // takes this long to open after its command drops (a real one takes tens of milliseconds).
  void set_lock_travel(std::chrono::milliseconds t) { change([&] { lock_travel_ = t; }); }
  void set_contactor_open_delay(std::chrono::milliseconds t) { change([&] { open_delay_ = t; }); }
  // Whether connector c's socket was ever live (contact closed) while its lock was not locked,
  // as seen by the board at any request.
  bool was_live_unlocked(int c) {
    bool seen = false;
    server_.edit(unit_, [&](Registers&) { seen = ch(c).live_unlocked; });
    return seen;
  }
  // Whether the controller ever wrote a close while the lock's feedback was not locked, or an
  // unlock while the contact was closed (docs/io-board-modbus.md §5.3: the controller's side of
  // the interlock, whatever the firmware does).
  bool was_commanded_unsafely(int c) {
    bool seen = false;
    server_.edit(unit_, [&](Registers&) { seen = ch(c).unsafe_command; });
    return seen;
  }
  // The firmware's own interlock (docs/io-board-modbus.md §5.3), on by default; off plays a
  // firmware that lacks it, so that only the controller's interlock protects the socket.
  void set_firmware_interlock(bool on) { change([&] { interlock_ = on; }); }
  void press_stop(int c) { change([&] { ++ch(c).stop_count; }); }
  void present_card(int c, const std::vector<std::uint8_t>& uid) {
    change([&] {
      ch(c).uid = uid;
      ++ch(c).rfid_count;
    });
  }
  void enter_code(int c, const std::string& digits) {
    change([&] {
      ch(c).code = digits;
      ++ch(c).keypad_count;
    });
  }
  void set_emergency_stop(bool pressed) { change([&] { emergency_stop_ = pressed; }); }
  void set_faults(int c, std::uint16_t flags) { change([&] { ch(c).faults = flags; }); }
  void freeze_heartbeat(bool frozen) { change([&] { frozen_ = frozen; }); }
  void set_map_version(std::uint16_t v) { change([&] { map_version_ = v; }); }
  void set_raw_pilot(int c, std::uint16_t value) { change([&] { ch(c).raw_pilot = value; }); }
  // A power cycle of the board: heartbeat and counters from 0, outputs off until commanded.
  void restart() {
    change([&] {
      started_ = std::chrono::steady_clock::now();
      for (auto& k : channels_) {
        k.stop_count = k.rfid_count = k.keypad_count = 0;
        k.uid.clear();
        k.code.clear();
      }
      restarted_ = true;
    });
  }

  // What the controller commanded, as the board holds it.
  bool contactor_commanded(int c) { return server_.holding(unit_, command(c), 1)[0] == 1; }
  std::uint16_t duty_commanded(int c) { return server_.holding(unit_, static_cast<std::uint16_t>(command(c) + 1), 1)[0]; }
  bool lock_commanded(int c) { return server_.holding(unit_, static_cast<std::uint16_t>(command(c) + 2), 1)[0] == 1; }
  std::uint16_t watchdog() { return server_.holding(unit_, 0, 1)[0]; }
  std::uint16_t heartbeat() { return server_.input(unit_, kHeartbeat, 1)[0]; }
  bool contactor_closed(int c) { return server_.input(unit_, static_cast<std::uint16_t>(block(c) + 1), 1)[0] == 1; }

 private:
  struct Channel {
    Pilot pilot = Pilot::A;
    int raw_pilot = -1;  // >= 0: written as is (a malformed value)
    bool welded = false;
    bool broken = false;
    bool jammed = false;
    std::uint16_t lock_feedback = 0;
    std::uint16_t lock_target = 0;
    std::chrono::steady_clock::time_point lock_moved_at{};
    bool contact = false;
    bool opening = false;
    std::chrono::steady_clock::time_point opening_since{};
    bool live_unlocked = false;
    bool unsafe_command = false;
    std::uint16_t faults = 0;
    std::uint16_t stop_count = 0;
    std::uint16_t rfid_count = 0;
    std::uint16_t keypad_count = 0;
    std::vector<std::uint8_t> uid;
    std::string code;
  };
  Channel& ch(int c) { return channels_.at(static_cast<std::size_t>(c - 1)); }

  template <class Fn>
  void change(Fn fn) {
    server_.edit(unit_, [&](Registers& r) {
      fn();
      update(r);
    });
  }

  // The firmware's main loop: inputs from the physical side and the commands.
  void update(Registers& r) {
    if (restarted_) {
      for (int c = 1; c <= connectors_; ++c) {
        const std::uint16_t h = command(c);
        r.holding[h] = 0;
        r.holding[h + 1] = 1000;
      }
      restarted_ = false;
    }
    r.input[0] = map_version_;
    r.input[1] = 0x0102;  // firmware 1.2
    if (!frozen_) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_).count();
      r.input[kHeartbeat] = static_cast<std::uint16_t>(ms / 200);
    }
    r.input[3] = static_cast<std::uint16_t>(connectors_);
    r.input[4] = emergency_stop_ ? 1 : 0;
    r.input[5] = 0;
    for (int c = 1; c <= connectors_; ++c) {
      Channel& k = ch(c);
      std::uint16_t* in = r.input + block(c);
      const std::uint16_t* cmd = r.holding + command(c);
      const bool ready = k.pilot == Pilot::C || k.pilot == Pilot::D;
      // docs/io-board-modbus.md §5: closed only when commanded and the EV is ready, never during an
      // emergency stop; a welded contact stays closed whatever happens.
      if ((cmd[0] == 1 && k.lock_feedback != 1) || (cmd[2] == 0 && k.contact)) k.unsafe_command = true;
      // docs/io-board-modbus.md §5.3: the firmware closes only on a locked lock and keeps the lock
      // while the contact is closed.
      const bool interlocked = !interlock_ || k.lock_feedback == 1;
      const bool closed = contact(k, k.welded || (!k.broken && cmd[0] == 1 && ready && !emergency_stop_ && interlocked));
      move_lock(k, cmd[2] == 1 || (interlock_ && k.contact) ? 1 : 0);
      if (closed && k.lock_feedback != 1) k.live_unlocked = true;
      in[0] = k.raw_pilot >= 0 ? static_cast<std::uint16_t>(k.raw_pilot) : static_cast<std::uint16_t>(k.pilot);
      in[1] = closed ? 1 : 0;
      in[2] = k.lock_feedback;
      in[3] = k.faults;
      in[4] = cmd[1];
      in[5] = k.stop_count;
      in[6] = k.rfid_count;
      in[7] = static_cast<std::uint16_t>(k.uid.size());
      for (int i = 0; i < 5; ++i) {
        const auto at = [&](std::size_t j) { return j < k.uid.size() ? k.uid[j] : std::uint8_t{0}; };
        in[8 + i] = static_cast<std::uint16_t>((at(2 * static_cast<std::size_t>(i)) << 8) | at(2 * static_cast<std::size_t>(i) + 1));
      }
      in[13] = k.keypad_count;
      in[14] = static_cast<std::uint16_t>(k.code.size());
      for (int i = 0; i < 8; ++i) {
        const auto at = [&](std::size_t j) { return j < k.code.size() ? static_cast<std::uint8_t>(k.code[j]) : std::uint8_t{0}; };
        in[15 + i] = static_cast<std::uint16_t>((at(2 * static_cast<std::size_t>(i)) << 8) | at(2 * static_cast<std::size_t>(i) + 1));
      }
    }
  }

  // The contact closes at once and opens open_delay_ after it is no longer wanted.
  bool contact(Channel& k, bool wanted) {
    const auto now = std::chrono::steady_clock::now();
    if (wanted) {
      k.contact = true;
      k.opening = false;
    } else if (k.contact) {
      if (!k.opening) {
        k.opening = true;
        k.opening_since = now;
      }
      if (now - k.opening_since >= open_delay_) k.contact = false;
    }
    return k.contact;
  }
  void move_lock(Channel& k, std::uint16_t target) {
    if (k.jammed) return;
    const auto now = std::chrono::steady_clock::now();
    if (target != k.lock_target) {
      k.lock_target = target;
      k.lock_moved_at = now;
    }
    k.lock_feedback = now - k.lock_moved_at >= lock_travel_ ? target : 2;
  }

  ModbusTestServer& server_;
  int unit_;
  int connectors_;
  std::vector<Channel> channels_;
  std::chrono::steady_clock::time_point started_;
  bool emergency_stop_ = false;
  bool frozen_ = false;
  bool restarted_ = false;
  std::uint16_t map_version_ = 1;
  std::chrono::milliseconds lock_travel_{0};
  std::chrono::milliseconds open_delay_{0};
  bool interlock_ = true;
};

}  // namespace ocpp::hal::modbus::test
