#pragma once
// Checks of single values whose exact meaning matters for agreeing with the peer and with the
// schema validator this block used before (RapidJSON 1.1.0's, still the oracle of the tests):
// - `multipleOf` with a decimal step (1.6 `limit`, `minChargingRate`: 0.1): binary floating point
//   makes 0.3 / 0.1 = 2.9999999999999996, so a plain division would refuse valid limits; the check
//   allows a tolerance, like ocpp-rpc does.
// - `minimum` / `maximum`: integers are compared exactly, anything with a fraction as a double.
// - `minLength` / `maxLength` count code points as RapidJSON 1.1.0 decodes them (a string that is
//   not valid UTF-8 has no length and passes them, as it did with RapidJSON).
#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace ocpp::schema_detail {

// Whether `value` is a whole multiple of `step`, allowing for binary floating point: integers are
// checked exactly; otherwise value/step must lie within 1e-6 of an integer, the tolerance of
// ocpp-rpc's validator.
bool is_multiple_of(const rapidjson::Value& value, const rapidjson::Value& step);

// value < limit and value > limit for two JSON numbers.
bool is_less(const rapidjson::Value& value, const rapidjson::Value& limit);
bool is_greater(const rapidjson::Value& value, const rapidjson::Value& limit);

// The number of code points of UTF-8 text, or nullopt when it is not valid UTF-8.
std::optional<std::uint32_t> count_code_points(std::string_view text);

// A copy of a JSON number that needs no allocator.
rapidjson::Value copy_number(const rapidjson::Value& number);

}  // namespace ocpp::schema_detail
