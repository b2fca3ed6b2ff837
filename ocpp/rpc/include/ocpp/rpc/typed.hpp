#pragma once
// Typed calls and handlers over an Endpoint, for the generated messages of ocpp/v16 and ocpp/v201:
//   rpc::call(ep, v16::HeartbeatRequest{}, [](rpc::Typed<v16::HeartbeatResponse>& r) { ... });
//   rpc::handle<v16::ResetRequest>(ep, [](const v16::ResetRequest& req) { return v16::ResetResponse{...}; });
// Serialisation goes through the generated to_json/from_json (found by argument-dependent lookup).
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>

#include "ocpp/common/json.hpp"
#include "ocpp/rpc/endpoint.hpp"

namespace ocpp::rpc {

template <class Response>
struct Typed {
  CallOutcome::Status status = CallOutcome::Status::Timeout;
  std::optional<Response> response;  // set when status == Result
  std::string error_code;
  std::string error_description;
  bool ok() const { return status == CallOutcome::Status::Result && response.has_value(); }
};

// Thrown by a typed handler to answer with a CALLERROR instead of a response.
class CallErrorReply : public std::runtime_error {
 public:
  CallErrorReply(RpcErrorCode code, const std::string& description) : std::runtime_error(description), code_(code) {}
  RpcErrorCode code() const { return code_; }

 private:
  RpcErrorCode code_;
};

template <class Request>
void call(Endpoint& ep, const Request& request,
          std::function<void(Typed<typename Request::Response>&)> done = {}) {
  using Response = typename Request::Response;
  rapidjson::Document payload;
  to_json(request, payload, payload.GetAllocator());
  ep.call(Request::action, std::move(payload), [done = std::move(done)](CallOutcome& o) {
    Typed<Response> typed;
    typed.status = o.status;
    typed.error_code = std::move(o.error_code);
    typed.error_description = std::move(o.error_description);
    if (o.status == CallOutcome::Status::Result) {
      try {
        Response r;
        from_json(o.payload, r);
        typed.response = std::move(r);
      } catch (const std::exception& e) {
        // Valid against the schema but not representable (e.g. an integer beyond 32 bits).
        typed.status = CallOutcome::Status::InvalidResponse;
        typed.error_description = e.what();
      }
    }
    if (done) done(typed);
  });
}

// `fn` takes `const Request&` and returns `Request::Response`, or throws CallErrorReply.
template <class Request, class Fn>
void handle(Endpoint& ep, Fn fn) {
  ep.handle(Request::action, [fn = std::move(fn)](const rapidjson::Value& payload) -> HandlerReply {
    Request request;
    try {
      from_json(payload, request);
    } catch (const std::exception& e) {
      // The schema check has passed, so this is a value the typed message cannot hold.
      return HandlerReply::error(RpcErrorCode::PropertyConstraintViolation, e.what());
    }
    try {
      const typename Request::Response response = fn(request);
      rapidjson::Document out;
      to_json(response, out, out.GetAllocator());
      return HandlerReply::ok(std::move(out));
    } catch (const CallErrorReply& e) {
      return HandlerReply::error(e.code(), e.what());
    }
  });
}

}  // namespace ocpp::rpc
