#pragma once
// OCPP-J framing (1.6 OCPP-J §4, 2.0.1 Part 4 §4):
//   CALL       [2, "<MessageId>", "<Action>", {<Payload>}]
//   CALLRESULT [3, "<MessageId>", {<Payload>}]
//   CALLERROR  [4, "<MessageId>", "<errorCode>", "<errorDescription>", {<errorDetails>}]
#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ocpp/common/error_code.hpp"

namespace ocpp::rpc {

enum class MessageType { Call = 2, CallResult = 3, CallError = 4 };

// 1.6 OCPP-J §4.1.3 and 2.0.1 Part 4 §4.1.3: a message id is a string of at most 36 characters.
constexpr std::size_t kMaxMessageIdLength = 36;
// The id to answer with when the offending frame's id cannot be read (2.0.1 Part 4 §4.2.3).
constexpr std::string_view kUnknownMessageId = "-1";

// A parsed inbound frame. The document is parsed in situ: its strings point into `text_`, which
// is why the frame owns its buffer and is move-only.
class InboundFrame {
 public:
  InboundFrame() = default;
  InboundFrame(InboundFrame&&) noexcept = default;
  InboundFrame& operator=(InboundFrame&&) noexcept = default;
  InboundFrame(const InboundFrame&) = delete;
  InboundFrame& operator=(const InboundFrame&) = delete;

  MessageType type() const { return type_; }
  std::string_view id() const { return id_; }
  std::string_view action() const { return action_; }             // CALL only
  const rapidjson::Value& payload() const { return *payload_; }    // CALL, CALLRESULT; details of CALLERROR
  std::string_view error_code() const { return error_code_; }      // CALLERROR only
  std::string_view error_description() const { return error_description_; }

 private:
  friend struct FrameParser;
  std::vector<char> text_;
  rapidjson::Document doc_;
  MessageType type_ = MessageType::Call;
  std::string_view id_, action_, error_code_, error_description_;
  const rapidjson::Value* payload_ = nullptr;
};

// A frame that cannot be processed, with what to answer: the id if it could be read, else "-1".
struct FrameError {
  RpcErrorCode code;
  std::string id;
  std::string description;
  bool answerable;  // false when the frame was a CALLRESULT/CALLERROR: those are never answered
};

using ParseResult = std::variant<InboundFrame, FrameError>;

// Takes ownership of the received bytes (moved, not copied) and parses them in place.
ParseResult parse_frame(std::vector<char>&& text);
ParseResult parse_frame(std::string_view text);  // copies once; for tests and tools

std::string serialize_call(std::string_view id, std::string_view action, const rapidjson::Value& payload);
std::string serialize_call_result(std::string_view id, const rapidjson::Value& payload);
std::string serialize_call_error(std::string_view id, std::string_view code, std::string_view description);

// Reads the message id from the start of a frame that is too large to parse ("[2,\"abc\",..."),
// so an oversized CALL can still be answered with its own id. Returns "-1" when it cannot.
std::string peek_message_id(std::string_view prefix);
// True when the prefix shows a CALL (message type 2), i.e. something we must answer.
bool peek_is_call(std::string_view prefix);

}  // namespace ocpp::rpc
