#pragma once
// Receive and send halves shared by the client and server connections.
#include <libwebsockets.h>

#include <deque>
#include <string>
#include <vector>

namespace ocpp::transport::detail {

// Collects the fragments of one inbound WebSocket message up to a size limit. Past the limit it
// stops holding bytes and keeps only a prefix (enough to read a CALL's message id), so an oversized
// message never sits in memory whole.
class MessageAssembler {
 public:
  struct Message {
    std::vector<char> text;
    std::size_t size = 0;
    bool oversized = false;
    bool binary = false;
    std::string prefix;  // the first bytes, for an oversized message
  };

  explicit MessageAssembler(std::size_t limit) : limit_(limit) {}
  // Appends the bytes of one receive callback; true when they complete a message.
  bool append(lws* wsi, const char* data, std::size_t len);
  Message take();
  void reset();
  std::size_t limit() const { return limit_; }

 private:
  static constexpr std::size_t kPrefixBytes = 128;
  std::size_t limit_;
  Message current_;
};

// Outgoing text messages and pings of one connection; lws allows one write per writable callback.
class OutboundQueue {
 public:
  void push(std::string text) { queue_.push_back(std::move(text)); }
  void request_ping() { ping_due_ = true; }
  bool pending() const { return ping_due_ || !queue_.empty(); }
  void clear() {
    queue_.clear();
    ping_due_ = false;
  }
  // Writes one item; returns false when the write failed (the connection must close).
  bool write_one(lws* wsi);

 private:
  std::deque<std::string> queue_;
  bool ping_due_ = false;
};

}  // namespace ocpp::transport::detail
