#pragma once
// How the pages write codes, energy, durations and times for a driver (docs/driver-pages.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/common/clock.hpp"

namespace ocpp::server::web {

// "1234567890123456" -> "1234 5678 9012 3456": groups of four, as docs/offline-code.md §1 says the
// code is typed. Anything that is not 16 digits is returned as it is.
std::string group_code(std::string_view code);

// 12345 Wh -> "12.35 kWh" (two decimals, halves rounded away from zero).
std::string format_kwh(std::int64_t wh);

// 3900 s -> "1 h 5 min"; 300 s -> "5 min"; 40 s -> "40 s".
std::string format_duration(std::chrono::seconds d);

// "Tue 24 Nov 2026, 14:30 UTC": the server does not know the driver's time zone, so times are
// written in UTC and the page's script (local-time.js) rewrites them in the phone's zone.
std::string format_utc(SystemTime t);

// "in 23 hours", "in 5 minutes", "2 days ago", "now": the distance from `now` to `t`, rounded
// down to the largest unit.
std::string format_relative(SystemTime t, SystemTime now);

}  // namespace ocpp::server::web
