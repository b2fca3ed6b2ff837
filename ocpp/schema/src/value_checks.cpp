#include "value_checks.hpp"

#include <cfloat>
#include <cmath>
#include <cstdint>

#include "json_pointer.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/common/json.hpp"

namespace ocpp::schema_detail {
namespace {

// The OCPP schemas nest a few levels (2.0.1 SetChargingProfile: about 6). Deeper means a recursive
// definition, which the walk must not follow for ever.
constexpr std::size_t kMaxDepth = 32;
// The tolerance of ocpp-rpc 2.2.1 (lib/validator.js replaces Ajv's multipleOf with
// |round(q) - q| < 1e-6 for q = value / step), so that both ends of a link agree.
constexpr double kMultipleOfTolerance = 1e-6;

bool string_equals(const rapidjson::Value& v, std::string_view s) {
  return v.IsString() && as_string_view(v) == s;
}

// A number needs no allocator, so the check keeps its own copy of the schema's value.
rapidjson::Value copy_number(const rapidjson::Value& number) {
  if (number.IsUint64()) return rapidjson::Value(number.GetUint64());
  if (number.IsInt64()) return rapidjson::Value(number.GetInt64());
  return rapidjson::Value(number.GetDouble());
}

class Collector {
 public:
  explicit Collector(const rapidjson::Value& root) : root_(root) {}

  std::vector<ValueCheck> run() {
    walk(root_, {});
    return std::move(checks_);
  }

 private:
  void walk(const rapidjson::Value& node, const std::vector<PathStep>& path) {
    if (path.size() > kMaxDepth) return;
    const rapidjson::Value* schema = resolve_refs(node, root_);
    if (schema == nullptr || !schema->IsObject()) return;

    const auto format = schema->FindMember("format");
    // JSON Schema draft-07 §7.3.1: date-time is RFC 3339 §5.6 date-time.
    if (format != schema->MemberEnd() && string_equals(format->value, "date-time")) {
      checks_.push_back(ValueCheck{path, ValueCheck::Kind::DateTime, rapidjson::Value()});
    }
    const auto multiple_of = schema->FindMember("multipleOf");
    if (multiple_of != schema->MemberEnd() && multiple_of->value.IsNumber()) {
      checks_.push_back(ValueCheck{path, ValueCheck::Kind::MultipleOf, copy_number(multiple_of->value)});
    }

    const auto properties = schema->FindMember("properties");
    if (properties != schema->MemberEnd() && properties->value.IsObject()) {
      for (const auto& property : properties->value.GetObject()) {
        auto child = path;
        child.push_back(PathStep{std::string(as_string_view(property.name)), false});
        walk(property.value, child);
      }
    }
    // Only the single-schema form of `items` occurs in the OCPP schemas (2.0.1 also states
    // `additionalItems`, which has no effect next to it).
    const auto items = schema->FindMember("items");
    if (items != schema->MemberEnd() && items->value.IsObject()) {
      auto child = path;
      child.push_back(PathStep{std::string(), true});
      walk(items->value, child);
    }
  }

  const rapidjson::Value& root_;
  std::vector<ValueCheck> checks_;
};

std::optional<ValidationError> check_leaf(const ValueCheck& check, const rapidjson::Value& value,
                                          const std::string& pointer) {
  // Types were checked by the first pass; a value of another type has no format to check
  // (draft-07 §7.1: format applies to strings; §6.2.1 multipleOf to numbers).
  if (check.kind == ValueCheck::Kind::DateTime) {
    if (value.IsString() && !is_rfc3339(as_string_view(value))) {
      return ValidationError{RpcErrorCode::PropertyConstraintViolation,
                             field_prefix(pointer) + quote_value(value) + " is not an RFC 3339 date-time"};
    }
  } else if (value.IsNumber() && !is_multiple_of(value, check.multiple_of)) {
    return ValidationError{RpcErrorCode::PropertyConstraintViolation,
                           field_prefix(pointer) + quote_value(value) + " is not a multipleOf " +
                               to_string(check.multiple_of)};
  }
  return std::nullopt;
}

std::optional<ValidationError> follow(const ValueCheck& check, std::size_t step, const rapidjson::Value& value,
                                      std::string& pointer) {
  if (step == check.path.size()) return check_leaf(check, value, pointer);
  const PathStep& next = check.path[step];
  const std::size_t mark = pointer.size();
  if (next.any_item) {
    if (!value.IsArray()) return std::nullopt;
    for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
      append_pointer_index(pointer, i);
      if (auto error = follow(check, step + 1, value[i], pointer)) return error;
      pointer.resize(mark);
    }
    return std::nullopt;
  }
  if (!value.IsObject()) return std::nullopt;
  const auto member = value.FindMember(next.property.c_str());
  if (member == value.MemberEnd()) return std::nullopt;  // optional and absent
  append_pointer_token(pointer, next.property);
  auto error = follow(check, step + 1, member->value, pointer);
  pointer.resize(mark);
  return error;
}

}  // namespace

std::vector<ValueCheck> collect_value_checks(const rapidjson::Value& root_schema) {
  return Collector(root_schema).run();
}

void strip_multiple_of(rapidjson::Value& schema) {
  if (schema.IsObject()) {
    schema.RemoveMember("multipleOf");
    // Every schema of the document is reachable through these keywords; the names under
    // `properties` and `definitions` are data and are kept.
    for (const char* map : {"properties", "definitions", "patternProperties"}) {
      const auto it = schema.FindMember(map);
      if (it != schema.MemberEnd() && it->value.IsObject()) {
        for (auto& sub : it->value.GetObject()) strip_multiple_of(sub.value);
      }
    }
    for (const char* keyword : {"items", "additionalItems", "additionalProperties", "not", "allOf", "anyOf", "oneOf"}) {
      const auto it = schema.FindMember(keyword);
      if (it != schema.MemberEnd()) strip_multiple_of(it->value);
    }
  } else if (schema.IsArray()) {
    for (auto& sub : schema.GetArray()) strip_multiple_of(sub);
  }
}

std::optional<ValidationError> run_value_checks(const std::vector<ValueCheck>& checks,
                                                const rapidjson::Value& payload) {
  std::string pointer;
  for (const auto& check : checks) {
    pointer.clear();
    if (auto error = follow(check, 0, payload, pointer)) return error;
  }
  return std::nullopt;
}

bool is_multiple_of(const rapidjson::Value& value, const rapidjson::Value& step) {
  if (step.IsUint64() && step.GetUint64() != 0 && (value.IsInt64() || value.IsUint64())) {
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

}  // namespace ocpp::schema_detail
