#pragma once
// A TCP proxy on loopback for tests that need a link to go silent (a peer that stops answering
// without closing, like a cut cable) or to drop (a peer that closes). Runs its own thread.
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace ocpp::test {

class TcpProxy {
 public:
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  int port() const { return port_; }
  // Stops forwarding in both directions; connections stay open and silent.
  void freeze() { frozen_ = true; }
  void thaw() { frozen_ = false; }
  // Closes every proxied connection now (the peers see a reset/close).
  void cut();
  // Refuses new connections (accept and close at once) until allowed again.
  void refuse(bool refuse) { refusing_ = refuse; }
  int connections_accepted() const { return accepted_; }

 private:
  void run();
  struct Pair {
    int client;
    int server;
  };
  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  int wake_[2] = {-1, -1};
  std::atomic<bool> stop_{false};
  std::atomic<bool> frozen_{false};
  std::atomic<bool> refusing_{false};
  std::atomic<bool> cut_requested_{false};
  std::atomic<int> accepted_{0};
  std::vector<Pair> pairs_;
  std::thread thread_;
};

}  // namespace ocpp::test
