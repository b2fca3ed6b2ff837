#pragma once
// One action's schema, compiled for RapidJSON plus the checks of the second pass.
#include <rapidjson/document.h>
#include <rapidjson/schema.h>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "ocpp/common/error_code.hpp"
#include "value_checks.hpp"

namespace ocpp::schema_detail {

class CompiledSchema {
 public:
  // `json_text` must outlive the object (it is one of the embedded schemas). Throws
  // std::runtime_error when the text is not JSON.
  explicit CompiledSchema(std::string_view json_text);
  CompiledSchema(const CompiledSchema&) = delete;
  CompiledSchema& operator=(const CompiledSchema&) = delete;

  std::optional<ValidationError> validate(const rapidjson::Value& payload) const;

 private:
  std::string_view text_;
  // RapidJSON's SchemaDocument allocates with plain malloc (CrtAllocator), so it holds only what
  // the compiled schema needs.
  std::unique_ptr<rapidjson::SchemaDocument> schema_;
  std::vector<ValueCheck> checks_;
};

}  // namespace ocpp::schema_detail
