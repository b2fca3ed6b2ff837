#pragma once
// The scripted session of the demo client: boot, statuses, a heartbeat, an authorization and one
// whole transaction with meter values, in the message set of the connection's OCPP version. Each
// step waits for the previous answer and prints what happened.
#include <functional>
#include <string>
#include <vector>

#include "ocpp/common/datetime.hpp"
#include "ocpp/rpc/endpoint.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::demo {

struct SessionOptions {
  std::string id_tag = "DEMO-TAG-1";
  int connector = 1;
  int meter_start_wh = 1000;
};

class Steps {
 public:
  using Step = std::function<void(std::function<void(bool ok)> next)>;
  void add(std::string name, Step step) { steps_.push_back({std::move(name), std::move(step)}); }
  // Runs the steps in order; `done(true)` when all succeeded, `done(false)` at the first failure.
  void run(std::function<void(bool)> done);

 private:
  void run_from(std::size_t i);
  std::vector<std::pair<std::string, Step>> steps_;
  std::function<void(bool)> done_;
};

// The steps of one session, for 1.6 (session_v16.cpp) and 2.0.1 (session_v201.cpp).
void add_session_v16(Steps& steps, rpc::Endpoint& ep, const SessionOptions& options);
void add_session_v201(Steps& steps, rpc::Endpoint& ep, const SessionOptions& options);
// Answers to what a CSMS may ask of the demo client.
void register_handlers_v16(rpc::Endpoint& ep);
void register_handlers_v201(rpc::Endpoint& ep);

// Prints one line on standard output: "[step] text".
void say(const std::string& step, const std::string& text);

// The callback of one step's call: prints its outcome and moves on when it succeeded.
template <class Response>
std::function<void(rpc::Typed<Response>&)> report(const std::string& step, std::function<void(bool)> next,
                                                   std::function<std::string(const Response&)> describe) {
  return [step, next, describe](rpc::Typed<Response>& r) {
    if (!r.ok()) {
      say(step, std::string(rpc::to_string(r.status)) + " " + r.error_code + " " + r.error_description);
      next(false);
      return;
    }
    say(step, describe(*r.response));
    next(true);
  };
}


}  // namespace ocpp::demo
