// LwsLoop's wake-ups on the real clock (issue 15): it sleeps until a timer is due, and a stop
// signal wakes it at once. Each test stops itself through a timer; a guard timer ends a test
// that would otherwise hang.
#include "ocpp/transport/lws_loop.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <optional>
#include <thread>

namespace ocpp::transport {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

TEST(LwsLoopWakeups, AFarTimerDoesNotWakeTheLoopAndANearOneFiresOnTime) {
  LwsLoop loop;
  bool far_fired = false;
  std::optional<Steady::time_point> near_fired_at;
  loop.schedule_after(1h, [&] { far_fired = true; });
  loop.schedule_after(10s, [&] { loop.stop(); });  // guard
  const auto start = Steady::now();
  loop.schedule_after(300ms, [&] {
    near_fired_at = Steady::now();
    loop.stop();
  });
  const auto before = loop.iterations();
  loop.run();
  ASSERT_TRUE(near_fired_at) << "the guard stopped the loop";
  EXPECT_FALSE(far_fired);
  EXPECT_GE(*near_fired_at - start, 300ms);
  EXPECT_LT(*near_fired_at - start, 800ms);  // generous: the machine is shared
  // One wake-up for the 300 ms timer, and at most one of libwebsockets' own at start. The old
  // scheduler entry spun through the last millisecond: dozens of iterations.
  EXPECT_LE(loop.iterations() - before, 2u);
}

TEST(LwsLoopWakeups, CancellingTheEarliestTimerDoesNotWakeTheLoop) {
  LwsLoop loop;
  bool cancelled_fired = false;
  const TimerId early = loop.schedule_after(50ms, [&] { cancelled_fired = true; });
  loop.schedule_after(300ms, [&] { loop.stop(); });
  loop.schedule_after(10s, [&] { loop.stop(); });  // guard
  loop.cancel(early);
  const auto before = loop.iterations();
  const auto start = Steady::now();
  loop.run();
  EXPECT_FALSE(cancelled_fired);
  EXPECT_GE(Steady::now() - start, 300ms);
  EXPECT_LE(loop.iterations() - before, 2u);
}

TEST(LwsLoopWakeups, PostFromAnotherThreadWakesTheSleepingLoop) {
  LwsLoop loop;
  bool ran = false;
  loop.schedule_after(10s, [&] { loop.stop(); });  // guard
  std::thread poster([&] {
    std::this_thread::sleep_for(100ms);
    loop.post([&] {
      ran = true;
      loop.stop();
    });
  });
  const auto start = Steady::now();
  loop.run();
  poster.join();
  EXPECT_TRUE(ran);
  EXPECT_LT(Steady::now() - start, 5s);
}

TEST(LwsLoopSignals, SigtermWakesAndStopsTheLoopAtOnce) {
  LwsLoop loop;
  bool on_signal_ran = false;
  bool guard_fired = false;
  loop.stop_on_signals([&] { on_signal_ran = true; });
  loop.schedule_after(10s, [&] {
    guard_fired = true;
    loop.stop();
  });
  loop.schedule_after(50ms, [] { std::raise(SIGTERM); });
  const auto start = Steady::now();
  loop.run();
  EXPECT_TRUE(on_signal_ran);
  EXPECT_FALSE(guard_fired);
  EXPECT_LT(Steady::now() - start, 5s);
}

}  // namespace
}  // namespace ocpp::transport
