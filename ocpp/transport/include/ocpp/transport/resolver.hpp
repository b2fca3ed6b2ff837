#pragma once
// Host names resolved off the event loop (issue 14, defect 14). Debian's libwebsockets 4.1.6 is
// built without its asynchronous resolver, so a client given a host name calls getaddrinfo() on the
// loop thread, and a name that resolves slowly (an unreachable DNS server: up to 5 s per attempt and
// server) froze the whole charge point meanwhile: no timers, no hardware events, no control socket.
// The client resolves here first, on a thread of its own, and connects to the address it gets.
#include <functional>
#include <memory>
#include <string>

#include "ocpp/common/event_loop.hpp"

namespace ocpp::transport {

struct Resolution {
  std::string address;  // numeric IPv4 or IPv6; empty when the name could not be resolved
  std::string error;    // why not, for the log
};

class Resolver {
 public:
  // What resolves one name; blocking, run off the loop. Tests give a slow or failing one.
  using Lookup = std::function<Resolution(const std::string& host, int port)>;
  static Resolution system_lookup(const std::string& host, int port);
  // True for an address that needs no resolution ("127.0.0.1", "::1").
  static bool is_numeric(const std::string& host);

  // `loop` must outlive every lookup this starts, or cancel() them first (the destructor does).
  explicit Resolver(EventLoop& loop, Lookup lookup = system_lookup);
  ~Resolver() { cancel(); }
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  // Resolves `host` on a thread of its own and calls `done` on the loop thread, unless cancel() or
  // another resolve() came first. The loop never waits for a lookup: one given up on finishes on
  // its own thread and posts nothing.
  void resolve(const std::string& host, int port, std::function<void(const Resolution&)> done);
  void cancel();

 private:
  struct Pending;
  EventLoop& loop_;
  Lookup lookup_;
  std::shared_ptr<Pending> pending_;
};

}  // namespace ocpp::transport
