#pragma once
// Validates a payload (a RapidJSON DOM) against a compiled schema by walking both together. On the
// success path it allocates nothing and keeps no JSON pointer: where a failure is, is collected
// only while the walk unwinds from it.
//
// Which failure is reported when there are several is the one RapidJSON 1.1.0's validator (used
// before, and still the tests' oracle) reports: the first in document order, with a value's own
// keywords (type, then length or range, then enum) before those of its members, an object's
// additionalProperties at the offending member and its required after all members, an array's
// minItems/maxItems after its items. `format: date-time` and `multipleOf` were a second pass after
// RapidJSON's, so they only count when nothing else fails anywhere in the payload.
#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "schema_node.hpp"

namespace ocpp::schema_detail {

// One step from a value to a child: a member name or an array index.
struct PathToken {
  std::string_view name;
  std::size_t index = 0;
  bool is_index = false;
};

struct Failure {
  Keyword keyword = Keyword::Type;
  const Node* schema = nullptr;           // the node whose keyword failed
  const rapidjson::Value* value = nullptr;  // the value it failed on
  // From the failing value up to the payload's root. For additionalProperties, the first token is
  // the offending member of `value`.
  std::vector<PathToken> path;

  // The RFC 6901 pointer of the failing value (of the offending member for additionalProperties).
  std::string pointer() const;
};

// True when `payload` conforms to `root`; otherwise false, with `failure` filled in.
bool validate_tree(const Node& root, const rapidjson::Value& payload, Failure& failure);

}  // namespace ocpp::schema_detail
