#pragma once
// Compiles one JSON schema document (an OCPP <Action>.req or .conf schema) into the node graph of
// schema_node.hpp. `$ref`s are resolved here, once; a definition used in several places becomes
// one shared node.
#include <rapidjson/document.h>

#include <memory>
#include <vector>

#include "schema_node.hpp"

namespace ocpp::schema_detail {

struct CompiledTree {
  std::vector<std::unique_ptr<Node>> nodes;  // owns every node; nodes point at each other
  const Node* root = nullptr;
};

// Throws std::runtime_error, naming the keyword and where it is (as a JSON pointer into the
// schema), for anything the validator would not check as the schema says: a keyword it does not
// know, a keyword value of an unexpected form, a dangling or non-local `$ref`, a recursive schema.
CompiledTree compile_schema(const rapidjson::Value& root_schema);

}  // namespace ocpp::schema_detail
