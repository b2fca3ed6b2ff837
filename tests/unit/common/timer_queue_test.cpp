#include "ocpp/common/timer_queue.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace ocpp {
namespace {

using namespace std::chrono_literals;

TEST(ManualEventLoop, TimersFireInDeadlineOrderAtTheirTime) {
  ManualClock clock;
  ManualEventLoop loop(clock);
  std::vector<int> fired;
  loop.schedule_after(300ms, [&] { fired.push_back(3); });
  loop.schedule_after(100ms, [&] { fired.push_back(1); });
  loop.schedule_after(200ms, [&] { fired.push_back(2); });
  loop.advance(150ms);
  EXPECT_EQ(fired, std::vector<int>({1}));
  loop.advance(1s);
  EXPECT_EQ(fired, std::vector<int>({1, 2, 3}));
}

TEST(ManualEventLoop, CancelledTimerNeverFires) {
  ManualClock clock;
  ManualEventLoop loop(clock);
  bool fired = false;
  const TimerId id = loop.schedule_after(10ms, [&] { fired = true; });
  loop.cancel(id);
  loop.cancel(id);  // twice is harmless
  loop.advance(1s);
  EXPECT_FALSE(fired);
}

TEST(ManualEventLoop, ATimerSeesItsOwnDeadlineOnTheClock) {
  ManualClock clock;
  ManualEventLoop loop(clock);
  SteadyTime seen{};
  const SteadyTime start = clock.steady_now();
  loop.schedule_after(250ms, [&] { seen = clock.steady_now(); });
  loop.advance(10s);
  EXPECT_EQ(seen - start, 250ms);
}

TEST(ManualEventLoop, RepeatingTimerAndPostedWork) {
  ManualClock clock;
  ManualEventLoop loop(clock);
  int ticks = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    loop.schedule_after(1s, tick);
  };
  loop.schedule_after(1s, tick);
  bool posted = false;
  loop.post([&] { posted = true; });
  loop.advance(5s);
  EXPECT_EQ(ticks, 5);
  EXPECT_TRUE(posted);
}

}  // namespace
}  // namespace ocpp
