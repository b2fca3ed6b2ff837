#pragma once
// JSON pointers (RFC 6901) for naming the failing field in a validation error, and the renderings
// of payload values that descriptions quote.
#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace ocpp::schema_detail {

// Appends one reference token, escaped as RFC 6901 §3 requires ("~" -> "~0", "/" -> "~1").
void append_pointer_token(std::string& pointer, std::string_view token);
void append_pointer_index(std::string& pointer, std::size_t index);

// "/a/b: " for a non-root pointer, "" for the root, so descriptions read naturally.
std::string field_prefix(const std::string& pointer);

// A JSON rendering of a payload value for an error message, shortened so that a huge or hostile
// value cannot blow up the description (DESIGN.md principle 7: clear errors, bounded).
std::string quote_value(const rapidjson::Value& value);

// "object", "array", "string", "integer", "number", "boolean" or "null" (JSON Schema's names).
std::string_view json_type_name(const rapidjson::Value& value);

}  // namespace ocpp::schema_detail
