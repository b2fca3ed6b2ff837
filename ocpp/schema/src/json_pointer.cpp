#include "json_pointer.hpp"

#include "ocpp/common/json.hpp"

namespace ocpp::schema_detail {
namespace {

constexpr std::size_t kMaxQuotedBytes = 64;

// Cuts UTF-8 text to at most `limit` bytes without splitting a multi-byte character.
std::string_view cut_utf8(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut);
}

}  // namespace

void append_pointer_token(std::string& pointer, std::string_view token) {
  pointer += '/';
  for (const char c : token) {
    if (c == '~') {
      pointer += "~0";
    } else if (c == '/') {
      pointer += "~1";
    } else {
      pointer += c;
    }
  }
}

void append_pointer_index(std::string& pointer, std::size_t index) {
  pointer += '/';
  pointer += std::to_string(index);
}

std::string field_prefix(const std::string& pointer) { return pointer.empty() ? std::string() : pointer + ": "; }

std::string quote_value(const rapidjson::Value& value) {
  if (value.IsString()) {
    const std::string_view text = as_string_view(value);
    const std::string_view shown = cut_utf8(text, kMaxQuotedBytes);
    const rapidjson::Value shortened(
        rapidjson::StringRef(shown.data(), static_cast<rapidjson::SizeType>(shown.size())));
    return to_string(shortened) + (shown.size() < text.size() ? "..." : "");
  }
  const std::string rendered = to_string(value);
  const std::string_view shown = cut_utf8(rendered, kMaxQuotedBytes);
  return std::string(shown) + (shown.size() < rendered.size() ? "..." : "");
}

std::string_view json_type_name(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return value.IsInt64() || value.IsUint64() ? "integer" : "number";
  }
  return "value";
}

}  // namespace ocpp::schema_detail
