#pragma once
// One action's schema (<Action>.req or .conf), compiled into the validator's own node graph.
#include <rapidjson/document.h>

#include <optional>
#include <string_view>

#include "ocpp/common/error_code.hpp"
#include "schema_compiler.hpp"

namespace ocpp::schema_detail {

class CompiledSchema {
 public:
  // Throws std::runtime_error when the text is not a JSON object, or when it uses a keyword or a
  // form of one that the validator does not implement (see schema_compiler.hpp).
  explicit CompiledSchema(std::string_view json_text);
  CompiledSchema(const CompiledSchema&) = delete;
  CompiledSchema& operator=(const CompiledSchema&) = delete;

  std::optional<ValidationError> validate(const rapidjson::Value& payload) const;

 private:
  CompiledTree tree_;
};

}  // namespace ocpp::schema_detail
