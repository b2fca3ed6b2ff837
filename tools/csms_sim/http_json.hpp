#pragma once
// Small helpers shared by the HTTP API's handlers: JSON answers and errors, query parameters.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>

#include "http_server.hpp"
#include "ocpp/transport/url.hpp"

namespace ocpp::csms::http {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline HttpResponse json_response(int status, const std::string& body) {
  return HttpResponse{status, "application/json", body, {}};
}

// {"error": message}, the API's error shape (docs/reference-csms.md).
inline HttpResponse error(int status, const std::string& message) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("error");
  w.String(message.c_str());
  w.EndObject();
  return json_response(status, b.GetString());
}

inline void write_optional(Writer& w, const char* key, const std::optional<std::int64_t>& v) {
  w.Key(key);
  if (v) w.Int64(*v); else w.Null();
}

inline void write_optional(Writer& w, const char* key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) w.String(v->c_str()); else w.Null();
}

inline void write_string(Writer& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

// The value of `key` in a query string ("a=1&b=x%26y", as HttpServer builds it), percent-decoded.
inline std::optional<std::string> query_param(const std::string& query, const std::string& key) {
  const std::string encoded_key = transport::percent_encode(key);
  std::size_t start = 0;
  while (start < query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string pair = query.substr(start, end - start);
    if (pair == encoded_key) return std::string();
    if (pair.rfind(encoded_key + "=", 0) == 0) return transport::percent_decode(pair.substr(encoded_key.size() + 1), true);
    start = end + 1;
  }
  return std::nullopt;
}

inline std::string query_value(const std::string& query, const std::string& key) {
  return query_param(query, key).value_or("");
}

}  // namespace ocpp::csms::http
