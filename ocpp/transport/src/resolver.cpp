#include "ocpp/transport/resolver.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <mutex>
#include <thread>
#include <utility>

namespace ocpp::transport {

// Shared by the loop and the lookup thread: the loop clears `wanted` to drop the answer. The thread
// posts only while holding the lock with `wanted` set, so once cancel() has returned it never
// touches the loop again, which may then go away.
struct Resolver::Pending {
  std::mutex mutex;
  bool wanted = true;
};

bool Resolver::is_numeric(const std::string& host) {
  in6_addr v6{};
  in_addr v4{};
  return inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

Resolution Resolver::system_lookup(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) return {"", "cannot resolve " + host + ": " + gai_strerror(rc)};
  char text[INET6_ADDRSTRLEN] = {};
  // Copied out rather than cast: a sockaddr* cast to sockaddr_in6* raises the required alignment,
  // which -Wcast-align refuses on 32-bit ARM.
  sockaddr_in6 in6{};
  sockaddr_in in4{};
  const void* where = nullptr;
  if (found->ai_family == AF_INET6 && found->ai_addrlen >= sizeof in6) {
    std::memcpy(&in6, found->ai_addr, sizeof in6);
    where = &in6.sin6_addr;
  } else if (found->ai_family == AF_INET && found->ai_addrlen >= sizeof in4) {
    std::memcpy(&in4, found->ai_addr, sizeof in4);
    where = &in4.sin_addr;
  }
  const bool ok = where != nullptr && inet_ntop(found->ai_family, where, text, sizeof text) != nullptr;
  freeaddrinfo(found);
  if (!ok) return {"", "cannot resolve " + host + ": unusable address"};
  return {text, ""};
}

Resolver::Resolver(EventLoop& loop, Lookup lookup) : loop_(loop), lookup_(std::move(lookup)) {}

void Resolver::cancel() {
  if (!pending_) return;
  std::lock_guard<std::mutex> lock(pending_->mutex);
  pending_->wanted = false;
  pending_.reset();
}

void Resolver::resolve(const std::string& host, int port, std::function<void(const Resolution&)> done) {
  cancel();
  auto pending = std::make_shared<Pending>();
  pending_ = pending;
  EventLoop* loop = &loop_;
  std::thread([loop, lookup = lookup_, pending, host, port, done = std::move(done)]() mutable {
    Resolution result = lookup(host, port);
    std::lock_guard<std::mutex> lock(pending->mutex);
    if (!pending->wanted) return;
    loop->post([pending, done = std::move(done), result = std::move(result)] {
      {
        std::lock_guard<std::mutex> again(pending->mutex);
        if (!pending->wanted) return;
      }
      done(result);
    });
  }).detach();
}

}  // namespace ocpp::transport
