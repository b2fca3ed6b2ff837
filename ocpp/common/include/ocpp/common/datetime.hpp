#pragma once
// RFC 3339 date-times as OCPP carries them ("2026-11-24T09:30:00Z", "2026-11-24T10:30:00.5+01:00").
// RapidJSON's schema validator ignores `format`, so every date-time field is checked with this.
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/common/clock.hpp"

namespace ocpp {

// Strict RFC 3339 section 5.6 `date-time`: full date, "T" (or "t"), time with optional fraction,
// and a mandatory offset ("Z", "z" or +hh:mm/-hh:mm). Calendar-checked (no 31 April, leap years),
// leap second 60 accepted as :59.999. Returns nullopt for anything else.
std::optional<SystemTime> parse_rfc3339(std::string_view text);
bool is_rfc3339(std::string_view text);
// UTC with milliseconds: "2026-11-24T09:30:00.123Z".
std::string format_rfc3339(SystemTime t);

// A date-time field of a typed message. Keeps millisecond precision, which is what OCPP needs.
class DateTime {
 public:
  DateTime() = default;
  explicit DateTime(SystemTime t) : t_(t) {}
  // Throws std::invalid_argument naming the text when it is not RFC 3339.
  static DateTime parse(std::string_view text);
  // The system clock's current time (the wall clock OCPP timestamps are in).
  static DateTime now() { return DateTime(std::chrono::system_clock::now()); }
  SystemTime time() const { return t_; }
  std::string str() const { return format_rfc3339(t_); }
  friend bool operator==(const DateTime& a, const DateTime& b) { return a.t_ == b.t_; }
  friend bool operator!=(const DateTime& a, const DateTime& b) { return !(a == b); }

 private:
  SystemTime t_{};
};

}  // namespace ocpp
