#pragma once
// Small helpers around RapidJSON shared by every block.
#include <rapidjson/document.h>

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

}  // namespace ocpp
