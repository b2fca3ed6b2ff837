#include "formatting.hpp"

#include <array>
#include <ctime>

namespace ocpp::server::web {
namespace {

std::string plural(std::int64_t n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

std::string two_digits(int n) { return (n < 10 ? "0" : "") + std::to_string(n); }

}  // namespace

std::string group_code(std::string_view code) {
  if (code.size() != 16) return std::string(code);
  for (const char c : code) {
    if (c < '0' || c > '9') return std::string(code);
  }
  std::string out;
  for (std::size_t i = 0; i < code.size(); i += 4) {
    if (i != 0) out += ' ';
    out.append(code.substr(i, 4));
  }
  return out;
}

std::string format_kwh(std::int64_t wh) {
  const bool negative = wh < 0;
  // Magnitude in hundredths of a kWh (10 Wh), rounded half away from zero.
  const std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(wh) : static_cast<std::uint64_t>(wh);
  const std::uint64_t hundredths = (magnitude + 5) / 10;
  const std::uint64_t fraction = hundredths % 100;
  std::string out = negative && hundredths != 0 ? "-" : "";
  out += std::to_string(hundredths / 100) + "." + (fraction < 10 ? "0" : "") + std::to_string(fraction) + " kWh";
  return out;
}

std::string format_duration(std::chrono::seconds d) {
  std::int64_t s = d.count();
  if (s < 0) s = 0;
  if (s < 60) return std::to_string(s) + " s";
  const std::int64_t minutes = s / 60;
  if (minutes < 60) return std::to_string(minutes) + " min";
  return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min";
}

std::string format_utc(SystemTime t) {
  static constexpr std::array<const char*, 7> kDays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  if (gmtime_r(&seconds, &tm) == nullptr) return "?";
  return std::string(kDays.at(static_cast<std::size_t>(tm.tm_wday))) + " " + std::to_string(tm.tm_mday) + " " +
         kMonths.at(static_cast<std::size_t>(tm.tm_mon)) + " " + std::to_string(tm.tm_year + 1900) + ", " +
         two_digits(tm.tm_hour) + ":" + two_digits(tm.tm_min) + " UTC";
}

std::string format_relative(SystemTime t, SystemTime now) {
  const auto diff = std::chrono::duration_cast<std::chrono::seconds>(t - now).count();
  const bool future = diff >= 0;
  const std::int64_t s = future ? diff : -diff;
  std::string amount;
  if (s < 60) return "now";
  if (s < 3600) {
    amount = plural(s / 60, "minute");
  } else if (s < 2 * 86400) {
    amount = plural(s / 3600, "hour");
  } else {
    amount = plural(s / 86400, "day");
  }
  return future ? "in " + amount : amount + " ago";
}

}  // namespace ocpp::server::web
