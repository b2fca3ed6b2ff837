#include "ocpp/hal/modbus/register_codec.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace ocpp::hal::modbus {
namespace {

struct TypeName {
  ValueType type;
  std::string_view name;
};
constexpr TypeName kTypeNames[] = {
    {ValueType::u16, "uint16"}, {ValueType::i16, "int16"}, {ValueType::u32, "uint32"}, {ValueType::i32, "int32"},
    {ValueType::u64, "uint64"}, {ValueType::i64, "int64"}, {ValueType::f32, "float32"},
};

// The value's bits, most significant word first, whatever the order on the wire.
std::uint64_t bits(const std::uint16_t* regs, int count, WordOrder order) {
  std::uint64_t v = 0;
  for (int i = 0; i < count; ++i) {
    const int at = order == WordOrder::msw_first ? i : count - 1 - i;
    v = (v << 16) | regs[at];
  }
  return v;
}

template <class T>
T saturated(double raw) {
  const double r = std::round(raw);
  if (!(r > static_cast<double>(std::numeric_limits<T>::min()))) return std::numeric_limits<T>::min();
  if (r >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
  return static_cast<T>(r);
}

}  // namespace

std::string_view to_string(Table t) { return t == Table::holding ? "holding" : "input"; }

std::string_view to_string(ValueType t) {
  for (const auto& n : kTypeNames) {
    if (n.type == t) return n.name;
  }
  return "?";
}

bool value_type_from_string(std::string_view text, ValueType& out) {
  for (const auto& n : kTypeNames) {
    if (n.name == text) {
      out = n.type;
      return true;
    }
  }
  return false;
}

std::string_view to_string(WordOrder o) { return o == WordOrder::msw_first ? "msw_first" : "lsw_first"; }

int register_count(ValueType t) {
  switch (t) {
    case ValueType::u16:
    case ValueType::i16: return 1;
    case ValueType::u32:
    case ValueType::i32:
    case ValueType::f32: return 2;
    case ValueType::u64:
    case ValueType::i64: return 4;
  }
  return 1;
}

std::optional<double> decode(const std::uint16_t* regs, ValueType type, WordOrder order) {
  const std::uint64_t v = bits(regs, register_count(type), order);
  switch (type) {
    case ValueType::u16: return static_cast<double>(static_cast<std::uint16_t>(v));
    case ValueType::i16: return static_cast<double>(static_cast<std::int16_t>(static_cast<std::uint16_t>(v)));
    case ValueType::u32: return static_cast<double>(static_cast<std::uint32_t>(v));
    case ValueType::i32: return static_cast<double>(static_cast<std::int32_t>(static_cast<std::uint32_t>(v)));
    case ValueType::u64: return static_cast<double>(v);
    case ValueType::i64: return static_cast<double>(static_cast<std::int64_t>(v));
    case ValueType::f32: {
      // IEEE 754 binary32 (the meters' "float"), bits reassembled most significant first.
      const std::uint32_t word = static_cast<std::uint32_t>(v);
      float f = 0;
      std::memcpy(&f, &word, sizeof f);
      if (!std::isfinite(f)) return std::nullopt;
      return static_cast<double>(f);
    }
  }
  return std::nullopt;
}

bool all_ones(const std::uint16_t* regs, ValueType type) {
  for (int i = 0; i < register_count(type); ++i) {
    if (regs[i] != 0xFFFF) return false;
  }
  return true;
}

std::vector<std::uint16_t> encode(double raw, ValueType type, WordOrder order) {
  std::uint64_t v = 0;
  switch (type) {
    case ValueType::u16: v = saturated<std::uint16_t>(raw); break;
    case ValueType::i16: v = static_cast<std::uint16_t>(saturated<std::int16_t>(raw)); break;
    case ValueType::u32: v = saturated<std::uint32_t>(raw); break;
    case ValueType::i32: v = static_cast<std::uint32_t>(saturated<std::int32_t>(raw)); break;
    case ValueType::u64: v = saturated<std::uint64_t>(raw); break;
    case ValueType::i64: v = static_cast<std::uint64_t>(saturated<std::int64_t>(raw)); break;
    case ValueType::f32: {
      const float f = static_cast<float>(raw);
      std::uint32_t word = 0;
      std::memcpy(&word, &f, sizeof word);
      v = word;
      break;
    }
  }
  const int count = register_count(type);
  std::vector<std::uint16_t> regs(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    // Word i, counted from the most significant.
    const auto word = static_cast<std::uint16_t>(v >> (16 * (count - 1 - i)));
    regs[static_cast<std::size_t>(order == WordOrder::msw_first ? i : count - 1 - i)] = word;
  }
  return regs;
}

}  // namespace ocpp::hal::modbus
