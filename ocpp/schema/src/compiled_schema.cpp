#include "compiled_schema.hpp"

#include <stdexcept>
#include <string>

#include "error_description.hpp"
#include "json_pointer.hpp"
#include "tree_validator.hpp"

namespace ocpp::schema_detail {

CompiledSchema::CompiledSchema(std::string_view json_text) {
  // The parsed source lives only while compiling: the nodes copy what they need.
  rapidjson::Document source;
  source.Parse(json_text.data(), json_text.size());
  if (source.HasParseError() || !source.IsObject()) {
    throw std::runtime_error("embedded OCPP schema is not a JSON object");
  }
  tree_ = compile_schema(source);
}

std::optional<ValidationError> CompiledSchema::validate(const rapidjson::Value& payload) const {
  // OCPP-J 1.6 §4.1.4 / 2.0.1 Part 4 §4.1.4: the payload is a JSON object. Anything else does not
  // have the PDU structure at all (FormationViolation), rather than a field of the wrong type.
  if (!payload.IsObject()) {
    return ValidationError{RpcErrorCode::FormatViolation,
                           "payload must be a JSON object, got " + std::string(json_type_name(payload))};
  }
  Failure failure;
  if (validate_tree(*tree_.root, payload, failure)) return std::nullopt;
  return describe_failure(failure);
}

}  // namespace ocpp::schema_detail
