#pragma once
// The pile's clock policy for offline codes (docs/offline-code.md section 7): which state its clock is
// in, which reference time and tolerance verify() gets, and how the persisted time floor moves.
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

// §7: the floor after an accepted code: it never decreases.
UnixSeconds floor_after_accept(UnixSeconds floor, const Fields& accepted);
// §7: the floor while the clock is trusted (the pile writes it back at most once an hour).
UnixSeconds floor_from_trusted_clock(UnixSeconds floor, const ClockView& view);

}  // namespace ocpp::offline_code
