#pragma once
// Small helpers around RapidJSON shared by every block.
#include <rapidjson/document.h>
#include <rapidjson/error/error.h>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace ocpp {

// Thrown when JSON does not have the shape a typed message needs. The message names the field path.
class JsonError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string to_string(const rapidjson::Value& v);
inline rapidjson::Value json_string(std::string_view s, rapidjson::Document::AllocatorType& a) {
  return rapidjson::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}
inline std::string_view as_string_view(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

// The deepest nesting of arrays and objects accepted in JSON that comes from outside: OCPP frames,
// control socket requests, HTTP API bodies, configuration files. RapidJSON's parser and every walk
// over a document (schema validation, copies, serialisation) recurse once per level, so some
// hundred kilobytes of "[[[[" would overflow the stack. The deepest OCPP message (2.0.1
// ReportChargingProfiles, customData included) nests 14 levels counting its frame; 32 leaves room
// for vendor data in customData and DataTransfer.
inline constexpr unsigned kMaxJsonDepth = 32;

struct JsonParseError {
  bool too_deep = false;                                        // nesting beyond the limit
  rapidjson::ParseErrorCode code = rapidjson::kParseErrorNone;  // otherwise, RapidJSON's reason
  std::size_t offset = 0;                                       // byte where parsing stopped
  unsigned max_depth = kMaxJsonDepth;
  // "nested deeper than 32 levels", or RapidJSON's English text ("Invalid value.").
  std::string message() const;
};

struct JsonParseOptions {
  unsigned max_depth = kMaxJsonDepth;
  bool validate_encoding = false;  // kParseValidateEncodingFlag: refuse invalid UTF-8
};

// Parses `text` into `doc`, refusing more than `max_depth` levels of arrays and objects before they
// are built. nullopt on success; on failure `doc` is left as it was.
std::optional<JsonParseError> parse_json(rapidjson::Document& doc, std::string_view text,
                                         JsonParseOptions options = {});
// The same in place (kParseInsituFlag): `text` is NUL-terminated and writable, and outlives `doc`,
// whose strings point into it. It is modified even when parsing fails.
std::optional<JsonParseError> parse_json_insitu(rapidjson::Document& doc, char* text,
                                                unsigned max_depth = kMaxJsonDepth);

}  // namespace ocpp
