// Several charge points on one event loop (ocpp-fleet, issue 16): each sees the loop through a
// ClockedLoop with its own SyncedClock, so a CSMS's time sync of one pile (1.6 §4.2/§4.6
// currentTime) moves that pile's wall time only, while every pile's timers run on the one loop.
#include <gtest/gtest.h>

#include <string>

#include "ocpp/common/clocked_loop.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/cp/synced_clock.hpp"

namespace ocpp::cp {
namespace {

using namespace std::chrono_literals;

TEST(SharedLoop, ATimeSyncMovesOnlyThatPilesWallClock) {
  ManualClock process_clock;
  ManualEventLoop loop(process_clock);
  SyncedClock clock_a(process_clock);
  SyncedClock clock_b(process_clock);
  ClockedLoop pile_a(loop, clock_a);
  ClockedLoop pile_b(loop, clock_b);

  clock_a.sync_to(process_clock.system_now() + 1h);
  EXPECT_EQ(pile_a.clock().system_now(), process_clock.system_now() + 1h);
  EXPECT_EQ(pile_b.clock().system_now(), process_clock.system_now());
  // Steady time is the loop's for both: their timers are the loop's timers.
  EXPECT_EQ(pile_a.clock().steady_now(), loop.clock().steady_now());
}

TEST(SharedLoop, EveryPilesTimersAndPostedWorkRunOnTheOneLoop) {
  ManualClock process_clock;
  ManualEventLoop loop(process_clock);
  SyncedClock clock_a(process_clock);
  SyncedClock clock_b(process_clock);
  ClockedLoop pile_a(loop, clock_a);
  ClockedLoop pile_b(loop, clock_b);
  clock_b.sync_to(process_clock.system_now() - 2h);  // a wall clock far off changes no timer

  std::string ran;
  pile_b.schedule_after(200ms, [&] { ran += 'b'; });
  pile_a.schedule_after(100ms, [&] { ran += 'a'; });
  const TimerId cancelled = pile_a.schedule_after(150ms, [&] { ran += 'x'; });
  pile_b.cancel(cancelled);  // ids are the loop's: any view cancels any timer
  pile_a.post([&] { ran += 'p'; });
  loop.advance(300ms);
  EXPECT_EQ(ran, "pab");
}

}  // namespace
}  // namespace ocpp::cp
