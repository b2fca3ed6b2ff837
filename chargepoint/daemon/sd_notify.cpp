#include "sd_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "ocpp/common/log.hpp"

namespace ocpp::cp::daemon {
namespace {

// A whole decimal number, or nothing: a malformed variable must not arm a watchdog of 0 µs.
bool parse_unsigned(const char* text, unsigned long long& out) {
  if (text == nullptr || *text < '0' || *text > '9') return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtoull(text, &end, 10);
  return errno == 0 && end != nullptr && *end == '\0';
}

}  // namespace

NotifyEnvironment read_notify_environment(const std::function<const char*(const char*)>& getenv, pid_t self) {
  NotifyEnvironment env;
  // sd_notify(3): only an absolute path or an abstract name ('@') is a socket; anything else is ignored.
  if (const char* socket = getenv("NOTIFY_SOCKET"); socket != nullptr && (socket[0] == '/' || socket[0] == '@')) {
    env.socket = socket;
  }
  unsigned long long usec = 0;
  if (!parse_unsigned(getenv("WATCHDOG_USEC"), usec) || usec == 0) return env;
  if (const char* pid_text = getenv("WATCHDOG_PID"); pid_text != nullptr) {
    unsigned long long pid = 0;
    if (!parse_unsigned(pid_text, pid) || pid != static_cast<unsigned long long>(self)) return env;
  }
  env.watchdog = std::chrono::microseconds(usec);
  return env;
}

NotifyEnvironment read_notify_environment() {
  return read_notify_environment([](const char* name) { return std::getenv(name); }, ::getpid());
}

std::string send_notification(const std::string& socket, std::string_view state) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket.empty() || socket.size() >= sizeof addr.sun_path) return "NOTIFY_SOCKET is empty or too long";
  std::memcpy(addr.sun_path, socket.data(), socket.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket.size());
  if (socket[0] == '@') {
    addr.sun_path[0] = '\0';  // the abstract namespace: the name's bytes, no terminator
  } else {
    ++length;
  }
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), length);
  const int error = errno;
  ::close(fd);
  if (sent < 0) return socket + ": " + std::strerror(error);
  return {};
}

std::chrono::milliseconds watchdog_ping_period(std::chrono::microseconds watchdog) {
  const auto half = std::chrono::duration_cast<std::chrono::milliseconds>(watchdog / 2);
  return half.count() > 0 ? half : std::chrono::milliseconds(1);
}

ServiceNotifier::ServiceNotifier(EventLoop& loop, NotifyEnvironment env, std::function<std::string()> status)
    : loop_(loop), env_(std::move(env)), status_(std::move(status)) {}

ServiceNotifier::~ServiceNotifier() {
  if (watchdog_timer_ != 0) loop_.cancel(watchdog_timer_);
  if (status_timer_ != 0) loop_.cancel(status_timer_);
}

void ServiceNotifier::start() {
  if (!active()) return;
  // A zero-delay timer runs on the first turn of the loop: READY means "serving", not "constructed".
  status_timer_ = loop_.schedule_after(std::chrono::milliseconds(0), [this] {
    last_status_ = status_ ? status_() : std::string();
    send("READY=1\nSTATUS=" + last_status_);
    status_timer_ = loop_.schedule_after(kStatusCheck, [this] { check_status(); });
  });
  if (env_.watchdog.count() > 0) {
    log::info("daemon", "systemd watchdog every " + std::to_string(watchdog_ping_period(env_.watchdog).count()) + " ms");
    watchdog_timer_ = loop_.schedule_after(watchdog_ping_period(env_.watchdog), [this] { ping_watchdog(); });
  }
}

void ServiceNotifier::stopping() {
  if (active()) send("STOPPING=1\nSTATUS=stopping");
}

void ServiceNotifier::send(const std::string& state) {
  const std::string error = send_notification(env_.socket, state);
  if (error.empty()) {
    warned_ = false;
  } else if (!warned_) {
    // Once per outage: a watchdog ping that fails every 15 s would otherwise flood the journal.
    warned_ = true;
    log::warn("daemon", "cannot notify systemd: " + error);
  }
}

void ServiceNotifier::ping_watchdog() {
  send("WATCHDOG=1");
  watchdog_timer_ = loop_.schedule_after(watchdog_ping_period(env_.watchdog), [this] { ping_watchdog(); });
}

void ServiceNotifier::check_status() {
  const std::string now = status_ ? status_() : std::string();
  if (now != last_status_) {
    last_status_ = now;
    send("STATUS=" + now);
  }
  status_timer_ = loop_.schedule_after(kStatusCheck, [this] { check_status(); });
}

}  // namespace ocpp::cp::daemon
