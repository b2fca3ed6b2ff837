#include "error_description.hpp"

#include <array>
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

const rapidjson::Value* member(const rapidjson::Value* object, const char* name) {
  if (object == nullptr || !object->IsObject()) return nullptr;
  const auto it = object->FindMember(name);
  return it == object->MemberEnd() ? nullptr : &it->value;
}

bool is_true(const rapidjson::Value* v) { return v != nullptr && v->IsBool() && v->GetBool(); }

// ["A","B"] -> "[A, B]": the enum as a reader scans it, strings unquoted.
std::string list_values(const rapidjson::Value& array) {
  std::string out = "[";
  for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
    if (i > 0) out += ", ";
    out += array[i].IsString() ? std::string(as_string_view(array[i])) : to_string(array[i]);
  }
  return out + "]";
}

std::string describe_required(const rapidjson::Value* schema, const rapidjson::Value* value) {
  const rapidjson::Value* required = member(schema, "required");
  if (required != nullptr && required->IsArray() && value != nullptr && value->IsObject()) {
    for (const auto& name : required->GetArray()) {
      if (name.IsString() && !value->HasMember(name)) return "missing required property " + to_string(name);
    }
  }
  return "missing required property";
}

ValidationError describe_additional(const rapidjson::Value* schema, const rapidjson::Value* value,
                                    const std::string& pointer) {
  const rapidjson::Value* properties = member(schema, "properties");
  if (value != nullptr && value->IsObject()) {
    for (const auto& m : value->GetObject()) {
      if (properties == nullptr || !properties->IsObject() || !properties->HasMember(m.name)) {
        std::string at = pointer;
        append_pointer_token(at, as_string_view(m.name));
        return {RpcErrorCode::FormatViolation, at + ": property not allowed (additionalProperties is false)"};
      }
    }
  }
  return {RpcErrorCode::FormatViolation,
          field_prefix(pointer) + "property not allowed (additionalProperties is false)"};
}

std::string describe_keyword(const std::string& keyword, const rapidjson::Value* schema,
                             const rapidjson::Value* value) {
  const rapidjson::Value* limit = member(schema, keyword.c_str());
  const std::string limit_text = limit != nullptr ? to_string(*limit) : "?";
  const std::string shown = value != nullptr ? quote_value(*value) : "value";
  if (keyword == "type") {
    const std::string expected =
        limit != nullptr && limit->IsString() ? std::string(as_string_view(*limit)) : limit_text;
    return "type must be " + expected + ", got " +
           std::string(value != nullptr ? json_type_name(*value) : "another type");
  }
  if (keyword == "enum") {
    return "value not in enum " + (limit != nullptr && limit->IsArray() ? list_values(*limit) : limit_text);
  }
  if (keyword == "maxLength") return "string longer than maxLength " + limit_text;
  if (keyword == "minLength") return "string shorter than minLength " + limit_text;
  if (keyword == "minimum") {
    return is_true(member(schema, "exclusiveMinimum")) ? shown + " is not above exclusive minimum " + limit_text
                                                       : shown + " is less than minimum " + limit_text;
  }
  if (keyword == "maximum") {
    return is_true(member(schema, "exclusiveMaximum")) ? shown + " is not below exclusive maximum " + limit_text
                                                       : shown + " is greater than maximum " + limit_text;
  }
  if (keyword == "multipleOf") return shown + " is not a multipleOf " + limit_text;
  if (keyword == "pattern") return "string does not match pattern " + limit_text;
  const std::string count =
      value != nullptr && value->IsArray() ? std::to_string(value->Size()) + " items" : std::string("items");
  if (keyword == "minItems") return "array has " + count + ", fewer than minItems " + limit_text;
  if (keyword == "maxItems") return "array has " + count + ", more than maxItems " + limit_text;
  return "violates \"" + keyword + "\"";
}

}  // namespace

RpcErrorCode code_for_keyword(std::string_view keyword) {
  for (const auto& [name, code] : kKeywordCodes) {
    if (name == keyword) return code;
  }
  // allOf/anyOf/oneOf/not/patternProperties do not occur in the OCPP schemas; whatever else fails
  // means the payload does not have the message's structure.
  return RpcErrorCode::FormatViolation;
}

ValidationError describe_failure(std::string_view schema_text, const SchemaFailure& failure,
                                 const rapidjson::Value& payload) {
  rapidjson::Document document;
  document.Parse(schema_text.data(), schema_text.size());
  const rapidjson::Value* schema = nullptr;
  if (!document.HasParseError()) {
    if (const rapidjson::Value* at = value_at(document, failure.schema_pointer)) schema = resolve_refs(*at, document);
  }
  const rapidjson::Value* value = value_at(payload, failure.document_pointer);
  const std::string& pointer = failure.document_pointer;

  if (failure.keyword == "additionalProperties") return describe_additional(schema, value, pointer);
  const RpcErrorCode code = code_for_keyword(failure.keyword);
  if (failure.keyword == "required") return {code, field_prefix(pointer) + describe_required(schema, value)};
  return {code, field_prefix(pointer) + describe_keyword(failure.keyword, schema, value)};
}

}  // namespace ocpp::schema_detail
