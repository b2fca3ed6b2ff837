// Fuzz target rpc_v16 / rpc_v201 (OCPP_FUZZ_V201 picks the version): the OCPP-J frame parser
// (ocpp/rpc frame.hpp) and the schema validator of one version (ocpp/schema), as an inbound frame
// goes through them on a connection.
//
// Input: the text of one frame. A CALL's payload is validated as <action>.req. A CALLRESULT does
// not name its action, so the target validates its payload as the response of the action its
// message id names (the corpus names ids so: [3,"BootNotification",{...}]).
//
// Beyond "no crash", it asserts:
// - a frame that parses re-serializes (serialize_call / serialize_call_result) to a frame that
//   parses to the same type, id, action and payload (member by member, numbers within a few ULPs);
//   a CALLERROR keeps its id and code;
// - peek_message_id and peek_is_call, which read frames too large to parse, never contradict the
//   parser: the id they find is "-1" or the parsed id, and a parsed frame is a CALL iff they say so;
// - a refused frame has an id of 1 to 36 characters (or "-1") and a reason; CALLRESULTs and
//   CALLERRORs are never answerable;
// - validation is deterministic (a second run on the cached compiled schema, and a run on the
//   re-parsed payload, give the same verdict), a refusal carries a payload-level error code that
//   survives the version's wire spelling and a description, and an unknown action gives
//   NotImplemented;
// - the validator agrees on valid-or-not with the independent oracle of the schema unit tests
//   (RapidJSON's own SchemaValidator on the verbatim schema files plus the date-time and
//   multipleOf pass, tests/unit/schema/rapidjson_oracle.hpp).
#include <cfloat>
#include <cmath>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "fuzz_support.hpp"
#include "ocpp/common/error_code.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/rpc/frame.hpp"
#include "ocpp/schema/validator.hpp"
#include "rapidjson_oracle.hpp"

namespace {

using ocpp::MessageKind;
using ocpp::ProtocolVersion;
using ocpp::RpcErrorCode;
using ocpp::rpc::FrameError;
using ocpp::rpc::InboundFrame;
using ocpp::rpc::MessageType;

#ifdef OCPP_FUZZ_V201
constexpr ProtocolVersion kVersion = ProtocolVersion::v201;
constexpr const char* kSchemaFile = OCPP_SOURCE_DIR "/schemas/v201/ocpp2_0_1.json";
#else
constexpr ProtocolVersion kVersion = ProtocolVersion::v16;
constexpr const char* kSchemaFile = OCPP_SOURCE_DIR "/schemas/v16/ocpp1_6.json";
#endif

bool payload_level(RpcErrorCode code) {
  switch (code) {
    case RpcErrorCode::FormatViolation:
    case RpcErrorCode::OccurrenceConstraintViolation:
    case RpcErrorCode::PropertyConstraintViolation:
    case RpcErrorCode::TypeConstraintViolation:
    case RpcErrorCode::NotImplemented:
      return true;
    default:
      return false;
  }
}

bool same_verdict(const std::optional<ocpp::ValidationError>& a, const std::optional<ocpp::ValidationError>& b) {
  if (a.has_value() != b.has_value()) return false;
  return !a || (a->code == b->code && a->description == b->description);
}

void check_frame_error(const FrameError& e, std::string_view text) {
  FUZZ_REQUIRE(e.id == ocpp::rpc::kUnknownMessageId ||
               (!e.id.empty() && e.id.size() <= ocpp::rpc::kMaxMessageIdLength));
  FUZZ_REQUIRE(!e.description.empty());
  // An answer to a CALLRESULT or CALLERROR would start a ping-pong of errors.
  if (ocpp::rpc::peek_is_call(text)) FUZZ_REQUIRE(e.answerable);
}

void check_validation(ocpp::SchemaValidator& validator, const ocpp::test::RapidJsonOracle& oracle,
                      std::string_view action, MessageKind kind, const rapidjson::Value& payload) {
  const auto first = validator.validate(action, kind, payload);
  const auto again = validator.validate(action, kind, payload);
  FUZZ_REQUIRE(same_verdict(first, again));
  // The payload as it would be sent on, parsed again.
  rapidjson::Document reparsed;
  FUZZ_REQUIRE(!ocpp::parse_json(reparsed, ocpp::to_string(payload)));
  FUZZ_REQUIRE(same_verdict(first, validator.validate(action, kind, reparsed)));
  if (!validator.has_schema(action, kind)) {
    FUZZ_REQUIRE(first.has_value() && first->code == RpcErrorCode::NotImplemented);
    return;
  }
  if (first) {
    FUZZ_REQUIRE(payload_level(first->code));
    FUZZ_REQUIRE(!first->description.empty());
    FUZZ_REQUIRE(ocpp::parse_error_code(ocpp::wire_name(first->code, kVersion), kVersion) == first->code);
  }
  FUZZ_REQUIRE(oracle.has_schema(action, kind));
  const ocpp::test::OracleVerdict expected = oracle.check(action, kind, payload);
  if (expected.valid != !first.has_value()) {
    std::fprintf(stderr, "validator and oracle disagree on %.*s: validator %s, oracle %s (%s at '%s')\n",
                 static_cast<int>(action.size()), action.data(), first ? first->description.c_str() : "valid",
                 expected.valid ? "valid" : "invalid", expected.keyword.c_str(), expected.pointer.c_str());
  }
  FUZZ_REQUIRE(expected.valid == !first.has_value());
}

// Member by member in order, not RapidJSON's ==, which looks members up by name (a payload with a
// duplicate key of two values is not even equal to itself). Doubles within a few ULPs: RapidJSON
// 1.1.0 parses without kParseFullPrecisionFlag, so a number of more than 15 significant digits or
// a large exponent (1.474836e48) can come back one or two ULPs off after writing and reading.
bool same_json(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.GetType() != b.GetType()) return false;
  if (a.IsNumber()) {
    if (a.IsInt64() && b.IsInt64()) return a.GetInt64() == b.GetInt64();
    if (a.IsUint64() && b.IsUint64()) return a.GetUint64() == b.GetUint64();
    const double x = a.GetDouble(), y = b.GetDouble();
    return x == y || std::fabs(x - y) <= 8 * DBL_EPSILON * std::fmax(std::fabs(x), std::fabs(y));
  }
  if (a.IsString()) return ocpp::as_string_view(a) == ocpp::as_string_view(b);
  if (a.IsArray()) {
    if (a.Size() != b.Size()) return false;
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!same_json(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) return false;
    for (auto x = a.MemberBegin(), y = b.MemberBegin(); x != a.MemberEnd(); ++x, ++y) {
      if (ocpp::as_string_view(x->name) != ocpp::as_string_view(y->name) || !same_json(x->value, y->value)) return false;
    }
    return true;
  }
  return a == b;  // null, true, false
}

void check_round_trip(const InboundFrame& f) {
  std::string text;
  switch (f.type()) {
    case MessageType::Call: text = ocpp::rpc::serialize_call(f.id(), f.action(), f.payload()); break;
    case MessageType::CallResult: text = ocpp::rpc::serialize_call_result(f.id(), f.payload()); break;
    case MessageType::CallError:
      text = ocpp::rpc::serialize_call_error(f.id(), f.error_code(), f.error_description());
      break;
  }
  auto again = ocpp::rpc::parse_frame(text);
  FUZZ_REQUIRE(std::holds_alternative<InboundFrame>(again));
  const InboundFrame& g = std::get<InboundFrame>(again);
  FUZZ_REQUIRE(g.type() == f.type());
  FUZZ_REQUIRE(g.id() == f.id());
  if (f.type() == MessageType::CallError) {
    FUZZ_REQUIRE(g.error_code() == f.error_code());
    // The description is cut to 255 bytes on a character boundary.
    FUZZ_REQUIRE(g.error_description().size() <= 255);
    FUZZ_REQUIRE(f.error_description().substr(0, g.error_description().size()) == g.error_description());
    return;
  }
  FUZZ_REQUIRE(g.action() == f.action());
  FUZZ_REQUIRE(same_json(g.payload(), f.payload()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static ocpp::SchemaValidator validator(kVersion);
  static const auto oracle = std::make_unique<ocpp::test::RapidJsonOracle>(kSchemaFile);
  const std::string_view text = ocpp::fuzz::as_text(data, size);

  auto parsed = ocpp::rpc::parse_frame(text);
  const std::string peeked = ocpp::rpc::peek_message_id(text);
  if (const auto* error = std::get_if<FrameError>(&parsed)) {
    check_frame_error(*error, text);
    return 0;
  }
  const InboundFrame& frame = std::get<InboundFrame>(parsed);
  FUZZ_REQUIRE(!frame.id().empty() && frame.id().size() <= ocpp::rpc::kMaxMessageIdLength);
  FUZZ_REQUIRE(peeked == ocpp::rpc::kUnknownMessageId || peeked == frame.id());
  FUZZ_REQUIRE(ocpp::rpc::peek_is_call(text) == (frame.type() == MessageType::Call));
  check_round_trip(frame);

  if (frame.type() == MessageType::Call) {
    check_validation(validator, *oracle, frame.action(), MessageKind::Request, frame.payload());
  } else if (frame.type() == MessageType::CallResult && validator.has_schema(frame.id(), MessageKind::Response)) {
    check_validation(validator, *oracle, frame.id(), MessageKind::Response, frame.payload());
  }
  return 0;
}
