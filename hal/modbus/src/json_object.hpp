#pragma once
// Strict reading of a JSON object with the key path in every error (DESIGN.md principle 7: an
// unknown key or a wrong type is refused with its path), for the meter map files.
#include <rapidjson/document.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/common/json.hpp"
#include "ocpp/hal/modbus/meter_model.hpp"

namespace ocpp::hal::modbus::detail {

[[noreturn]] inline void fail(const std::string& path, const std::string& what) {
  throw MeterModelError(path.empty() ? what : path + ": " + what);
}

inline std::string shown(const rapidjson::Value& v) {
  std::string text = ocpp::to_string(v);
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

class JsonObject {
 public:
  JsonObject(const rapidjson::Value& value, std::string path, const std::vector<std::string_view>& known)
      : value_(value), path_(std::move(path)) {
    if (!value.IsObject()) fail(path_, "expected an object, got " + shown(value));
    std::vector<std::string_view> seen;
    for (const auto& m : value.GetObject()) {
      const std::string_view key = as_string_view(m.name);
      if (std::find(known.begin(), known.end(), key) == known.end()) fail(key_path(key), "unknown key");
      if (std::find(seen.begin(), seen.end(), key) != seen.end()) fail(key_path(key), "duplicate key");
      seen.push_back(key);
    }
  }

  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const rapidjson::Value* find(std::string_view key) const {
    const auto it = value_.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    return it == value_.MemberEnd() ? nullptr : &it->value;
  }

  const rapidjson::Value& required(std::string_view key) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) fail(key_path(key), "required key missing");
    return *v;
  }

  std::optional<std::string> string(std::string_view key) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->IsString()) fail(key_path(key), "expected a string, got " + shown(*v));
    return std::string(v->GetString(), v->GetStringLength());
  }

  std::optional<int> integer(std::string_view key, int min, int max) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->IsInt() || v->GetInt() < min || v->GetInt() > max) {
      fail(key_path(key), "expected an integer " + std::to_string(min) + "-" + std::to_string(max) + ", got " + shown(*v));
    }
    return v->GetInt();
  }

  std::optional<bool> boolean(std::string_view key) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->IsBool()) fail(key_path(key), "expected true or false, got " + shown(*v));
    return v->GetBool();
  }

  std::optional<double> number(std::string_view key) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->IsNumber() || !std::isfinite(v->GetDouble())) fail(key_path(key), "expected a number, got " + shown(*v));
    return v->GetDouble();
  }

 private:
  const rapidjson::Value& value_;
  std::string path_;
};

}  // namespace ocpp::hal::modbus::detail
