#pragma once
// Each shipped meter model played by a ModbusTestServer unit: the values are written into the
// registers the way that meter's manual says (written out here from the manuals, not taken from
// the map files or the driver's encoder), so that a map file that strays from its manual fails.
#include <cmath>
#include <cstring>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "modbus_test_server.hpp"

namespace ocpp::hal::modbus::test {

struct MeterValues {
  double energy_wh = 0;
  double power_w = 0;
  double voltage_v[3] = {0, 0, 0};
  double current_a[3] = {0, 0, 0};
};

struct MeterPlayer {
  std::string model;  // the map file's name
  std::function<void(ModbusTestServer&, int unit, const MeterValues&)> play;
  // Writes the energy register alone, as the raw value `raw` in the meter's own unit.
  std::function<void(ModbusTestServer&, int unit, double raw)> play_raw_energy;
  double energy_resolution_wh;
};

// IEEE 754 binary32, high word first. Not libmodbus's modbus_set_float_abcd: in libmodbus 3.1.6
// (Debian 12) it swaps the bytes within each register (1234.5f comes out 9A44 0050, not 449A 5000),
// while its modbus_get_float_abcd reads 449A 5000 correctly.
inline std::vector<std::uint16_t> float_high_first(double v) {
  const float f = static_cast<float>(v);
  std::uint32_t bits = 0;
  std::memcpy(&bits, &f, sizeof bits);
  return {static_cast<std::uint16_t>(bits >> 16), static_cast<std::uint16_t>(bits & 0xFFFF)};
}

inline std::vector<std::uint16_t> u32_high_first(std::uint32_t v) {
  return {static_cast<std::uint16_t>(v >> 16), static_cast<std::uint16_t>(v & 0xFFFF)};
}

inline std::vector<std::uint16_t> u32_low_first(std::uint32_t v) {
  return {static_cast<std::uint16_t>(v & 0xFFFF), static_cast<std::uint16_t>(v >> 16)};
}

inline std::vector<std::uint16_t> u64_high_first(std::uint64_t v) {
  return {static_cast<std::uint16_t>(v >> 48), static_cast<std::uint16_t>((v >> 32) & 0xFFFF),
          static_cast<std::uint16_t>((v >> 16) & 0xFFFF), static_cast<std::uint16_t>(v & 0xFFFF)};
}

inline std::uint32_t as_i32(double v) { return static_cast<std::uint32_t>(static_cast<std::int32_t>(std::llround(v))); }

inline std::vector<MeterPlayer> shipped_meters() {
  std::vector<MeterPlayer> players;
  // Eastron SDM630-Modbus V2: input registers, IEEE floats high word first; kWh, W, V, A.
  players.push_back({"eastron_sdm630",
                     [](ModbusTestServer& s, int unit, const MeterValues& v) {
                       s.set_input(unit, 72, float_high_first(v.energy_wh / 1000));  // 30073
                       s.set_input(unit, 52, float_high_first(v.power_w));           // 30053
                       for (int p = 0; p < 3; ++p) {
                         s.set_input(unit, static_cast<std::uint16_t>(0 + 2 * p), float_high_first(v.voltage_v[p]));  // 30001..
                         s.set_input(unit, static_cast<std::uint16_t>(6 + 2 * p), float_high_first(v.current_a[p]));  // 30007..
                       }
                     },
                     [](ModbusTestServer& s, int unit, double raw) { s.set_input(unit, 72, float_high_first(raw)); }, 0});
  // ABB B23/B24: holding registers, high word first; energy 0.01 kWh (uint64), V 0.1 (uint32),
  // A 0.01 (uint32), W 0.01 (int32).
  players.push_back({"abb_b23",
                     [](ModbusTestServer& s, int unit, const MeterValues& v) {
                       s.set_holding(unit, 0x5000, u64_high_first(static_cast<std::uint64_t>(std::llround(v.energy_wh / 10))));
                       s.set_holding(unit, 0x5B14, u32_high_first(as_i32(v.power_w * 100)));
                       for (int p = 0; p < 3; ++p) {
                         s.set_holding(unit, static_cast<std::uint16_t>(0x5B00 + 2 * p),
                                       u32_high_first(static_cast<std::uint32_t>(std::llround(v.voltage_v[p] * 10))));
                         s.set_holding(unit, static_cast<std::uint16_t>(0x5B0C + 2 * p),
                                       u32_high_first(static_cast<std::uint32_t>(std::llround(v.current_a[p] * 100))));
                       }
                     },
                     [](ModbusTestServer& s, int unit, double raw) {
                       s.set_holding(unit, 0x5000, u64_high_first(static_cast<std::uint64_t>(std::llround(raw))));
                     },
                     10});
  // Carlo Gavazzi EM340: holding registers, INT32 low word first; kWh x 10, W x 10, V x 10, A x 1000.
  players.push_back({"carlo_gavazzi_em340",
                     [](ModbusTestServer& s, int unit, const MeterValues& v) {
                       s.set_holding(unit, 0x0034, u32_low_first(as_i32(v.energy_wh / 100)));
                       s.set_holding(unit, 0x0028, u32_low_first(as_i32(v.power_w * 10)));
                       for (int p = 0; p < 3; ++p) {
                         s.set_holding(unit, static_cast<std::uint16_t>(0x0000 + 2 * p), u32_low_first(as_i32(v.voltage_v[p] * 10)));
                         s.set_holding(unit, static_cast<std::uint16_t>(0x000C + 2 * p), u32_low_first(as_i32(v.current_a[p] * 1000)));
                       }
                     },
                     [](ModbusTestServer& s, int unit, double raw) { s.set_holding(unit, 0x0034, u32_low_first(as_i32(raw))); },
                     100});
  return players;
}

}  // namespace ocpp::hal::modbus::test
