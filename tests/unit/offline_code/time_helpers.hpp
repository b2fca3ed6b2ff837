#pragma once
// RFC 3339 <-> Unix seconds for the offline-code tests (UTC, whole seconds), through libc.
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <string>

#include "ocpp/offline_code/fields.hpp"

namespace ocpp::offline_code::test {

// "YYYY-MM-DDTHH:MM:SSZ" only: the tests' own fixed times.
inline UnixSeconds unix_time(const std::string& text) {
  std::tm tm{};
  char z = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &z) != 7 ||
      z != 'Z') {
    throw std::invalid_argument("test time " + text);
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<UnixSeconds>(timegm(&tm));
}

// "YYYY-MM-DDTHH:MM:SS.000Z", as ocpp-offline-code prints it.
inline std::string rfc3339(UnixSeconds t) {
  const auto tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

}  // namespace ocpp::offline_code::test
