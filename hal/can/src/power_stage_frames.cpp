#include "ocpp/hal/can/power_stage_frames.hpp"

#include <cmath>

namespace ocpp::hal::can {
namespace {

// docs/power-stage-can.md §1: multi-byte values are little-endian (least significant byte first).
void put_u16(CanFrame& f, int at, std::uint16_t v) {
  f.data[static_cast<std::size_t>(at)] = static_cast<std::uint8_t>(v & 0xFF);
  f.data[static_cast<std::size_t>(at + 1)] = static_cast<std::uint8_t>(v >> 8);
}

std::uint16_t get_u16(const CanFrame& f, int at) {
  return static_cast<std::uint16_t>(f.data[static_cast<std::size_t>(at)] |
                                    (f.data[static_cast<std::size_t>(at + 1)] << 8));
}

// Tenths, rounded, clamped to what 16 bits hold.
std::uint16_t tenths(double value) {
  if (!(value > 0)) return 0;  // also NaN
  const double t = std::round(value * 10);
  return t >= 65535 ? std::uint16_t{65535} : static_cast<std::uint16_t>(t);
}

CanFrame frame(std::uint32_t id) {
  CanFrame f;
  f.id = id;
  f.length = 8;
  return f;
}

bool check_length(const CanFrame& f, std::string& error) {
  if (f.length == 8) return true;
  error = "expected 8 data bytes, got " + std::to_string(f.length);
  return false;
}

}  // namespace

std::string to_string(ModuleState s) {
  switch (s) {
    case ModuleState::off: return "off";
    case ModuleState::precharge: return "precharge";
    case ModuleState::on: return "on";
    case ModuleState::fault: return "fault";
  }
  return "?";
}

CanFrame encode_setpoint(int node, const Setpoint& s) {
  CanFrame f = frame(kSetpointIdBase + static_cast<std::uint32_t>(node));
  put_u16(f, 0, tenths(s.voltage_v));
  put_u16(f, 2, tenths(s.current_a));
  f.data[4] = s.output_on ? 1 : 0;
  f.data[5] = s.sequence;
  return f;
}

CanFrame encode_status(int node, const ModuleStatus& s) {
  CanFrame f = frame(kStatusIdBase + static_cast<std::uint32_t>(node));
  put_u16(f, 0, tenths(s.voltage_v));
  put_u16(f, 2, tenths(s.current_a));
  f.data[4] = static_cast<std::uint8_t>(s.state);
  f.data[5] = s.faults;
  f.data[6] = s.sequence;
  return f;
}

std::optional<Setpoint> decode_setpoint(const CanFrame& f, std::string& error) {
  if (!check_length(f, error)) return std::nullopt;
  if (f.data[4] > 1) {
    error = "command byte " + std::to_string(f.data[4]) + " (0 or 1 expected)";
    return std::nullopt;
  }
  Setpoint s;
  s.voltage_v = get_u16(f, 0) / 10.0;
  s.current_a = get_u16(f, 2) / 10.0;
  s.output_on = f.data[4] == 1;
  s.sequence = f.data[5];
  return s;
}

std::optional<ModuleStatus> decode_status(const CanFrame& f, std::string& error) {
  if (!check_length(f, error)) return std::nullopt;
  if (f.data[4] > static_cast<std::uint8_t>(ModuleState::fault)) {
    error = "state byte " + std::to_string(f.data[4]) + " (0-3 expected)";
    return std::nullopt;
  }
  ModuleStatus s;
  s.voltage_v = get_u16(f, 0) / 10.0;
  s.current_a = get_u16(f, 2) / 10.0;
  s.state = static_cast<ModuleState>(f.data[4]);
  s.faults = f.data[5];
  s.sequence = f.data[6];
  return s;
}

}  // namespace ocpp::hal::can
