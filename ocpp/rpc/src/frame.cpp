#include "ocpp/rpc/frame.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>

#include "ocpp/common/json.hpp"

namespace ocpp::rpc {

namespace {

// The message type digit at the start of a frame ("[2," -> 2), read from its text.
std::optional<int> peek_message_type(std::string_view s);

// A frame nested deeper than kMaxJsonDepth is valid JSON that is not parsed (see json.hpp); its
// start, kept before the in-place parse rewrote it, still says what it was and which id it had.
FrameError too_deep(std::string_view start, const JsonParseError& e) {
  const std::string description = "frame is " + e.message();
  const auto type = peek_message_type(start);
  // Answers (3, 4) are never answered; a CALL gets its own id back (1.6 FormationViolation,
  // 2.0.1 FormatViolation: the payload does not conform to the PDU structure).
  if (type == 3 || type == 4) {
    return FrameError{RpcErrorCode::RpcFrameworkError, peek_message_id(start), description, false};
  }
  if (type == 2) return FrameError{RpcErrorCode::FormatViolation, peek_message_id(start), description, true};
  return FrameError{RpcErrorCode::RpcFrameworkError, std::string(kUnknownMessageId), description, true};
}

}  // namespace

struct FrameParser {
  static ParseResult parse(std::vector<char>&& text) {
    InboundFrame f;
    f.text_ = std::move(text);
    // An in-place parse needs a terminated, writable buffer. Senders leave room for the NUL (see
    // MessageAssembler), so this does not copy the frame again.
    f.text_.push_back('\0');
    // The id of a CALL is within its first bytes (a type, an id of at most 36 characters).
    std::array<char, 64> start{};
    const std::size_t kept = std::min(start.size(), f.text_.size() - 1);
    std::copy_n(f.text_.data(), kept, start.data());
    if (const auto error = parse_json_insitu(f.doc_, f.text_.data())) {
      if (error->too_deep) return too_deep(std::string_view(start.data(), kept), *error);
      // 2.0.1 Part 4 §4.2.3: the id cannot be read, so answer with "-1".
      return FrameError{RpcErrorCode::RpcFrameworkError, std::string(kUnknownMessageId),
                        "frame is not valid JSON", true};
    }
    if (!f.doc_.IsArray() || f.doc_.Size() < 2 || !f.doc_[0].IsInt()) {
      return FrameError{RpcErrorCode::RpcFrameworkError, std::string(kUnknownMessageId),
                        "frame is not an array [messageTypeId, messageId, ...]", true};
    }
    const int type = f.doc_[0].GetInt();
    // Answers (3, 4) are never answered, whatever is wrong with them.
    const bool answerable = type != 3 && type != 4;
    if (f.doc_.Size() < 3) {
      return FrameError{RpcErrorCode::RpcFrameworkError, std::string(kUnknownMessageId),
                        "frame is too short", answerable};
    }
    const rapidjson::Value& id = f.doc_[1];
    if (!id.IsString() || id.GetStringLength() == 0 || id.GetStringLength() > kMaxMessageIdLength) {
      return FrameError{RpcErrorCode::RpcFrameworkError, std::string(kUnknownMessageId),
                        "messageId must be a string of 1 to 36 characters", answerable};
    }
    f.id_ = as_string_view(id);
    const std::string sid(f.id_);
    switch (type) {
      case 2:
        if (f.doc_.Size() != 4 || !f.doc_[2].IsString()) {
          return FrameError{RpcErrorCode::RpcFrameworkError, sid, "CALL must be [2, id, action, payload]", true};
        }
        if (!f.doc_[3].IsObject()) {
          return FrameError{RpcErrorCode::FormatViolation, sid, "CALL payload must be a JSON object", true};
        }
        f.type_ = MessageType::Call;
        f.action_ = as_string_view(f.doc_[2]);
        f.payload_ = &f.doc_[3];
        return f;
      case 3:
        if (f.doc_.Size() != 3 || !f.doc_[2].IsObject()) {
          return FrameError{RpcErrorCode::RpcFrameworkError, sid, "CALLRESULT must be [3, id, payload]", false};
        }
        f.type_ = MessageType::CallResult;
        f.payload_ = &f.doc_[2];
        return f;
      case 4:
        if (f.doc_.Size() < 4 || !f.doc_[2].IsString() || !f.doc_[3].IsString()) {
          return FrameError{RpcErrorCode::RpcFrameworkError, sid,
                            "CALLERROR must be [4, id, code, description, details]", false};
        }
        f.type_ = MessageType::CallError;
        f.error_code_ = as_string_view(f.doc_[2]);
        f.error_description_ = as_string_view(f.doc_[3]);
        f.payload_ = f.doc_.Size() > 4 ? &f.doc_[4] : &f.doc_[3];
        return f;
      default:
        // 2.0.1 Part 4 §4.2.3: MessageTypeNotSupported (1.6 has no such code: FormationViolation).
        return FrameError{RpcErrorCode::MessageTypeNotSupported, sid,
                          "message type " + std::to_string(type) + " is not supported", true};
    }
  }
};

ParseResult parse_frame(std::vector<char>&& text) { return FrameParser::parse(std::move(text)); }

ParseResult parse_frame(std::string_view text) {
  std::vector<char> buffer;
  buffer.reserve(text.size() + 1);  // room for the NUL of the in-situ parse
  buffer.assign(text.begin(), text.end());
  return FrameParser::parse(std::move(buffer));
}

namespace {

template <class Fn>
std::string write_frame(Fn&& body) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartArray();
  body(w);
  w.EndArray();
  return {buffer.GetString(), buffer.GetSize()};
}

void write_string(rapidjson::Writer<rapidjson::StringBuffer>& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

std::string serialize_call(std::string_view id, std::string_view action, const rapidjson::Value& payload) {
  return write_frame([&](auto& w) {
    w.Int(2);
    write_string(w, id);
    write_string(w, action);
    payload.Accept(w);
  });
}

std::string serialize_call_result(std::string_view id, const rapidjson::Value& payload) {
  return write_frame([&](auto& w) {
    w.Int(3);
    write_string(w, id);
    payload.Accept(w);
  });
}

std::string serialize_call_error(std::string_view id, std::string_view code, std::string_view description) {
  // 2.0.1 Part 4 §4.2.3: errorDescription at most 255 characters. Cut on a UTF-8 boundary.
  if (description.size() > 255) {
    std::size_t n = 255;
    while (n > 0 && (static_cast<unsigned char>(description[n]) & 0xC0) == 0x80) --n;
    description = description.substr(0, n);
  }
  return write_frame([&](auto& w) {
    w.Int(4);
    write_string(w, id);
    write_string(w, code);
    write_string(w, description);
    w.StartObject();
    w.EndObject();
  });
}

namespace {

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

std::optional<int> peek_message_type(std::string_view s) {
  std::size_t i = skip_space(s, 0);
  if (i >= s.size() || s[i] != '[') return std::nullopt;
  i = skip_space(s, i + 1);
  if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  if (i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) return std::nullopt;
  return s[i] - '0';
}

}  // namespace

bool peek_is_call(std::string_view s) { return peek_message_type(s) == 2; }

std::string peek_message_id(std::string_view s) {
  std::size_t i = skip_space(s, 0);
  if (i >= s.size() || s[i] != '[') return std::string(kUnknownMessageId);
  i = skip_space(s, i + 1);
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  i = skip_space(s, i);
  if (i >= s.size() || s[i] != ',') return std::string(kUnknownMessageId);
  i = skip_space(s, i + 1);
  if (i >= s.size() || s[i] != '"') return std::string(kUnknownMessageId);
  const std::size_t start = i + 1;
  const std::size_t end = s.find('"', start);
  // An id with escapes or over 36 characters cannot be echoed back safely.
  if (end == std::string_view::npos || end - start == 0 || end - start > kMaxMessageIdLength ||
      s.substr(start, end - start).find('\\') != std::string_view::npos) {
    return std::string(kUnknownMessageId);
  }
  return std::string(s.substr(start, end - start));
}

}  // namespace ocpp::rpc
