#pragma once
// Round-trip check of a generated message type, for tests (ours and integrators'): JSON text ->
// T -> JSON must give the same JSON value, and parsing that again must give an equal T.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

#include "ocpp/messages/serialize.hpp"

namespace ocpp {

// One message's samples, as the generated ocpp/<version>/message_fixtures.hpp lists them.
struct MessageFixture {
  std::string_view action;
  std::string_view direction;  // "Request" or "Response"
  std::string_view maximal;    // every optional field present, arrays of 2, strings at maxLength
  std::string_view minimal;    // only the required fields
  std::string (*round_trip)(std::string_view json);  // round_trip_mismatch<the message type>
};

// Returns an empty string when `json` survives the round trip, otherwise what differs.
// Exceptions from parsing (JsonError, std::length_error) propagate to the caller.
template <class T>
std::string round_trip_mismatch(std::string_view json) {
  rapidjson::Document original;
  messages::detail::parse_document(json, original);
  T first;
  from_json(original, first);

  rapidjson::Document written;
  to_json(first, written, written.GetAllocator());
  const rapidjson::Value& written_value = written;
  const rapidjson::Value& original_value = original;
  if (!messages::detail::same_json(written_value, original_value)) {
    return "serialised JSON differs: " + messages::detail::write_compact(written);
  }
  T second;
  from_json(written, second);
  if (!(first == second)) return "message parsed from the serialised JSON differs";
  return {};
}

}  // namespace ocpp
