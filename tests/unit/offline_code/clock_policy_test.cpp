// The pile's clock policy (docs/offline-code.md section 7) and what it means for a pile whose clock
// was reset: it still accepts genuine codes and still refuses a replay after a reboot.
#include "ocpp/offline_code/clock_policy.hpp"

#include <gtest/gtest.h>

#include "ocpp/offline_code/offline_code.hpp"
#include "time_helpers.hpp"

namespace ocpp::offline_code {
namespace {

const UnixSeconds kNow = test::unix_time("2027-01-10T12:00:00Z");
constexpr UnixSeconds kDay = 86400;

TEST(ClockPolicy, States) {
  ClockFacts f{kNow, kNow - 3600, true, kNow - 7200};
  auto v = assess_clock(f);
  EXPECT_EQ(v.state, ClockState::Synced);
  EXPECT_TRUE(v.trusted);
  EXPECT_EQ(v.now, kNow);
  EXPECT_EQ(v.tolerance, 600);

  f.last_sync = kNow - 10 * kDay - 5;
  v = assess_clock(f);
  EXPECT_EQ(v.state, ClockState::Drifting);
  EXPECT_EQ(v.tolerance, 600 + 10 * 60);

  f.last_sync = kNow - 365 * kDay;
  EXPECT_EQ(assess_clock(f).state, ClockState::Drifting);
  EXPECT_LT(assess_clock(f).tolerance, 23 * kHour) << "stays inside the 192 h - 169 h reconstruction margin";
  f.last_sync = kNow - 366 * kDay;
  EXPECT_EQ(assess_clock(f).state, ClockState::Untrusted);

  for (ClockFacts bad : {ClockFacts{kNow, kNow, false, 0}, ClockFacts{kNow, std::nullopt, true, 0},
                         ClockFacts{kNow - 10, kNow - 20, true, kNow}, ClockFacts{kNow, kNow + 50, true, 0}}) {
    v = assess_clock(bad);
    EXPECT_EQ(v.state, ClockState::Untrusted);
    EXPECT_FALSE(v.trusted);
    EXPECT_EQ(v.now, bad.time_floor);
  }
}

TEST(ClockPolicy, DriftTolerance) {
  EXPECT_EQ(drift_tolerance(0), 600);
  EXPECT_EQ(drift_tolerance(kDay - 1), 600);
  EXPECT_EQ(drift_tolerance(kDay), 660);
  EXPECT_EQ(drift_tolerance(-5), 600);
}

TEST(ClockPolicy, FloorOnlyRises) {
  Fields f{1, 0, expiry_hours_for(kNow, 2), 0, 0};
  const UnixSeconds raised = floor_after_accept(0, f);
  EXPECT_EQ(raised, expires_at(f) - 169 * kHour);
  EXPECT_LE(raised, kNow) << "never beyond the true time";
  EXPECT_EQ(floor_after_accept(kNow, f), kNow);
}

TEST(ClockPolicy, ResetPileAcceptsGenuineCodesAndRefusesReplaysAfterReboot) {
  MasterSecret master{};
  master[0] = 9;
  const PileKey key = derive_pile_key(master, "CP-R", 1);
  // Last trusted time: 10 days ago. Then the RTC lost power and reads 2000-01-01.
  UnixSeconds floor = kNow - 10 * kDay;
  ReplayWindow window;
  const Fields f{1, 12, expiry_hours_for(kNow, 4), 1, 0};
  const std::string code = encode(f, key, "CP-R");
  for (int boot = 0; boot < 3; ++boot) {
    const ClockView view = assess_clock({test::unix_time("2000-01-01T00:00:00Z"), std::nullopt, false, floor});
    ASSERT_FALSE(view.trusted);
    const Verdict v = verify(code, {key}, "CP-R", 1, view.now, view.trusted, view.tolerance);
    ASSERT_EQ(v.status, Status::Accepted) << "the MAC and the fields do not need the time";
    const auto check = window.accept(v.fields->serial);
    EXPECT_EQ(check, boot == 0 ? ReplayWindow::Check::Fresh : ReplayWindow::Check::Used) << "boot " << boot;
    floor = floor_after_accept(floor, *v.fields);
    // Reboot: only what was persisted survives.
    window = *ReplayWindow::parse(window.serialise());
  }
  EXPECT_EQ(floor, expires_at(f) - 169 * kHour) << "the accepted code raised the floor";
}

}  // namespace
}  // namespace ocpp::offline_code

namespace ocpp::offline_code {
namespace {

// §7, issue 14 item 7: one sync moves the floor a day at most; the newest sync replaces what the
// ones before it said, even downwards.
TEST(ClockPolicy, OneSyncRaisesTheFloorADayAtMost) {
  const UnixSeconds floor = test::unix_time("2027-01-10T12:00:00Z");
  EXPECT_EQ(sync_floor_after_sync(floor, floor + 3600), floor + 3600 - kSyncedTolerance);
  EXPECT_EQ(sync_floor_after_sync(floor, floor + 365 * 86400), floor + kMaxSyncRaise);
  EXPECT_EQ(sync_floor_after_sync(floor, floor - 86400), floor - 86400 - kSyncedTolerance);
}

TEST(ClockPolicy, AFloorAdvancesWithElapsedTimeOnly) {
  EXPECT_EQ(advanced_floor(1000, 50, 80), 1030);
  EXPECT_EQ(advanced_floor(1000, 80, 50), 1000) << "an elapsed reading that went back adds nothing";
}

}  // namespace
}  // namespace ocpp::offline_code
