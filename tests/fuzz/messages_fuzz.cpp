// Fuzz target messages_v16 / messages_v201 (OCPP_FUZZ_V201 picks the version): from_json and
// to_json of the typed messages generated from schemas/ (ocpp/messages), for every action and both
// directions.
//
// Input: a first line naming the message, "<Action>.req" or "<Action>.conf" (as OCPP 1.6 names
// them), then the JSON payload. Unknown names are ignored.
//
// Beyond "no crash", it asserts:
// - reading throws only what the generated API says it throws (ocpp::JsonError for a wrong shape
//   or type, std::length_error for a string over its maxLength); anything else escapes and fails;
// - what reads is written in a normal form: writing it and reading that back gives an equal message
//   and the very same JSON (round_trip_mismatch of the written JSON is empty), i.e. the normal form
//   is reached in one step;
// - a payload that the schema validator accepts and that reads is written as JSON that the
//   validator accepts too: what the typed layer sends on after a valid input never fails the
//   outbound schema check.
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/messages/round_trip.hpp"
#include "ocpp/schema/validator.hpp"

#ifdef OCPP_FUZZ_V201
#include "ocpp/v201/message_fixtures.hpp"
#else
#include "ocpp/v16/message_fixtures.hpp"
#endif

namespace {

#ifdef OCPP_FUZZ_V201
constexpr ocpp::ProtocolVersion kVersion = ocpp::ProtocolVersion::v201;
const std::vector<ocpp::MessageFixture>& fixtures() { return ocpp::v201::fixtures::message_fixtures(); }
#else
constexpr ocpp::ProtocolVersion kVersion = ocpp::ProtocolVersion::v16;
const std::vector<ocpp::MessageFixture>& fixtures() { return ocpp::v16::fixtures::message_fixtures(); }
#endif

constexpr std::string_view kDiffers = "serialised JSON differs: ";

// "<Action>.req" / "<Action>.conf" -> the fixture that carries the message type's round trip.
const ocpp::MessageFixture* find_message(std::string_view name) {
  static const std::map<std::string, const ocpp::MessageFixture*, std::less<>> by_name = [] {
    std::map<std::string, const ocpp::MessageFixture*, std::less<>> m;
    for (const auto& f : fixtures()) {
      m.emplace(std::string(f.action) + (f.direction == "Request" ? ".req" : ".conf"), &f);
    }
    return m;
  }();
  const auto it = by_name.find(name);
  return it == by_name.end() ? nullptr : it->second;
}

// The round trip of `json`, or nullopt when it does not read (the exceptions the API names).
std::optional<std::string> round_trip(const ocpp::MessageFixture& m, std::string_view json) {
  try {
    return m.round_trip(json);
  } catch (const ocpp::JsonError&) {
    return std::nullopt;
  } catch (const std::length_error&) {
    return std::nullopt;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ocpp::SchemaValidator validator(kVersion);
  const std::string_view text = ocpp::fuzz::as_text(data, size);
  const std::size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return 0;
  const ocpp::MessageFixture* message = find_message(text.substr(0, newline));
  if (message == nullptr) return 0;
  const std::string_view json = text.substr(newline + 1);

  const auto mismatch = round_trip(*message, json);
  if (!mismatch) return 0;
  // "message parsed from the serialised JSON differs": to_json lost or changed something.
  FUZZ_REQUIRE(mismatch->empty() || mismatch->rfind(kDiffers, 0) == 0);
  const std::string written = mismatch->empty() ? std::string(json) : mismatch->substr(kDiffers.size());
  // The normal form reads back to the same JSON and an equal message.
  const auto again = round_trip(*message, written);
  FUZZ_REQUIRE(again.has_value());
  if (!again->empty()) std::fprintf(stderr, "written: %s\nagain: %s\n", written.c_str(), again->c_str());
  FUZZ_REQUIRE(again->empty());

  const ocpp::MessageKind kind =
      message->direction == "Request" ? ocpp::MessageKind::Request : ocpp::MessageKind::Response;
  rapidjson::Document input;
  if (ocpp::parse_json(input, json) || validator.validate(message->action, kind, input)) return 0;
  rapidjson::Document output;
  FUZZ_REQUIRE(!ocpp::parse_json(output, written));
  const auto outbound = validator.validate(message->action, kind, output);
  if (outbound) std::fprintf(stderr, "written: %s\nrefused: %s\n", written.c_str(), outbound->description.c_str());
  FUZZ_REQUIRE(!outbound);
  return 0;
}
