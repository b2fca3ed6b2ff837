#include "ocpp/transport/lws_loop.hpp"

#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <set>
#include <stdexcept>

#include "ocpp/common/log.hpp"

namespace ocpp::transport {
namespace {

void lws_log_to_ours(int level, const char* line) {
  std::string text(line);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (level & LLL_ERR) {
    log::warn("lws", text);
  } else if (level & (LLL_WARN | LLL_NOTICE)) {
    log::debug("lws", text);
  }
}

const lws_protocols kLoopProtocols[] = {
    {"ocpp-loop", nullptr, 0, 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

}  // namespace

const char* LwsLoop::persistent(const std::string& text) {
  static std::mutex mutex;
  static std::set<std::string> pool;
  std::lock_guard<std::mutex> lock(mutex);
  return pool.insert(text).first->c_str();
}

namespace {

std::sig_atomic_t volatile g_signalled = 0;
// The eventfd of the loop that takes the signals, -1 when none does. A lock-free atomic int may be
// read in a signal handler.
std::atomic<int> g_signal_fd{-1};
static_assert(std::atomic<int>::is_always_lock_free, "the signal handler reads g_signal_fd");

void on_stop_signal(int) {
  const int saved_errno = errno;
  g_signalled = 1;
  const int fd = g_signal_fd.load();
  if (fd >= 0) {
    // write(2) is async-signal-safe; an eventfd counter that is already non-zero still wakes the
    // loop, so a failed or repeated write loses nothing.
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(fd, &one, sizeof one);
  }
  errno = saved_errno;
}

}  // namespace

void LwsLoop::stop_on_signals(std::function<void()> on_signal) {
  on_signal_ = std::move(on_signal);
  if (signal_fd_ < 0) {
    const int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("eventfd: ") + std::strerror(errno));
    adopt(fd, "signal eventfd");
    signal_fd_ = fd;
  }
  g_signal_fd.store(signal_fd_);
  // SA_RESTART as std::signal() gave before: other system calls of the process must not fail
  // with EINTR because of a stop request.
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  // A signal taken before this call (by an earlier loop of the process) still stops this one.
  if (g_signalled) on_stop_signal(SIGTERM);
}

namespace {
std::mutex g_live_mutex;
std::set<const void*>& live_owners() {
  static std::set<const void*> owners;
  return owners;
}
}  // namespace

void LwsLoop::set_live(const void* owner, bool live) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  if (live) {
    live_owners().insert(owner);
  } else {
    live_owners().erase(owner);
  }
}

bool LwsLoop::is_live(const void* owner) {
  std::lock_guard<std::mutex> lock(g_live_mutex);
  return live_owners().count(owner) != 0;
}

const Clock& LwsLoop::default_clock() {
  static SystemClock clock;
  return clock;
}

LwsLoop::LwsLoop(const Clock& clock) : clock_(clock) {
  lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_to_ours);
  // The loop's own protocol table (lws keeps the pointer as long as the context): once a static
  // table that every loop's constructor wrote again, a data race between loops made on two threads.
  protocols_[0] = kLoopProtocols[0];
  protocols_[0].callback = &LwsLoop::loop_callback;
  protocols_[1] = kLoopProtocols[1];
  lws_protocols* protocols = protocols_;

  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = protocols;
  info.gid = -1;
  info.uid = -1;
  info.user = this;
  // Vhosts are created by each client and server with their own TLS settings.
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT | LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
  context_ = lws_create_context(&info);
  if (context_ == nullptr) throw std::runtime_error("libwebsockets: cannot create context");
  // The default vhost carries the loop protocol, which receives EVENT_WAIT_CANCELLED for post().
  lws_context_creation_info vinfo{};
  vinfo.port = CONTEXT_PORT_NO_LISTEN;
  vinfo.protocols = protocols;
  vinfo.vhost_name = "ocpp-loop";
  loop_vhost_ = lws_create_vhost(context_, &vinfo);
  if (loop_vhost_ == nullptr) {
    lws_context_destroy(context_);
    throw std::runtime_error("libwebsockets: cannot create loop vhost");
  }
  try {
    // CLOCK_MONOTONIC is what std::chrono::steady_clock reads on Linux; the timer is armed with a
    // relative delay anyway, so a Clock of another kind only costs an early wake-up.
    const int fd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error(std::string("timerfd_create: ") + std::strerror(errno));
    adopt(fd, "timerfd");
    timer_fd_ = fd;
  } catch (...) {
    lws_context_destroy(context_);
    throw;
  }
}

LwsLoop::~LwsLoop() {
  // The handler must not write to the eventfd once lws has closed it.
  int ours = signal_fd_;
  if (ours >= 0) g_signal_fd.compare_exchange_strong(ours, -1);
  lws_context_destroy(context_);  // closes the adopted descriptors
}

// Hands `fd` to libwebsockets as a raw file on the loop's vhost: its readiness comes back as
// LWS_CALLBACK_RAW_RX_FILE in loop_callback. On failure the descriptor is closed here.
void LwsLoop::adopt(int fd, const char* what) {
  lws_sock_file_fd_type desc{};
  desc.filefd = fd;
  if (lws_adopt_descriptor_vhost(loop_vhost_, LWS_ADOPT_RAW_FILE_DESC, desc, "ocpp-loop", nullptr) == nullptr) {
    ::close(fd);
    throw std::runtime_error(std::string("libwebsockets: cannot adopt the loop's ") + what);
  }
}

namespace {

// Work run from inside libwebsockets' service loop must not throw through its C frames: an
// exception there ends the process. It is logged as the bug it is, and the loop goes on.
std::function<void()> guarded(std::function<void()> fn) {
  return [fn = std::move(fn)] {
    try {
      fn();
    } catch (const std::exception& e) {
      log::error("loop", std::string("BUG: uncaught exception in event loop work: ") + e.what());
    }
  };
}

}  // namespace

TimerId LwsLoop::schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) {
  const TimerId id = timers_.add(clock_.steady_now() + delay, guarded(std::move(fn)));
  arm_wakeup();
  return id;
}

void LwsLoop::cancel(TimerId id) {
  timers_.cancel(id);
  arm_wakeup();  // so that a cancelled earliest timer does not wake the loop for nothing
}

void LwsLoop::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    posted_.push_back(guarded(std::move(fn)));
  }
  lws_cancel_service(context_);
}

void LwsLoop::run() {
  stopping_ = false;
  while (!stopping_) run_once();
}

void LwsLoop::run_once() {
  drain();
  if (stopping_) return;
  ++iterations_;
  if (lws_service(context_, 0) < 0) {
    log::error("loop", "libwebsockets service failed");
    stopping_ = true;
  }
  drain();
}

void LwsLoop::stop() {
  stopping_ = true;
  lws_cancel_service(context_);
}

void LwsLoop::drain() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard<std::mutex> lock(posted_mutex_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
  timers_.run_due(clock_.steady_now());
  arm_wakeup();
}

void LwsLoop::arm_wakeup() {
  const TimerWakeup::Step step = wakeup_.update(timers_.next_deadline(), clock_.steady_now());
  if (step.action == TimerWakeup::Action::keep) return;
  itimerspec spec{};  // all zero: disarmed
  if (step.action == TimerWakeup::Action::arm) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(step.delay);
    spec.it_value.tv_sec = static_cast<time_t>(secs.count());
    spec.it_value.tv_nsec = static_cast<long>((step.delay - secs).count());
  }
  if (::timerfd_settime(timer_fd_, 0, &spec, nullptr) != 0) {
    // Cannot happen with a valid descriptor and value; the loop would sleep through its timers.
    log::error("loop", std::string("BUG: timerfd_settime: ") + std::strerror(errno));
    wakeup_.fired();
  }
}

void LwsLoop::on_readable(int fd) {
  std::uint64_t count = 0;
  // Reading resets the descriptor (expirations of the timerfd, the eventfd's counter); EAGAIN
  // after a spurious wake-up is fine, the loop just goes back to sleep.
  [[maybe_unused]] const ssize_t n = ::read(fd, &count, sizeof count);
  if (fd == timer_fd_) {
    wakeup_.fired();
    drain();
  } else if (fd == signal_fd_ && g_signalled && !stopping_) {
    if (on_signal_) on_signal_();
    stop();
  }
}

int LwsLoop::loop_callback(lws* wsi, lws_callback_reasons reason, void*, void*, size_t) {
  if (reason != LWS_CALLBACK_EVENT_WAIT_CANCELLED && reason != LWS_CALLBACK_RAW_RX_FILE) return 0;
  auto* self = static_cast<LwsLoop*>(lws_context_user(lws_get_context(wsi)));
  if (self == nullptr) return 0;
  if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED) {
    self->drain();
  } else {
    self->on_readable(lws_get_socket_fd(wsi));
  }
  return 0;
}

std::string header_value(lws* wsi, lws_token_indexes token) {
  const int len = lws_hdr_total_length(wsi, token);
  if (len <= 0) return {};
  std::string value(static_cast<std::size_t>(len) + 1, '\0');
  const int n = lws_hdr_copy(wsi, value.data(), len + 1, token);
  value.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return value;
}

}  // namespace ocpp::transport
