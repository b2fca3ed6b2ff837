#include "ocpp/rpc/endpoint.hpp"

#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::rpc {

std::string_view to_string(CallOutcome::Status s) {
  switch (s) {
    case CallOutcome::Status::Result: return "Result";
    case CallOutcome::Status::Error: return "Error";
    case CallOutcome::Status::InvalidResponse: return "InvalidResponse";
    case CallOutcome::Status::Timeout: return "Timeout";
    case CallOutcome::Status::Disconnected: return "Disconnected";
    case CallOutcome::Status::NotSent: return "NotSent";
  }
  return "?";
}

Endpoint::Endpoint(EventLoop& loop, ProtocolVersion version, EndpointOptions options)
    : loop_(loop),
      version_(version),
      options_(std::move(options)),
      validator_(version),
      alive_(std::make_shared<bool>(true)) {}

Endpoint::~Endpoint() {
  *alive_ = false;
  if (timeout_timer_ != 0) loop_.cancel(timeout_timer_);
}

void Endpoint::attach(FrameSink& sink) {
  sink_ = &sink;
  pump();
}

void Endpoint::detach() {
  sink_ = nullptr;
  if (in_flight_) {
    CallOutcome outcome;
    outcome.status = CallOutcome::Status::Disconnected;
    outcome.error_description = "link lost while waiting for the answer";
    complete_in_flight(outcome);
  }
}

void Endpoint::handle(std::string action, CallHandler handler) {
  handlers_[std::move(action)] = std::move(handler);
}

void Endpoint::call(std::string action, rapidjson::Document payload, ResultHandler done) {
  // Principle 5: an outbound message that fails validation is not sent; it is a bug, logged with
  // its payload, and the caller learns it at once.
  if (auto err = validator_.validate(action, MessageKind::Request, payload)) {
    log::error(options_.log_name, "BUG: outgoing " + action + " fails its schema (" + err->description +
                                      "), not sent: " + loggable(ocpp::to_string(payload)));
    CallOutcome outcome;
    outcome.status = CallOutcome::Status::NotSent;
    outcome.error_code = std::string(wire_name(err->code, version_));
    outcome.error_description = err->description;
    done(outcome);
    return;
  }
  Pending p;
  p.id = ids_.next();
  p.frame = serialize_call(p.id, action, payload);
  p.action = std::move(action);
  p.done = std::move(done);
  queue_.push_back(std::move(p));
  pump();
}

void Endpoint::cancel_queued(CallOutcome::Status status) {
  std::deque<Pending> dropped;
  dropped.swap(queue_);
  for (auto& p : dropped) {
    CallOutcome outcome;
    outcome.status = status;
    outcome.error_description = "cancelled before it was sent";
    p.done(outcome);
  }
}

void Endpoint::pump() {
  // One CALL in flight at a time (1.6 OCPP-J §4.1.1; 2.0.1 Part 4 §4.1.1).
  if (in_flight_ || queue_.empty() || sink_ == nullptr) return;
  in_flight_ = std::move(queue_.front());
  queue_.pop_front();
  const std::string id = in_flight_->id;
  auto alive = alive_;
  timeout_timer_ = loop_.schedule_after(options_.call_timeout, [this, alive, id] {
    if (!*alive || !in_flight_ || in_flight_->id != id) return;
    timeout_timer_ = 0;
    log::warn(options_.log_name, "CALL " + in_flight_->action + " id=" + id + " got no answer within " +
                                     std::to_string(options_.call_timeout.count()) + " ms");
    CallOutcome outcome;
    outcome.status = CallOutcome::Status::Timeout;
    outcome.error_description = "no answer within the call timeout";
    complete_in_flight(outcome);
  });
  in_flight_->sent_at = loop_.clock().steady_now();
  send(in_flight_->frame);
}

void Endpoint::complete_in_flight(CallOutcome& outcome) {
  if (timeout_timer_ != 0) {
    loop_.cancel(timeout_timer_);
    timeout_timer_ = 0;
  }
  Pending done = std::move(*in_flight_);
  in_flight_.reset();
  if (observer_ != nullptr) {
    observer_->call_completed(done.action, outcome, std::chrono::duration_cast<std::chrono::microseconds>(
                                                        loop_.clock().steady_now() - done.sent_at));
  }
  auto alive = alive_;
  done.done(outcome);
  if (*alive) pump();
}

void Endpoint::on_message(std::vector<char>&& text) {
  if (observer_ != nullptr) observer_->frame_received();
  if (options_.log_frames || log::enabled(log::Level::debug)) {
    log_frame("<-", std::string_view(text.data(), text.size()));
  }
  ParseResult parsed = parse_frame(std::move(text));
  if (auto* err = std::get_if<FrameError>(&parsed)) {
    log::warn(options_.log_name, "refused frame: " + err->description);
    if (err->answerable) reply_error(err->id, err->code, err->description);
    if (options_.on_invalid) options_.on_invalid("malformed frame");
    return;
  }
  auto& frame = std::get<InboundFrame>(parsed);
  if (frame.type() == MessageType::Call) {
    on_call(frame);
  } else {
    on_answer(frame);
  }
}

void Endpoint::on_oversized_message(std::string_view prefix, std::size_t size, std::size_t limit) {
  const std::string description =
      "message of " + std::to_string(size) + " bytes exceeds the limit of " + std::to_string(limit) + " bytes";
  log::warn(options_.log_name, "refused frame: " + description);
  // Only a CALL is answered; an oversized answer to our own CALL is left to time out.
  if (peek_is_call(prefix)) reply_error(peek_message_id(prefix), RpcErrorCode::FormatViolation, description);
  if (options_.on_invalid) options_.on_invalid(description);
}

void Endpoint::on_call(const InboundFrame& frame) {
  const std::string action(frame.action());
  if (!validator_.knows_action(action)) {
    reply_error(frame.id(), RpcErrorCode::NotImplemented, "unknown action " + action);
    return;
  }
  const auto handler = handlers_.find(action);
  if (handler == handlers_.end()) {
    reply_error(frame.id(), RpcErrorCode::NotSupported, action + " is not supported");
    return;
  }
  if (auto err = validator_.validate(action, MessageKind::Request, frame.payload())) {
    reply_error(frame.id(), err->code, err->description);
    if (options_.on_invalid) options_.on_invalid(action + " refused: " + std::string(wire_name(err->code, version_)));
    return;
  }
  HandlerReply reply;
  try {
    reply = handler->second(frame.payload());
  } catch (const std::exception& e) {
    log::error(options_.log_name, "handler of " + action + " failed: " + e.what());
    reply = HandlerReply::error(RpcErrorCode::InternalError, "internal error while processing " + action);
  }
  if (!reply.result) {
    reply_error(frame.id(), reply.error_code, reply.error_description);
    return;
  }
  if (auto err = validator_.validate(action, MessageKind::Response, *reply.result)) {
    log::error(options_.log_name, "BUG: our " + action + " response fails its schema (" + err->description +
                                      "): " + loggable(ocpp::to_string(*reply.result)));
    reply_error(frame.id(), RpcErrorCode::InternalError, "internal error while processing " + action);
    return;
  }
  // The answer goes out now, before any CALL of ours that is queued behind it.
  send(serialize_call_result(frame.id(), *reply.result));
}

void Endpoint::on_answer(const InboundFrame& frame) {
  if (!in_flight_ || in_flight_->id != frame.id()) {
    // 1.6 OCPP-J §4.1.1: an answer to a CALL we are not waiting for is logged and dropped.
    log::warn(options_.log_name, "dropped answer for unknown message id " + std::string(frame.id()));
    return;
  }
  CallOutcome outcome;
  if (frame.type() == MessageType::CallError) {
    outcome.status = CallOutcome::Status::Error;
    outcome.error_code = std::string(frame.error_code());
    outcome.error_description = std::string(frame.error_description());
    log::warn(options_.log_name, "CALLERROR for " + in_flight_->action + ": " + outcome.error_code + " " +
                                     outcome.error_description);
  } else if (auto err = validator_.validate(in_flight_->action, MessageKind::Response, frame.payload())) {
    outcome.status = CallOutcome::Status::InvalidResponse;
    outcome.error_code = std::string(wire_name(err->code, version_));
    outcome.error_description = err->description;
    log::warn(options_.log_name, "invalid " + in_flight_->action + " response: " + err->description);
  } else {
    outcome.status = CallOutcome::Status::Result;
    outcome.payload.CopyFrom(frame.payload(), outcome.payload.GetAllocator());
  }
  complete_in_flight(outcome);
}

void Endpoint::reply_error(std::string_view id, RpcErrorCode code, std::string_view description) {
  send(serialize_call_error(id, wire_name(code, version_), description));
}

void Endpoint::send(std::string text) {
  if (sink_ == nullptr) {
    log::warn(options_.log_name, "not connected, frame dropped: " + loggable(text));
    return;
  }
  if (options_.log_frames || log::enabled(log::Level::debug)) log_frame("->", text);
  if (observer_ != nullptr) observer_->frame_sent();
  sink_->send_frame(std::move(text));
}

void Endpoint::log_frame(std::string_view direction, std::string_view text) const {
  log::write(options_.log_frames ? log::Level::info : log::Level::debug, options_.log_name,
             std::string(direction) + " " + loggable(text));
}

std::string Endpoint::loggable(std::string_view text) const {
  // The filter looks for what marks a secret (e.g. the OfflineCodeKey name), which a payload
  // carries as well as its frame.
  if (options_.secret_frame && options_.secret_frame(text)) {
    return "(" + std::to_string(text.size()) + " bytes withheld: the frame carries a secret)";
  }
  return std::string(text);
}

}  // namespace ocpp::rpc
