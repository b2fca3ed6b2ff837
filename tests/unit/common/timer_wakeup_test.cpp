#include "ocpp/common/timer_wakeup.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "ocpp/common/timer_queue.hpp"

namespace ocpp {
namespace {

using namespace std::chrono_literals;
using Action = TimerWakeup::Action;

// A loop run the way LwsLoop runs one, on a ManualClock: it sleeps until its armed wake-up (the
// timerfd), then runs what is due and re-arms. Counts the wake-ups and the re-arming system calls.
class SimulatedLoop {
 public:
  explicit SimulatedLoop(ManualClock& clock) : clock_(clock) {}

  TimerId add(std::chrono::milliseconds delay, std::function<void()> fn) {
    const TimerId id = timers_.add(clock_.steady_now() + delay, std::move(fn));
    rearm();
    return id;
  }
  void cancel(TimerId id) {
    timers_.cancel(id);
    rearm();
  }
  // Lets `d` pass: nothing runs unless the armed wake-up goes off within it.
  void run_for(std::chrono::milliseconds d) {
    const SteadyTime end = clock_.steady_now() + d;
    while (alarm_ && *alarm_ <= end) {
      clock_.advance(std::chrono::ceil<std::chrono::milliseconds>(*alarm_ - clock_.steady_now()));
      alarm_.reset();
      wakeup_.fired();
      ++wakeups;
      timers_.run_due(clock_.steady_now());
      rearm();
    }
    clock_.advance(std::chrono::duration_cast<std::chrono::milliseconds>(end - clock_.steady_now()));
  }
  // A timer that re-schedules itself every `period`, as the heartbeat and the ping do.
  void every(std::chrono::milliseconds period, int& count) {
    add(period, [this, period, &count] {
      ++count;
      every(period, count);
    });
  }

  int wakeups = 0;
  int syscalls = 0;

 private:
  void rearm() {
    const auto step = wakeup_.update(timers_.next_deadline(), clock_.steady_now());
    if (step.action == Action::keep) return;
    ++syscalls;
    if (step.action == Action::arm) {
      alarm_ = clock_.steady_now() + step.delay;
    } else {
      alarm_.reset();
    }
  }

  ManualClock& clock_;
  TimerQueue timers_;
  TimerWakeup wakeup_;
  std::optional<SteadyTime> alarm_;
};

TEST(TimerWakeup, AFarTimerCausesNoWakeUpAndANearOneFiresOnTime) {
  ManualClock clock;
  SimulatedLoop loop(clock);
  const SteadyTime start = clock.steady_now();
  bool far_fired = false;
  std::optional<SteadyTime> near_fired_at;
  loop.add(1h, [&] { far_fired = true; });
  loop.run_for(10min);
  EXPECT_EQ(loop.wakeups, 0);  // ten idle minutes: the loop never woke
  EXPECT_FALSE(far_fired);

  loop.add(50ms, [&] { near_fired_at = clock.steady_now(); });
  loop.run_for(49ms);
  EXPECT_FALSE(near_fired_at);
  loop.run_for(1ms);
  ASSERT_TRUE(near_fired_at);
  EXPECT_EQ(*near_fired_at, start + 10min + 50ms);
  EXPECT_EQ(loop.wakeups, 1);

  loop.run_for(50min);
  EXPECT_TRUE(far_fired);
  EXPECT_EQ(loop.wakeups, 2);
}

TEST(TimerWakeup, AnIdlePileWakesOnlyForItsTimers) {
  // The timers of a connected, idle pile: heartbeat 300 s, WebSocket ping 60 s, smart charging's
  // 60 s recheck. Over an hour that is 72 distinct instants; ping and recheck share theirs.
  ManualClock clock;
  SimulatedLoop loop(clock);
  int heartbeats = 0, pings = 0, rechecks = 0;
  loop.every(300s, heartbeats);
  loop.every(60s, pings);
  loop.every(60s, rechecks);
  loop.run_for(1h);
  EXPECT_EQ(heartbeats, 12);
  EXPECT_EQ(pings, 60);
  EXPECT_EQ(rechecks, 60);
  EXPECT_EQ(loop.wakeups, 60);  // every heartbeat instant is also a ping instant
}

TEST(TimerWakeup, OnlyAChangeOfTheEarliestDeadlineRearms) {
  ManualClock clock;
  SimulatedLoop loop(clock);
  const TimerId first = loop.add(1s, [] {});
  EXPECT_EQ(loop.syscalls, 1);
  const TimerId later = loop.add(5s, [] {});
  loop.cancel(later);
  EXPECT_EQ(loop.syscalls, 1);  // neither touched the earliest deadline
  loop.add(10s, [] {});
  loop.cancel(first);
  EXPECT_EQ(loop.syscalls, 2);  // now the 10 s timer is the earliest
  loop.run_for(10s);
  EXPECT_EQ(loop.wakeups, 1);
  EXPECT_EQ(loop.syscalls, 2);  // no timer left, and the one-shot wake-up that went off is disarmed already
}

TEST(TimerWakeup, ADeadlineAlreadyPassedArmsANonZeroDelay) {
  ManualClock clock;
  TimerWakeup wakeup;
  const SteadyTime now = clock.steady_now();
  const auto step = wakeup.update(now - 5ms, now);
  EXPECT_EQ(step.action, Action::arm);
  EXPECT_GT(step.delay.count(), 0);  // a zero timerfd value would disarm it
  EXPECT_EQ(wakeup.update(now - 5ms, now).action, Action::keep);
  wakeup.fired();  // it went off, yet the deadline is still the earliest: arm again
  EXPECT_EQ(wakeup.update(now - 5ms, now).action, Action::arm);
  EXPECT_EQ(wakeup.update(std::nullopt, now).action, Action::disarm);
  EXPECT_EQ(wakeup.update(std::nullopt, now).action, Action::keep);
}

TEST(TimerWakeup, TheDelayIsExactToTheNanosecond) {
  ManualClock clock;
  TimerWakeup wakeup;
  const SteadyTime now = clock.steady_now();
  const auto step = wakeup.update(now + 1500us + 7ns, now);
  EXPECT_EQ(step.action, Action::arm);
  EXPECT_EQ(step.delay, 1500us + 7ns);  // not rounded to milliseconds, either way
}

}  // namespace
}  // namespace ocpp
