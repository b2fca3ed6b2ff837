#pragma once
// Values in Modbus registers. A register is 16 bits, its two bytes big-endian on the wire (Modbus
// Application Protocol v1.1b3 §4.2); libmodbus hands them over as host-order uint16_t. Wider
// values span 2 or 4 consecutive registers, and manufacturers disagree on which comes first: the
// most significant word (Eastron, ABB) or the least significant one (Carlo Gavazzi). The meter
// files say which (docs/configuration.md, "Meter register maps").
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ocpp::hal::modbus {

// Which table a register is read from: holding (function 03) or input (function 04).
enum class Table { holding, input };
std::string_view to_string(Table t);

enum class ValueType { u16, i16, u32, i32, u64, i64, f32 };
std::string_view to_string(ValueType t);
bool value_type_from_string(std::string_view text, ValueType& out);  // "uint16" ... "float32"
int register_count(ValueType t);

enum class WordOrder { msw_first, lsw_first };
std::string_view to_string(WordOrder o);

// The raw value of `register_count(type)` registers starting at `regs`, as a double (64-bit
// integers beyond 2^53 lose their last bits: 2^53 Wh is far beyond any meter). nullopt for a
// float that is NaN or infinite: a meter's way of saying "no value".
std::optional<double> decode(const std::uint16_t* regs, ValueType type, WordOrder order);
// True when every bit of the value is set: ABB's "not available" (B23/B24 manual, "Modbus").
bool all_ones(const std::uint16_t* regs, ValueType type);
// The registers of `raw` (rounded to the type, saturated to its range), for simulated devices.
std::vector<std::uint16_t> encode(double raw, ValueType type, WordOrder order);

}  // namespace ocpp::hal::modbus
