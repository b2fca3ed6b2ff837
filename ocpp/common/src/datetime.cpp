#include "ocpp/common/datetime.hpp"

#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace ocpp {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

// Proleptic Gregorian calendar <-> days since 1970-01-01, by era arithmetic (400-year cycles of
// 146097 days). Written out here so that nothing depends on the process's TZ or on timegm().
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                   // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365], from 1 March
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             // [0, 146096]
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                     // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11], from March
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  return {y, m, d};
}

bool is_leap_year(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(unsigned y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

// A cursor over the text that only accepts what the RFC 3339 §5.6 grammar allows.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  // Exactly `count` ASCII digits (DIGIT in RFC 5234; no signs, no spaces, no locale).
  bool digits(std::size_t count, unsigned& out) {
    if (text_.size() - pos_ < count) return false;
    unsigned value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
    pos_ += count;
    out = value;
    return true;
  }
  bool literal(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool at_digit() const { return pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; }
  char next() { return pos_ < text_.size() ? text_[pos_++] : '\0'; }
  bool done() const { return pos_ == text_.size(); }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

std::optional<SystemTime> parse_rfc3339(std::string_view text) {
  Reader r(text);
  unsigned year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  // RFC 3339 §5.6 full-date = date-fullyear "-" date-month "-" date-mday
  if (!r.digits(4, year) || !r.literal('-') || !r.digits(2, month) || !r.literal('-') || !r.digits(2, day))
    return std::nullopt;
  // §5.3 / §5.7: month 01-12, mday 01-28/29/30/31 by month and leap year.
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  // §5.6 NOTE: "T" may be written "t"; a space is not the grammar's, so it is refused.
  if (!r.literal('T') && !r.literal('t')) return std::nullopt;
  // partial-time = time-hour ":" time-minute ":" time-second [time-secfrac]
  if (!r.digits(2, hour) || !r.literal(':') || !r.digits(2, minute) || !r.literal(':') || !r.digits(2, second))
    return std::nullopt;
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;

  // time-secfrac = "." 1*DIGIT. Digits beyond the clock's nanoseconds are read and dropped.
  std::int64_t fraction_ns = 0;
  if (r.literal('.')) {
    if (!r.at_digit()) return std::nullopt;
    std::int64_t scale = 100'000'000;
    while (r.at_digit()) {
      const auto digit = static_cast<std::int64_t>(r.next() - '0');
      fraction_ns += digit * scale;
      scale /= 10;
    }
  }
  // §5.7: a leap second (60) is valid; the system clock has none, so it becomes :59.999.
  if (second == 60) {
    second = 59;
    fraction_ns = 999'000'000;
  }

  // time-offset = "Z" / time-numoffset; time-numoffset = ("+" / "-") time-hour ":" time-minute
  std::int64_t offset_s = 0;
  const char zone = r.next();
  if (zone == '+' || zone == '-') {
    unsigned off_h = 0, off_m = 0;
    if (!r.digits(2, off_h) || !r.literal(':') || !r.digits(2, off_m)) return std::nullopt;
    if (off_h > 23 || off_m > 59) return std::nullopt;
    offset_s = (static_cast<std::int64_t>(off_h) * 60 + off_m) * 60;
    if (zone == '-') offset_s = -offset_s;
  } else if (zone != 'Z' && zone != 'z') {
    return std::nullopt;  // the offset is mandatory in a date-time
  }
  if (!r.done()) return std::nullopt;

  // Local time minus its offset is UTC (§4.2).
  const std::int64_t utc_s = days_from_civil(year, month, day) * 86400 +
                             (static_cast<std::int64_t>(hour) * 60 + minute) * 60 + second - offset_s;
  // system_clock counts nanoseconds on Linux, which only covers about 1678-2262: refuse rather
  // than overflow for dates outside it.
  const std::int64_t max_s = duration_cast<seconds>(SystemTime::duration::max()).count() - 1;
  const std::int64_t min_s = duration_cast<seconds>(SystemTime::duration::min()).count() + 1;
  if (utc_s > max_s || utc_s < min_s) return std::nullopt;
  return SystemTime{} + duration_cast<SystemTime::duration>(seconds{utc_s}) +
         duration_cast<SystemTime::duration>(nanoseconds{fraction_ns});
}

bool is_rfc3339(std::string_view text) { return parse_rfc3339(text).has_value(); }

std::string format_rfc3339(SystemTime t) {
  // floor, not truncation, so that instants before 1970 land on the right day and millisecond.
  const std::int64_t ms = std::chrono::floor<milliseconds>(t.time_since_epoch()).count();
  const std::int64_t total_s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
  const std::int64_t days = total_s >= 0 ? total_s / 86400 : -((-total_s + 86399) / 86400);
  const auto second_of_day = static_cast<unsigned>(total_s - days * 86400);
  const auto millis = static_cast<unsigned>(ms - total_s * 1000);
  const Civil c = civil_from_days(days);
  // Digits by hand: this runs for every timestamp sent, and snprintf was a tenth of the cost of
  // dispatching a small message (bench/RESULTS.md, protocol dispatch).
  if (c.year < 0 || c.year > 9999) {
    char buffer[96];
    std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02u:%02u:%02u.%03uZ", static_cast<long long>(c.year),
                  c.month, c.day, second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60, millis);
    return buffer;
  }
  char out[25] = "0000-00-00T00:00:00.000Z";  // 24 characters and the NUL
  auto put = [&out](std::size_t at, unsigned value, std::size_t digits) {
    for (std::size_t i = 0; i < digits; ++i) {
      out[at + digits - 1 - i] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, static_cast<unsigned>(c.year), 4);
  put(5, c.month, 2);
  put(8, c.day, 2);
  put(11, second_of_day / 3600, 2);
  put(14, second_of_day / 60 % 60, 2);
  put(17, second_of_day % 60, 2);
  put(20, millis, 3);
  return std::string(out, 24);
}

DateTime DateTime::parse(std::string_view text) {
  const auto t = parse_rfc3339(text);
  if (!t) throw std::invalid_argument("\"" + std::string(text) + "\" is not an RFC 3339 date-time");
  // A DateTime keeps milliseconds (what format_rfc3339 writes), so parse and str() round-trip.
  return DateTime(SystemTime{} + std::chrono::floor<milliseconds>(t->time_since_epoch()));
}

}  // namespace ocpp
