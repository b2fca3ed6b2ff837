#include "client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <thread>

namespace ocpp::cpctl {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxAnswerBytes = 16 * 1024 * 1024;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Milliseconds left until the deadline, for poll(); 0 once it has passed.
int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(std::min<long long>(left, 1 << 30)) : 0;
}

std::string seconds_text(double s) {
  std::string text = std::to_string(s);
  text.erase(text.find_last_not_of('0') + 1);
  if (!text.empty() && text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

std::string exchange(const std::string& path, const std::string& request_line, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long long>(std::ceil(timeout_s * 1000)));
  const std::string no_answer = "no answer from " + path + " within " + seconds_text(timeout_s) + " s";

  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    throw Unreachable("cannot connect to " + path + ": the path is longer than a Unix socket path can be");
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) throw Unreachable("cannot connect to " + path + ": " + std::strerror(errno));
  // A full listen backlog answers EAGAIN: try again until the deadline.
  while (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    if (errno == EINTR) continue;
    if (errno == EAGAIN && remaining_ms(deadline) > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      continue;
    }
    throw Unreachable("cannot connect to " + path + ": " + std::strerror(errno));
  }

  const std::string out = request_line + "\n";
  std::size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd.get(), POLLOUT, 0};
      if (::poll(&p, 1, remaining_ms(deadline)) == 0) throw Unreachable(no_answer);
      continue;
    }
    throw Unreachable("lost the connection to " + path + ": " + std::strerror(errno));
  }

  // Keep the connection open for writing: the charge point treats a half-close as a close.
  std::string in;
  char buffer[4096];
  for (;;) {
    const auto nl = in.find('\n');
    if (nl != std::string::npos) return in.substr(0, nl);
    pollfd p{fd.get(), POLLIN, 0};
    const int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) throw Unreachable(no_answer);
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, 0);
    if (n > 0) {
      in.append(buffer, static_cast<std::size_t>(n));
      if (in.size() > kMaxAnswerBytes) throw Unreachable("the answer from " + path + " is larger than 16 MiB");
      continue;
    }
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n == 0) throw Unreachable("the charge point closed the connection on " + path + " without answering");
    throw Unreachable("lost the connection to " + path + ": " + std::strerror(errno));
  }
}

}  // namespace ocpp::cpctl
