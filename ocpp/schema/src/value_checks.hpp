#pragma once
// The second validation pass: keywords RapidJSON 1.1.0 does not implement as OCPP needs them.
// - `format: date-time`: RapidJSON ignores `format` (DESIGN.md principle 5 wants it checked).
// - `multipleOf` with a decimal step (1.6 `limit`, `minChargingRate`: 0.1): RapidJSON divides in
//   binary floating point and refuses e.g. 0.3 as a multiple of 0.1, so the keyword is taken out of
//   the compiled schema and checked here with a tolerance.
// The places to check are found once per schema by walking it (properties, items, $ref into
// definitions) and stored as paths; validating a payload then only follows those paths.
#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/error_code.hpp"

namespace ocpp::schema_detail {

// One step from a value to a child: a named property, or every item of an array.
struct PathStep {
  std::string property;
  bool any_item = false;
};

struct ValueCheck {
  enum class Kind { DateTime, MultipleOf };
  std::vector<PathStep> path;
  Kind kind = Kind::DateTime;
  rapidjson::Value multiple_of;  // the schema's number, for Kind::MultipleOf
};

// Finds every `format: date-time` and `multipleOf` reachable from the root schema.
std::vector<ValueCheck> collect_value_checks(const rapidjson::Value& root_schema);

// Removes every `multipleOf` keyword from a schema document (they are checked by the second pass).
void strip_multiple_of(rapidjson::Value& schema);

// The first value that fails a check, as a PropertyConstraintViolation naming its JSON pointer.
std::optional<ValidationError> run_value_checks(const std::vector<ValueCheck>& checks,
                                                const rapidjson::Value& payload);

// Whether `value` is a whole multiple of `step`, allowing for binary floating point: integers are
// checked exactly; otherwise value/step must lie within 1e-6 of an integer, the tolerance of
// ocpp-rpc's validator.
bool is_multiple_of(const rapidjson::Value& value, const rapidjson::Value& step);

}  // namespace ocpp::schema_detail
