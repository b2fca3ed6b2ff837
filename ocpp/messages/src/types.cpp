#include "ocpp/messages/types.hpp"

#include <rapidjson/error/en.h>

#include <stdexcept>
#include <string>

#include "ocpp/common/json.hpp"

namespace ocpp {
namespace messages::detail {

std::size_t count_characters(std::string_view utf8) {
  // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
  std::size_t count = 0;
  for (const char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0U) != 0x80U) ++count;
  }
  return count;
}

void throw_too_long(std::size_t limit, std::size_t length) {
  throw std::length_error("CiString<" + std::to_string(limit) + ">: " + std::to_string(length) +
                          " characters exceed the limit of " + std::to_string(limit));
}

namespace {
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
}  // namespace

int compare_ignoring_case(std::string_view a, std::string_view b) {
  const std::size_t n = a.size() < b.size() ? a.size() : b.size();
  for (std::size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(ascii_lower(a[i]));
    const auto y = static_cast<unsigned char>(ascii_lower(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

}  // namespace messages::detail

RawJson::RawJson(std::string_view json_text) {
  rapidjson::Document doc;
  doc.Parse(json_text.data(), json_text.size());
  if (doc.HasParseError()) {
    throw JsonError("raw JSON value at offset " + std::to_string(doc.GetErrorOffset()) + ": " +
                    rapidjson::GetParseError_En(doc.GetParseError()));
  }
  text_ = to_string(doc);
}

RawJson RawJson::from_value(const rapidjson::Value& value) {
  RawJson raw;
  raw.text_ = to_string(value);
  return raw;
}

rapidjson::Value RawJson::to_value(rapidjson::Document::AllocatorType& a) const {
  // The document allocates its values with `a`; only its parse stack is its own.
  rapidjson::Document doc(&a);
  doc.Parse(text_.data(), text_.size());
  rapidjson::Value out;
  out.Swap(doc);
  return out;
}

}  // namespace ocpp
