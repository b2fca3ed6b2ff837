#pragma once
// Several instances on one PostgreSQL database (docs/reference-csms.md, "Shared charge point
// state"): an operator's POST /api/charge-points/ID/call that reaches an instance the pile is not
// connected to is forwarded, as is, to the instance that holds the pile's connection (its
// --instance-url, from the table charge_point_connections). The HTTP exchange runs on its own thread
// (it blocks up to the call timeout); the answer is handed back to the event loop with post().
#include <atomic>
#include <chrono>
#include <list>
#include <memory>
#include <string>
#include <thread>

#include "http_server.hpp"
#include "ocpp/transport/lws_loop.hpp"

namespace ocpp::csms {

class CallForwarder {
 public:
  CallForwarder(transport::LwsLoop& loop, std::chrono::milliseconds timeout);
  // Joins the exchanges still under way (each ends within the timeout).
  ~CallForwarder();
  CallForwarder(const CallForwarder&) = delete;
  CallForwarder& operator=(const CallForwarder&) = delete;

  // POSTs `body` to instance_url + path with the caller's Authorization, and answers `respond` with
  // the other instance's answer, or 502 naming the instance when it cannot be reached.
  void forward(const std::string& instance_url, const std::string& path, const std::string& authorization,
               const std::string& body, Responder respond);

 private:
  struct Exchange {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done = std::make_shared<std::atomic<bool>>(false);
  };
  void join_finished();

  transport::LwsLoop& loop_;
  std::chrono::milliseconds timeout_;
  std::list<Exchange> exchanges_;
};

}  // namespace ocpp::csms
