// sd_notify without systemd: each test binds its own AF_UNIX datagram socket (a path in a temporary
// folder, or an abstract name) and reads what the daemon's notifier sends there.
#include "sd_notify.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "ocpp/common/timer_queue.hpp"

namespace ocpp::cp::daemon {
namespace {

using namespace std::chrono_literals;

// A datagram socket standing in for systemd's notify socket.
class Listener {
 public:
  explicit Listener(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name.data(), name.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (name[0] == '@') {
      addr.sun_path[0] = '\0';
    } else {
      ++length;
    }
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<const sockaddr*>(&addr), length) == 0;
  }
  ~Listener() {
    if (fd_ >= 0) ::close(fd_);
    if (name_[0] == '/') ::unlink(name_.c_str());
  }
  bool bound() const { return bound_; }
  // The next datagram, or "<none>" after `wait`.
  std::string next(std::chrono::milliseconds wait = 1000ms) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) != 1) return "<none>";
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n < 0 ? "<error>" : std::string(buffer, static_cast<std::size_t>(n));
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

std::string temp_socket_path() {
  char dir[] = "/tmp/sd-notify-test-XXXXXX";
  EXPECT_NE(::mkdtemp(dir), nullptr);
  return std::string(dir) + "/notify";
}

NotifyEnvironment env_of(std::map<std::string, std::string> vars, pid_t self = 100) {
  return read_notify_environment(
      [&vars](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
      },
      self);
}

TEST(SdNotifyEnvironment, ReadsTheSocketAndTheWatchdogInterval) {
  const auto env = env_of({{"NOTIFY_SOCKET", "/run/systemd/notify"}, {"WATCHDOG_USEC", "30000000"}});
  EXPECT_EQ(env.socket, "/run/systemd/notify");
  EXPECT_EQ(env.watchdog, 30s);
}

TEST(SdNotifyEnvironment, AcceptsAnAbstractSocketAndIgnoresARelativeOne) {
  EXPECT_EQ(env_of({{"NOTIFY_SOCKET", "@abstract/notify"}}).socket, "@abstract/notify");
  EXPECT_EQ(env_of({{"NOTIFY_SOCKET", "relative/notify"}}).socket, "");
  EXPECT_EQ(env_of({}).socket, "");
}

TEST(SdNotifyEnvironment, AWatchdogForAnotherProcessOrMalformedIsNotArmed) {
  EXPECT_EQ(env_of({{"WATCHDOG_USEC", "4000000"}, {"WATCHDOG_PID", "100"}}).watchdog, 4s);
  EXPECT_EQ(env_of({{"WATCHDOG_USEC", "4000000"}, {"WATCHDOG_PID", "101"}}).watchdog, 0us);
  EXPECT_EQ(env_of({{"WATCHDOG_USEC", "4s"}}).watchdog, 0us);
  EXPECT_EQ(env_of({{"WATCHDOG_USEC", "-5"}}).watchdog, 0us);
  EXPECT_EQ(env_of({{"WATCHDOG_USEC", "0"}}).watchdog, 0us);
}

TEST(SdNotifyEnvironment, PingsAtHalfTheWatchdogInterval) {
  EXPECT_EQ(watchdog_ping_period(30s), 15000ms);
  EXPECT_EQ(watchdog_ping_period(3us), 1ms);  // never a busy loop
}

TEST(SdNotifySend, DeliversOneDatagramToAPathSocket) {
  const std::string path = temp_socket_path();
  Listener listener(path);
  ASSERT_TRUE(listener.bound());
  EXPECT_EQ(send_notification(path, "READY=1\nSTATUS=up"), "");
  EXPECT_EQ(listener.next(), "READY=1\nSTATUS=up");
  ::rmdir(path.substr(0, path.rfind('/')).c_str());
}

TEST(SdNotifySend, DeliversToAnAbstractSocket) {
  const std::string name = "@ocpp-sd-notify-test-" + std::to_string(::getpid());
  Listener listener(name);
  ASSERT_TRUE(listener.bound());
  EXPECT_EQ(send_notification(name, "WATCHDOG=1"), "");
  EXPECT_EQ(listener.next(), "WATCHDOG=1");
}

TEST(SdNotifySend, SaysWhyWhenNobodyListens) {
  EXPECT_NE(send_notification("/nonexistent/notify", "READY=1"), "");
  EXPECT_NE(send_notification("", "READY=1"), "");
}

class ServiceNotifierTest : public ::testing::Test {
 protected:
  ServiceNotifierTest() : path_(temp_socket_path()), listener_(path_) {}
  ~ServiceNotifierTest() override { ::rmdir(path_.substr(0, path_.rfind('/')).c_str()); }
  NotifyEnvironment env(std::chrono::microseconds watchdog) { return NotifyEnvironment{path_, watchdog}; }

  ManualClock clock_;
  ManualEventLoop loop_{clock_};
  std::string path_;
  Listener listener_;
  std::string status_ = "CP-1: registration Pending, not connected to the CSMS";
};

TEST_F(ServiceNotifierTest, ReadyComesFromTheLoopNotFromStart) {
  ServiceNotifier n(loop_, env(0us), [this] { return status_; });
  n.start();
  EXPECT_EQ(listener_.next(50ms), "<none>");
  loop_.run_pending();
  EXPECT_EQ(listener_.next(), "READY=1\nSTATUS=CP-1: registration Pending, not connected to the CSMS");
}

TEST_F(ServiceNotifierTest, PingsTheWatchdogAtHalfTheInterval) {
  ServiceNotifier n(loop_, env(10s), [this] { return status_; });
  n.start();
  loop_.run_pending();
  ASSERT_EQ(listener_.next().rfind("READY=1", 0), 0u);
  loop_.advance(4999ms);
  EXPECT_EQ(listener_.next(50ms), "<none>");
  loop_.advance(1ms);
  EXPECT_EQ(listener_.next(), "WATCHDOG=1");
  loop_.advance(5000ms);
  EXPECT_EQ(listener_.next(), "WATCHDOG=1");
}

TEST_F(ServiceNotifierTest, SendsTheStatusOnlyWhenItChanges) {
  ServiceNotifier n(loop_, env(0us), [this] { return status_; });
  n.start();
  loop_.run_pending();
  listener_.next();
  loop_.advance(ServiceNotifier::kStatusCheck * 3);
  EXPECT_EQ(listener_.next(50ms), "<none>");
  status_ = "CP-1: registration Accepted, connected to the CSMS";
  loop_.advance(ServiceNotifier::kStatusCheck);
  EXPECT_EQ(listener_.next(), "STATUS=CP-1: registration Accepted, connected to the CSMS");
}

TEST_F(ServiceNotifierTest, SaysStopping) {
  ServiceNotifier n(loop_, env(0us), [this] { return status_; });
  n.start();
  n.stopping();
  EXPECT_EQ(listener_.next(), "STOPPING=1\nSTATUS=stopping");
}

TEST_F(ServiceNotifierTest, OutsideSystemdArmsNothing) {
  ServiceNotifier n(loop_, NotifyEnvironment{}, [this] { return status_; });
  EXPECT_FALSE(n.active());
  n.start();
  n.stopping();
  loop_.advance(60s);
  EXPECT_EQ(listener_.next(50ms), "<none>");
}

}  // namespace
}  // namespace ocpp::cp::daemon
