#pragma once
// The OCPP-J RPC endpoint of one connection, for either role. It keeps at most one outgoing CALL in
// flight (1.6 OCPP-J §4.1.1, 2.0.1 Part 4 §4.1.1), answers the peer's CALLs while its own waits,
// validates every payload in both directions against the official schema, and turns every problem
// into the CALLERROR that the connection's OCPP version names.
#include <rapidjson/document.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/error_code.hpp"
#include "ocpp/common/event_loop.hpp"
#include "ocpp/common/version.hpp"
#include "ocpp/rpc/frame.hpp"
#include "ocpp/rpc/message_id.hpp"
#include "ocpp/schema/validator.hpp"

namespace ocpp::rpc {

// Where frames go out: a WebSocket connection, or a test double.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void send_frame(std::string text) = 0;
};

struct CallOutcome {
  enum class Status {
    Result,           // CALLRESULT received and valid
    Error,            // CALLERROR received
    InvalidResponse,  // CALLRESULT received but it fails the response schema
    Timeout,          // no answer within the call timeout
    Disconnected,     // the link went down while the CALL was in flight
    NotSent,          // our own payload failed validation: a bug, logged with the payload
  };
  Status status = Status::Timeout;
  rapidjson::Document payload;    // the CALLRESULT payload when status == Result
  std::string error_code;         // as received on the wire (Error), or the validation code
  std::string error_description;  // the peer's description, or ours
  bool ok() const { return status == Status::Result; }
};
std::string_view to_string(CallOutcome::Status s);

using ResultHandler = std::function<void(CallOutcome&)>;

// The answer an incoming-CALL handler gives: a payload, or a CALLERROR.
struct HandlerReply {
  std::optional<rapidjson::Document> result;
  RpcErrorCode error_code = RpcErrorCode::InternalError;
  std::string error_description;

  static HandlerReply ok(rapidjson::Document payload) {
    HandlerReply r;
    r.result = std::move(payload);
    return r;
  }
  static HandlerReply error(RpcErrorCode code, std::string description) {
    HandlerReply r;
    r.error_code = code;
    r.error_description = std::move(description);
    return r;
  }
};
using CallHandler = std::function<HandlerReply(const rapidjson::Value& payload)>;

// What a program that measures a link (ocpp-fleet) learns of it: every frame each way, and how
// each of our CALLs ended with the time from sending it to its end (answer, timeout or lost link).
class EndpointObserver {
 public:
  virtual ~EndpointObserver() = default;
  virtual void frame_sent() {}
  virtual void frame_received() {}
  virtual void call_completed(const std::string& /*action*/, const CallOutcome& /*outcome*/,
                              std::chrono::microseconds /*since_sent*/) {}
};

struct EndpointOptions {
  std::chrono::milliseconds call_timeout{std::chrono::seconds{30}};
  std::string log_name = "rpc";  // component name in log lines, e.g. the charge point id
  bool log_frames = false;       // every frame at info level (the reference CSMS); else at debug
  // Frames, and payloads, for which this is true are never written to the log, only their size
  // (e.g. a key being provisioned: a secret must not end up in a log file). Every log line that
  // would show a frame or a payload goes through it, refused ones included.
  std::function<bool(std::string_view frame)> secret_frame;
  // Told of every inbound frame refused as malformed, oversized or against the schema (the charge
  // point's InvalidMessages security event), with the action and error code only: never the
  // payload, which may hold a secret.
  std::function<void(const std::string& what)> on_invalid;
};

class Endpoint {
 public:
  Endpoint(EventLoop& loop, ProtocolVersion version, EndpointOptions options = {});
  ~Endpoint();
  Endpoint(const Endpoint&) = delete;
  Endpoint& operator=(const Endpoint&) = delete;

  ProtocolVersion version() const { return version_; }
  void set_call_timeout(std::chrono::milliseconds t) { options_.call_timeout = t; }

  // The link is up: frames go to `sink` from now on, and the queue starts moving.
  void attach(FrameSink& sink);
  // The link is down: the CALL in flight fails with Disconnected; queued CALLs wait for attach().
  void detach();
  bool attached() const { return sink_ != nullptr; }

  // Registers the handler of an incoming action. A CALL for an action that has no schema in this
  // version is answered NotImplemented; a known action without handler NotSupported.
  void handle(std::string action, CallHandler handler);

  // Queues a CALL. `done` runs exactly once, on the loop thread.
  void call(std::string action, rapidjson::Document payload, ResultHandler done);
  // Drops every queued CALL that has not been sent yet, each completing with `status`.
  void cancel_queued(CallOutcome::Status status);
  std::size_t queued() const { return queue_.size() + (in_flight_ ? 1 : 0); }
  bool call_in_flight() const { return in_flight_.has_value(); }
  // nullptr: none. The observer must outlive the endpoint or be removed first.
  void set_observer(EndpointObserver* observer) { observer_ = observer; }

  // Inbound bytes of one complete WebSocket message, moved in (parsed in place).
  void on_message(std::vector<char>&& text);
  // The transport refused a message over its size limit; `prefix` is its first bytes.
  void on_oversized_message(std::string_view prefix, std::size_t size, std::size_t limit);

 private:
  struct Pending {
    std::string id;
    std::string action;
    std::string frame;
    ResultHandler done;
    SteadyTime sent_at{};
  };

  void pump();
  void complete_in_flight(CallOutcome& outcome);
  void on_call(const InboundFrame& frame);
  void on_answer(const InboundFrame& frame);
  void reply_error(std::string_view id, RpcErrorCode code, std::string_view description);
  void send(std::string text);
  void log_frame(std::string_view direction, std::string_view text) const;
  // `text` (a frame or a payload) as a log line may show it: withheld when secret_frame says so.
  std::string loggable(std::string_view text) const;

  EventLoop& loop_;
  ProtocolVersion version_;
  EndpointOptions options_;
  SchemaValidator validator_;
  MessageIdGenerator ids_;
  FrameSink* sink_ = nullptr;
  std::map<std::string, CallHandler, std::less<>> handlers_;
  std::deque<Pending> queue_;
  std::optional<Pending> in_flight_;
  TimerId timeout_timer_ = 0;
  EndpointObserver* observer_ = nullptr;
  std::shared_ptr<bool> alive_;
};

}  // namespace ocpp::rpc
