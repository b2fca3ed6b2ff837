#pragma once
// Offline codes from the CSMS's HTTP API, as a driver's phone gets them (docs/reference-csms.md:
// POST /api/offline-codes {"charge_point_id","connector_id"} -> 201 {"code","expires_at"}).
// The requests run on a worker thread (DESIGN.md principle 2: no blocking I/O on the loop); each
// answer is posted back to the loop.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "ocpp/common/event_loop.hpp"

namespace ocpp::fleet {

struct CodeAnswer {
  std::string code;   // empty on failure
  std::string error;  // why not, with the HTTP status or the transfer's error
  // Worth asking again a moment later, as a driver would: the CSMS has not heard the pile confirm
  // its key yet (409), is busy (429, 503), or did not answer.
  bool transient = false;
};

class CodeFetcher {
 public:
  // `base_url` is http://HOST:PORT, `user` NAME:PASSWORD (HTTP Basic).
  CodeFetcher(EventLoop& loop, std::string base_url, std::string user);
  ~CodeFetcher();
  CodeFetcher(const CodeFetcher&) = delete;
  CodeFetcher& operator=(const CodeFetcher&) = delete;

  // `done` runs on the loop thread.
  void fetch(const std::string& charge_point_id, int connector, std::function<void(CodeAnswer)> done);

 private:
  struct Request {
    std::string charge_point_id;
    int connector;
    std::function<void(CodeAnswer)> done;
  };
  void run();
  CodeAnswer request(void* curl, const Request& r);

  EventLoop& loop_;
  const std::string url_;
  const std::string user_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Request> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ocpp::fleet
