#pragma once
// Message <-> JSON text for the generated message types (ocpp/v16/messages.hpp,
// ocpp/v201/messages.hpp): `auto req = ocpp::parse<v16::BootNotificationRequest>(text);`
// and `std::string text = ocpp::serialize(req);`.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "ocpp/common/json.hpp"

namespace ocpp {

namespace messages::detail {
// Parses `json` into `doc`; throws JsonError with the offset and the reason when it is not JSON.
void parse_document(std::string_view json, rapidjson::Document& doc);
// Compact JSON text of `v`; throws JsonError for a number that JSON cannot carry (NaN, infinity).
std::string write_compact(const rapidjson::Value& v);
// Equal as JSON values: object members in any order, but members of one name (JSON lets a name
// repeat, RFC 8259 §4) compared in the order they come. RapidJSON's == looks a member up by its
// name and finds only the first, so an object with a name repeated with two values is not even
// equal to itself (found by the messages_v201 fuzz target: a DataTransfer's data, kept as it came).
bool same_json(const rapidjson::Value& a, const rapidjson::Value& b);
}  // namespace messages::detail

template <class T>
std::string serialize(const T& message) {
  rapidjson::Document doc;
  to_json(message, doc, doc.GetAllocator());
  return messages::detail::write_compact(doc);
}

// Throws JsonError when `json` is not JSON or does not have the shape of T (the message names
// the field path). Unknown fields are ignored: checking against the schema is the schema block's
// job (DESIGN.md principle 5).
template <class T>
T parse(std::string_view json) {
  rapidjson::Document doc;
  messages::detail::parse_document(json, doc);
  T message;
  from_json(doc, message);
  return message;
}

}  // namespace ocpp
