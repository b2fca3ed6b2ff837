#pragma once
// The real event loop: one thread running libwebsockets' service loop, with our timers (from an
// injectable Clock) woken through an lws scheduler entry, and post() from other threads woken
// through lws_cancel_service(). DESIGN.md principle 2.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include <libwebsockets.h>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/event_loop.hpp"
#include "ocpp/common/timer_queue.hpp"

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
  // SIGINT and SIGTERM stop the loop (checked every 100 ms: a signal handler may only set a flag).
  // `on_signal` runs on the loop thread just before it stops. For the programs' main loops.
  void stop_on_signals(std::function<void()> on_signal = {});

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
  static void on_wakeup(lws_sorted_usec_list_t* sul);
  void drain();
  void arm_wakeup();
  void check_signals();

  const Clock& clock_;
  lws_context* context_ = nullptr;
  TimerQueue timers_;
  // Standard-layout holder so the lws scheduler callback can find its loop from the sul pointer.
  struct Wakeup {
    lws_sorted_usec_list_t sul;
    LwsLoop* self;
  };
  Wakeup wakeup_{};
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::atomic<bool> stopping_{false};
  std::function<void()> on_signal_;
};

// The value of one HTTP header of a connection (all fragments), or "" when absent.
std::string header_value(lws* wsi, lws_token_indexes token);

}  // namespace ocpp::transport
