#include "error_description.hpp"

#include <array>
#include <string>
#include <utility>

#include "json_pointer.hpp"
#include "ocpp/common/json.hpp"

namespace ocpp::schema_detail {
namespace {

// OCPP-J 1.6 §4.2.3 (2.0.1 Part 4 §4.3 says the same with corrected spelling):
//   TypeConstraintViolation: "Payload for Action is syntactically correct but at least one of the
//     fields violates data type constraints (e.g. 'somestring': 12)"
//   OccurrenceConstraintViolation: "... at least one field contains violates occurence constraints"
//   PropertyConstraintViolation: "... at least one field contains an invalid value"
//   FormationViolation / FormatViolation: "Payload for Action is not conform the PDU structure"
// The table also names keywords the compiler refuses (they do not occur in the OCPP schemas), so
// that it stays the one mapping for whatever validator reports a keyword (the tests' oracle too).
constexpr std::array<std::pair<std::string_view, RpcErrorCode>, 20> kKeywordCodes{{
    {"type", RpcErrorCode::TypeConstraintViolation},
    {"required", RpcErrorCode::OccurrenceConstraintViolation},
    {"minItems", RpcErrorCode::OccurrenceConstraintViolation},
    {"maxItems", RpcErrorCode::OccurrenceConstraintViolation},
    {"minProperties", RpcErrorCode::OccurrenceConstraintViolation},
    {"maxProperties", RpcErrorCode::OccurrenceConstraintViolation},
    {"additionalItems", RpcErrorCode::OccurrenceConstraintViolation},
    {"dependencies", RpcErrorCode::OccurrenceConstraintViolation},
    {"maxLength", RpcErrorCode::PropertyConstraintViolation},
    {"minLength", RpcErrorCode::PropertyConstraintViolation},
    {"enum", RpcErrorCode::PropertyConstraintViolation},
    {"minimum", RpcErrorCode::PropertyConstraintViolation},
    {"maximum", RpcErrorCode::PropertyConstraintViolation},
    {"exclusiveMinimum", RpcErrorCode::PropertyConstraintViolation},
    {"exclusiveMaximum", RpcErrorCode::PropertyConstraintViolation},
    {"multipleOf", RpcErrorCode::PropertyConstraintViolation},
    {"pattern", RpcErrorCode::PropertyConstraintViolation},
    {"format", RpcErrorCode::PropertyConstraintViolation},
    {"uniqueItems", RpcErrorCode::PropertyConstraintViolation},
    {"additionalProperties", RpcErrorCode::FormatViolation},
}};

// ["A","B"] -> "[A, B]": the enum as a reader scans it, strings unquoted.
std::string list_values(const std::vector<std::string>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ", ";
    out += values[i];
  }
  return out + "]";
}

std::string json_quoted(std::string_view text) {
  return to_string(rapidjson::Value(rapidjson::StringRef(text.data(), static_cast<rapidjson::SizeType>(text.size()))));
}

// The first name of `required`, in the schema's order, that the object lacks.
std::string describe_required(const Node& schema, const rapidjson::Value& object) {
  for (const std::uint8_t index : schema.required) {
    const std::string_view name = schema.properties[index].name;
    const rapidjson::Value key(rapidjson::StringRef(name.data(), static_cast<rapidjson::SizeType>(name.size())));
    if (!object.HasMember(key)) return "missing required property " + json_quoted(name);
  }
  return "missing required property";
}

std::string describe_keyword(const Failure& f) {
  const Node& schema = *f.schema;
  const rapidjson::Value& value = *f.value;
  switch (f.keyword) {
    case Keyword::Type:
      return "type must be " + schema.type_text + ", got " + std::string(json_type_name(value));
    case Keyword::Required:
      return describe_required(schema, value);
    case Keyword::AdditionalProperties:
      return "property not allowed (additionalProperties is false)";
    case Keyword::MinItems:
      return "array has " + std::to_string(value.Size()) + " items, fewer than minItems " +
             std::to_string(schema.min_items);
    case Keyword::MaxItems:
      return "array has " + std::to_string(value.Size()) + " items, more than maxItems " +
             std::to_string(schema.max_items);
    case Keyword::MinLength:
      return "string shorter than minLength " + std::to_string(schema.min_length);
    case Keyword::MaxLength:
      return "string longer than maxLength " + std::to_string(schema.max_length);
    case Keyword::Enum:
      return "value not in enum " + list_values(schema.enumeration.values());
    case Keyword::Minimum:
      return quote_value(value) + " is less than minimum " + to_string(schema.minimum);
    case Keyword::Maximum:
      return quote_value(value) + " is greater than maximum " + to_string(schema.maximum);
    case Keyword::MultipleOf:
      return quote_value(value) + " is not a multipleOf " + to_string(schema.multiple_of);
    case Keyword::Format:
      return quote_value(value) + " is not an RFC 3339 date-time";
  }
  return "violates \"" + std::string(keyword_name(f.keyword)) + "\"";
}

}  // namespace

std::string_view keyword_name(Keyword keyword) {
  switch (keyword) {
    case Keyword::Type: return "type";
    case Keyword::Required: return "required";
    case Keyword::AdditionalProperties: return "additionalProperties";
    case Keyword::MinItems: return "minItems";
    case Keyword::MaxItems: return "maxItems";
    case Keyword::MinLength: return "minLength";
    case Keyword::MaxLength: return "maxLength";
    case Keyword::Enum: return "enum";
    case Keyword::Minimum: return "minimum";
    case Keyword::Maximum: return "maximum";
    case Keyword::MultipleOf: return "multipleOf";
    case Keyword::Format: return "format";
  }
  return "?";
}

RpcErrorCode code_for_keyword(std::string_view keyword) {
  for (const auto& [name, code] : kKeywordCodes) {
    if (name == keyword) return code;
  }
  // allOf/anyOf/oneOf/not/patternProperties do not occur in the OCPP schemas; whatever else fails
  // means the payload does not have the message's structure.
  return RpcErrorCode::FormatViolation;
}

ValidationError describe_failure(const Failure& failure) {
  return {code_for_keyword(keyword_name(failure.keyword)), field_prefix(failure.pointer()) + describe_keyword(failure)};
}

}  // namespace ocpp::schema_detail
