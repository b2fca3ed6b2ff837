#pragma once
// The pile's clock policy for offline codes (docs/offline-code.md section 7): which state its clock is
// in, which reference time and tolerance verify() gets, and how the persisted time floor moves.
#include <cstdint>
#include <optional>

#include "ocpp/offline_code/fields.hpp"

namespace ocpp::offline_code {

enum class ClockState { Synced, Drifting, Untrusted };

inline constexpr UnixSeconds kSyncedFor = 24 * kHour;           // synced if the last sync is this recent
inline constexpr UnixSeconds kTrustedFor = 365 * 24 * kHour;    // drifting up to this, then untrusted
inline constexpr UnixSeconds kDriftPerDay = 60;                 // tolerance added per whole day unsynced

struct ClockFacts {
  UnixSeconds rtc_now = 0;                  // what the clock reads
  std::optional<UnixSeconds> last_sync;     // clock time of the last sync from the CSMS or NTP, if any
  bool rtc_valid = true;                    // false when the RTC lost power or flags itself invalid
  UnixSeconds time_floor = 0;               // the persisted time floor F
};

// What verify() is given.
struct ClockView {
  ClockState state = ClockState::Untrusted;
  UnixSeconds now = 0;        // the clock, or the time floor when untrusted
  bool trusted = false;
  UnixSeconds tolerance = 0;
};

// §7: 600 s plus 60 s per whole day since the last sync.
UnixSeconds drift_tolerance(UnixSeconds since_sync);
ClockView assess_clock(const ClockFacts& facts);

// §7: how far one clock sync may put the floor ahead of the floor the pile had: a bogus time from
// a CSMS (a year ahead, say) can then push it by a day at most, not for good.
inline constexpr UnixSeconds kMaxSyncRaise = 24 * kHour;

// §7: a floor set at elapsed time `set_at` (seconds on a clock that never jumps, kept across
// reboots) is still a floor `elapsed_now - set_at` seconds later, advanced by that much. A reading
// that went backwards adds nothing.
UnixSeconds advanced_floor(UnixSeconds floor, std::int64_t set_at, std::int64_t elapsed_now);

// §7: the part of the floor that clock syncs set, after a sync to `synced_to`: the synced time less
// the tolerance, at most kMaxSyncRaise above `floor` (the whole floor the pile had before the
// sync). It replaces what earlier syncs set, even when it is lower: the newest sync wins, and what
// accepted codes and the build time proved is kept apart and never lowered.
UnixSeconds sync_floor_after_sync(UnixSeconds floor, UnixSeconds synced_to);

// §7: the floor after an accepted code: it never decreases.
UnixSeconds floor_after_accept(UnixSeconds floor, const Fields& accepted);

}  // namespace ocpp::offline_code
