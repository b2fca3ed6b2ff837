#include "compiled_schema.hpp"

#include <rapidjson/stringbuffer.h>

#include <stdexcept>
#include <string>

#include "error_description.hpp"
#include "json_pointer.hpp"

namespace ocpp::schema_detail {
namespace {

std::string stringify(const rapidjson::Pointer& pointer) {
  rapidjson::StringBuffer buffer;
  pointer.Stringify(buffer);
  return {buffer.GetString(), buffer.GetSize()};
}

}  // namespace

CompiledSchema::CompiledSchema(std::string_view json_text) : text_(json_text) {
  // The parsed source lives only while compiling: RapidJSON's SchemaDocument copies what it needs.
  rapidjson::Document source;
  source.Parse(text_.data(), text_.size());
  if (source.HasParseError() || !source.IsObject()) {
    throw std::runtime_error("embedded OCPP schema is not a JSON object");
  }
  checks_ = collect_value_checks(source);
  strip_multiple_of(source);
  schema_ = std::make_unique<rapidjson::SchemaDocument>(source);
}

std::optional<ValidationError> CompiledSchema::validate(const rapidjson::Value& payload) const {
  // OCPP-J 1.6 §4.1.4 / 2.0.1 Part 4 §4.1.4: the payload is a JSON object. Anything else does not
  // have the PDU structure at all (FormationViolation), rather than a field of the wrong type.
  if (!payload.IsObject()) {
    return ValidationError{RpcErrorCode::FormatViolation,
                           "payload must be a JSON object, got " + std::string(json_type_name(payload))};
  }
  rapidjson::SchemaValidator validator(*schema_);
  if (!payload.Accept(validator) || !validator.IsValid()) {
    const char* keyword = validator.GetInvalidSchemaKeyword();
    const SchemaFailure failure{keyword != nullptr ? keyword : "", stringify(validator.GetInvalidSchemaPointer()),
                                stringify(validator.GetInvalidDocumentPointer())};
    return describe_failure(text_, failure, payload);
  }
  return run_value_checks(checks_, payload);
}

}  // namespace ocpp::schema_detail
