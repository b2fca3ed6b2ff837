#pragma once
// The frame set of a DC power stage module on CAN, as docs/power-stage-can.md defines it for
// integrators' firmware: identifiers, byte layout and scaling. Both directions are here, so that
// a simulated module (tests, a bench) speaks exactly what the driver expects.
#include <cstdint>
#include <optional>
#include <string>

#include "ocpp/hal/can/can_bus.hpp"

namespace ocpp::hal::can {

// docs/power-stage-can.md §2: standard 11-bit identifiers, one pair per module node 1..127.
constexpr std::uint32_t kSetpointIdBase = 0x200;  // controller -> module
constexpr std::uint32_t kStatusIdBase = 0x180;    // module -> controller
constexpr int kMinNode = 1;
constexpr int kMaxNode = 127;

// docs/power-stage-can.md §3: what the controller asks for, every setpoint period.
struct Setpoint {
  double voltage_v = 0;  // 0.1 V resolution, 0..6553.5 V
  double current_a = 0;  // current limit, 0.1 A resolution, 0..6553.5 A
  bool output_on = false;
  std::uint8_t sequence = 0;  // +1 per frame, wraps: the module sees a live controller
};

// docs/power-stage-can.md §4: the module's state byte.
enum class ModuleState : std::uint8_t { off = 0, precharge = 1, on = 2, fault = 3 };
std::string to_string(ModuleState s);

// docs/power-stage-can.md §4: the module's fault flags byte.
namespace fault_flag {
constexpr std::uint8_t over_voltage = 0x01;
constexpr std::uint8_t over_current = 0x02;
constexpr std::uint8_t over_temperature = 0x04;
constexpr std::uint8_t isolation = 0x08;  // insulation monitor: output to earth
constexpr std::uint8_t input = 0x10;      // AC supply out of range
constexpr std::uint8_t internal = 0x20;
constexpr std::uint8_t reserved = 0xC0;   // must be 0
}  // namespace fault_flag

// docs/power-stage-can.md §4: what the module reports, every status period.
struct ModuleStatus {
  double voltage_v = 0;  // measured at the output
  double current_a = 0;
  ModuleState state = ModuleState::off;
  std::uint8_t faults = 0;
  std::uint8_t sequence = 0;  // +1 per frame: a module whose counter stops is not alive
};

// Values outside the wire range are clamped into it (a negative setpoint is 0).
CanFrame encode_setpoint(int node, const Setpoint& setpoint);
CanFrame encode_status(int node, const ModuleStatus& status);

// The frame decoded, or nullopt with `error` saying why it is malformed (wrong length, unknown
// state). The caller has already matched the identifier.
std::optional<Setpoint> decode_setpoint(const CanFrame& frame, std::string& error);
std::optional<ModuleStatus> decode_status(const CanFrame& frame, std::string& error);

}  // namespace ocpp::hal::can
