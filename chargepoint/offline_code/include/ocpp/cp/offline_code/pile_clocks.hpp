#pragma once
// The time sources of the pile's offline-code clock policy (docs/offline-code.md §7, §8.1), as
// functions so that tests drive them: elapsed time that never jumps, the kernel's view of whether
// the system clock is synchronised, and the first time floor a pile has before anything else.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace ocpp::cp::offline_code {

struct PileClocks {
  // §8.1: seconds since boot on a clock that never jumps and counts time suspended
  // (CLOCK_BOOTTIME). Absent: the steady time of the Clock the verifier is given.
  std::function<std::int64_t()> boot_seconds;
  // §7: whether the RTC kept time through the last power loss, when the HAL knows. Absent: valid.
  std::function<bool()> rtc_valid;
  // §7: whether the kernel reports the system clock synchronised (NTP, adjtimex); such a clock is
  // a time source like a sync from the CSMS. Absent: never.
  std::function<bool()> kernel_synchronised;
  // §7: a time known to have passed before the pile ever ran: the build time or the integrator's
  // time-floor file. The time floor never reads earlier than this.
  std::int64_t known_floor = 0;
};

// CLOCK_BOOTTIME in whole seconds.
std::int64_t boot_time_seconds();
// adjtimex(2) with no change: false when the kernel says TIME_ERROR (STA_UNSYNC or STA_CLOCKERR set).
bool kernel_clock_synchronised();
// When this program was built (Unix seconds; SOURCE_DATE_EPOCH when the build sets it).
std::int64_t build_time();
// §7 time-floor file: one RFC 3339 date-time ("2026-06-01T00:00:00Z"), surrounding whitespace
// ignored. nullopt, with `error` set, when it cannot be read or is anything else.
std::optional<std::int64_t> read_time_floor_file(const std::string& path, std::string* error = nullptr);
// What the daemon gives the verifier: the kernel's clocks, and the later of the build time and the
// time-floor file (if `time_floor_file` is not empty). Throws std::invalid_argument, saying why,
// when that file cannot be read or holds anything but a date-time.
PileClocks system_pile_clocks(const std::string& time_floor_file);

}  // namespace ocpp::cp::offline_code
