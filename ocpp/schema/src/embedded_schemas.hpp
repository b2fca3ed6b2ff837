#pragma once
// The schema texts embedded at build time by tools/codegen/embed_schemas.py (the generated source
// lives in the build tree). One entry per <Action>.req / <Action>.conf schema.
#include <cstddef>
#include <string_view>

#include "ocpp/common/version.hpp"
#include "ocpp/schema/validator.hpp"

namespace ocpp::schema_detail {

struct EmbeddedSchema {
  std::string_view action;
  MessageKind kind;
  std::string_view json;
};

// Sorted by (action, kind) with Request before Response, for binary search.
struct EmbeddedSchemaTable {
  const EmbeddedSchema* entries;
  std::size_t size;

  const EmbeddedSchema* begin() const { return entries; }
  const EmbeddedSchema* end() const { return entries + size; }
};

EmbeddedSchemaTable embedded_schemas(ProtocolVersion v);

}  // namespace ocpp::schema_detail
