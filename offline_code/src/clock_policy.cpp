// The pile's clock policy (docs/offline-code.md section 7).
#include "ocpp/offline_code/clock_policy.hpp"

#include <algorithm>

#include "ocpp/offline_code/code.hpp"

namespace ocpp::offline_code {

UnixSeconds drift_tolerance(UnixSeconds since_sync) {
  const UnixSeconds days = std::max<UnixSeconds>(0, since_sync) / (24 * kHour);
  return kSyncedTolerance + kDriftPerDay * days;
}

ClockView assess_clock(const ClockFacts& facts) {
  ClockView v;
  const bool usable = facts.rtc_valid && facts.rtc_now >= facts.time_floor && facts.last_sync &&
                      facts.rtc_now >= *facts.last_sync && facts.rtc_now - *facts.last_sync <= kTrustedFor;
  if (!usable) {
    // Reset, never synced, unsynced for over a year, or reading earlier than a time known to have passed.
    v.state = ClockState::Untrusted;
    v.now = facts.time_floor;
    v.trusted = false;
    v.tolerance = kSyncedTolerance;
    return v;
  }
  const UnixSeconds since = facts.rtc_now - *facts.last_sync;
  v.state = since <= kSyncedFor ? ClockState::Synced : ClockState::Drifting;
  v.now = facts.rtc_now;
  v.trusted = true;
  v.tolerance = v.state == ClockState::Synced ? kSyncedTolerance : drift_tolerance(since);
  return v;
}

UnixSeconds advanced_floor(UnixSeconds floor, std::int64_t set_at, std::int64_t elapsed_now) {
  return floor + std::max<std::int64_t>(0, elapsed_now - set_at);
}

UnixSeconds sync_floor_after_sync(UnixSeconds floor, UnixSeconds synced_to) {
  return std::min(synced_to - kSyncedTolerance, floor + kMaxSyncRaise);
}

UnixSeconds floor_after_accept(UnixSeconds floor, const Fields& accepted) {
  return std::max(floor, earliest_issue_time(accepted));
}

}  // namespace ocpp::offline_code
