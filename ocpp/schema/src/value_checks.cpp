#include "value_checks.hpp"

#include <rapidjson/encodings.h>

#include <cfloat>
#include <cmath>

namespace ocpp::schema_detail {
namespace {

// The tolerance of ocpp-rpc 2.2.1 (lib/validator.js replaces Ajv's multipleOf with
// |round(q) - q| < 1e-6 for q = value / step), so that both ends of a link agree.
constexpr double kMultipleOfTolerance = 1e-6;

bool is_integer(const rapidjson::Value& number) { return number.IsInt64() || number.IsUint64(); }

// A character stream over [begin, end) for RapidJSON's UTF-8 decoder, which reads the continuation
// bytes of a sequence without looking where the text ends: past the end it reads NUL, which no
// sequence accepts, exactly as it reads the NUL that terminates every RapidJSON string.
struct BoundedStream {
  using Ch = char;
  const char* current;
  const char* end;
  Ch Take() { return current < end ? *current++ : (++current, '\0'); }
};

}  // namespace

bool is_multiple_of(const rapidjson::Value& value, const rapidjson::Value& step) {
  if (step.IsUint64() && step.GetUint64() != 0 && is_integer(value)) {
    const std::uint64_t magnitude = value.IsUint64() ? value.GetUint64()
                                                     : static_cast<std::uint64_t>(-(value.GetInt64() + 1)) + 1;
    return magnitude % step.GetUint64() == 0;
  }
  const double divisor = step.GetDouble();
  if (divisor == 0.0 || !std::isfinite(divisor)) return false;
  const double quotient = value.GetDouble() / divisor;
  if (!std::isfinite(quotient)) return false;
  // Beyond the tolerance, allow the rounding error of the division itself for large quotients.
  const double tolerance = std::fmax(kMultipleOfTolerance, std::fabs(quotient) * 8 * DBL_EPSILON);
  return std::fabs(quotient - std::round(quotient)) < tolerance;
}

// Two integers that are not both int64 nor both uint64 are a negative int64 and a uint64 above
// INT64_MAX, so the one that is an int64 is the smaller.
bool is_less(const rapidjson::Value& value, const rapidjson::Value& limit) {
  if (!is_integer(value) || !is_integer(limit)) return value.GetDouble() < limit.GetDouble();
  if (value.IsInt64() && limit.IsInt64()) return value.GetInt64() < limit.GetInt64();
  if (value.IsUint64() && limit.IsUint64()) return value.GetUint64() < limit.GetUint64();
  return value.IsInt64();
}

bool is_greater(const rapidjson::Value& value, const rapidjson::Value& limit) {
  if (!is_integer(value) || !is_integer(limit)) return value.GetDouble() > limit.GetDouble();
  if (value.IsInt64() && limit.IsInt64()) return value.GetInt64() > limit.GetInt64();
  if (value.IsUint64() && limit.IsUint64()) return value.GetUint64() > limit.GetUint64();
  return !value.IsInt64();
}

std::optional<std::uint32_t> count_code_points(std::string_view text) {
  BoundedStream stream{text.data(), text.data() + text.size()};
  std::uint32_t count = 0;
  while (stream.current < stream.end) {
    unsigned code_point = 0;
    if (!rapidjson::UTF8<>::Decode(stream, &code_point)) return std::nullopt;
    ++count;
  }
  return count;
}

rapidjson::Value copy_number(const rapidjson::Value& number) {
  if (number.IsUint64()) return rapidjson::Value(number.GetUint64());
  if (number.IsInt64()) return rapidjson::Value(number.GetInt64());
  return rapidjson::Value(number.GetDouble());
}

}  // namespace ocpp::schema_detail
