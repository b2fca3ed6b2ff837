#pragma once
// The daemon's side of systemd's readiness and watchdog protocol, without libsystemd: sd_notify(3)
// is one datagram of "NAME=value" lines to the AF_UNIX socket named by $NOTIFY_SOCKET, and
// sd_watchdog_enabled(3) reads $WATCHDOG_USEC (and $WATCHDOG_PID). Outside systemd (no
// $NOTIFY_SOCKET) nothing here does anything, and no timer is armed.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "ocpp/common/event_loop.hpp"

namespace ocpp::cp::daemon {

struct NotifyEnvironment {
  // An absolute path, or an abstract socket name starting with '@'; empty: not a Type=notify service.
  std::string socket;
  // The service's WatchdogSec= (systemd.service(5)) when it is meant for this process; 0: no watchdog.
  std::chrono::microseconds watchdog{0};
};

// From the given lookup (tests) or from the process environment. `self` is this process's pid:
// sd_watchdog_enabled(3) says a $WATCHDOG_PID naming another process means the watchdog is not ours.
NotifyEnvironment read_notify_environment(const std::function<const char*(const char*)>& getenv, pid_t self);
NotifyEnvironment read_notify_environment();

// Sends `state` (newline-separated assignments, e.g. "READY=1\nSTATUS=...") as one datagram.
// Returns "" when sent, else why not. Never blocks: a full socket buffer is a lost notification,
// which the next watchdog tick makes good.
std::string send_notification(const std::string& socket, std::string_view state);

// sd_notify(3) advises pinging at half of WATCHDOG_USEC, so one late tick does not trip it.
std::chrono::milliseconds watchdog_ping_period(std::chrono::microseconds watchdog);

// Tells the service manager about a running daemon, on its event loop:
//  - READY=1 from the first turn of the loop (systemd.service(5) Type=notify: the unit counts as
//    started only then, so units ordered after it find the store open and the loop serving);
//  - WATCHDOG=1 every watchdog_ping_period() from a loop timer, so a loop that hangs stops the
//    pings and systemd restarts the service (WatchdogSec=, Restart=on-failure);
//  - STATUS=<status()> whenever that text changes (checked every kStatusCheck);
//  - STOPPING=1 when stopping() is called (on SIGTERM).
class ServiceNotifier {
 public:
  static constexpr std::chrono::milliseconds kStatusCheck{2000};

  ServiceNotifier(EventLoop& loop, NotifyEnvironment env, std::function<std::string()> status);
  ~ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  // Arms READY, the watchdog and the status checks; nothing without a notify socket.
  void start();
  void stopping();
  bool active() const { return !env_.socket.empty(); }

 private:
  void send(const std::string& state);
  void ping_watchdog();
  void check_status();

  EventLoop& loop_;
  NotifyEnvironment env_;
  std::function<std::string()> status_;
  std::string last_status_;
  TimerId watchdog_timer_ = 0;
  TimerId status_timer_ = 0;
  bool warned_ = false;
};

}  // namespace ocpp::cp::daemon
