#pragma once
// The real event loop: one thread running libwebsockets' service loop, with our timers (from an
// injectable Clock) woken through a timerfd that the loop registers with libwebsockets, and post()
// from other threads woken through lws_cancel_service(). DESIGN.md principle 2.
// Idle, the thread sleeps in poll() until a timer is due, a descriptor is ready, work is posted or
// a stop signal arrives (issue 15): nothing here wakes it just to look.
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <libwebsockets.h>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/event_loop.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/common/timer_wakeup.hpp"

namespace ocpp::transport {

class LwsLoop final : public EventLoop {
 public:
  explicit LwsLoop(const Clock& clock = default_clock());
  ~LwsLoop() override;
  LwsLoop(const LwsLoop&) = delete;
  LwsLoop& operator=(const LwsLoop&) = delete;

  const Clock& clock() const override { return clock_; }
  // schedule_after() and cancel() are for the loop thread (or before run()); post() is for anyone.
  TimerId schedule_after(std::chrono::milliseconds delay, std::function<void()> fn) override;
  void cancel(TimerId id) override;
  void post(std::function<void()> fn) override;

  // Services until stop(); returns after the current iteration. stop() is thread-safe.
  void run();
  void stop();
  // Runs one service iteration (tests that drive the loop themselves).
  void run_once();
  // SIGINT and SIGTERM stop the loop: the handler writes to an eventfd the loop polls, so the
  // signal wakes it at once and nothing polls a flag. `on_signal` runs on the loop thread just
  // before it stops. For the programs' main loops (one loop per process takes the signals).
  void stop_on_signals(std::function<void()> on_signal = {});
  // Service iterations so far, each one return from libwebsockets' poll(): the loop thread's
  // wake-ups, which tests count.
  std::uint64_t iterations() const { return iterations_; }

  lws_context* context() { return context_; }

  static const Clock& default_clock();
  // libwebsockets keeps the strings of a vhost's creation info (name, interface) by pointer, and
  // may use them after the vhost's owner is gone (vhosts are freed lazily). This returns a copy
  // that lives as long as the process; names are few, so the pool stays small.
  static const char* persistent(const std::string& text);
  // The same laziness means a connection can still reach the vhost of an object that is gone.
  // Objects that own a vhost register while they live; their lws callbacks check is_live() before
  // using the vhost's user pointer.
  static void set_live(const void* owner, bool live);
  static bool is_live(const void* owner);

 private:
  static int loop_callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  void adopt(int fd, const char* what);
  void on_readable(int fd);
  void drain();
  void arm_wakeup();

  const Clock& clock_;
  lws_protocols protocols_[2]{};
  lws_context* context_ = nullptr;
  lws_vhost* loop_vhost_ = nullptr;
  TimerQueue timers_;
  // The timers' wake-up: a timerfd armed for the earliest deadline to the nanosecond. Not an lws
  // scheduler entry: lws 4.1 rounds the poll timeout down to whole milliseconds and then polls
  // with a zero timeout until the entry is due, spinning through the last millisecond before
  // every timer. libwebsockets owns (and closes) both descriptors once adopted.
  int timer_fd_ = -1;
  TimerWakeup wakeup_;
  int signal_fd_ = -1;  // the eventfd of stop_on_signals(), once called
  std::uint64_t iterations_ = 0;
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::atomic<bool> stopping_{false};
  std::function<void()> on_signal_;
};

// The value of one HTTP header of a connection (all fragments), or "" when absent.
std::string header_value(lws* wsi, lws_token_indexes token);

}  // namespace ocpp::transport
