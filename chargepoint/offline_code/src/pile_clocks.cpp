#include "ocpp/cp/offline_code/pile_clocks.hpp"

#include <sys/timex.h>
#include <time.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "ocpp/common/datetime.hpp"

#ifndef OCPP_BUILD_UNIX_TIME
#define OCPP_BUILD_UNIX_TIME 0
#endif

namespace ocpp::cp::offline_code {

std::int64_t boot_time_seconds() {
  timespec ts{};
  // §8.1: unlike CLOCK_MONOTONIC it goes on while the controller is suspended; unlike the wall
  // clock nobody can set it.
  if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0) clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec);
}

bool kernel_clock_synchronised() {
  timex tx{};
  tx.modes = 0;  // read only
  const int state = adjtimex(&tx);
  return state != -1 && state != TIME_ERROR;
}

std::int64_t build_time() { return static_cast<std::int64_t>(OCPP_BUILD_UNIX_TIME); }

std::optional<std::int64_t> read_time_floor_file(const std::string& path, std::string* error) {
  std::ifstream in(path);
  if (!in) {
    if (error) *error = "cannot read " + path;
    return std::nullopt;
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const auto first = s.find_first_not_of(" \t\r\n");
  const auto last = s.find_last_not_of(" \t\r\n");
  s = first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
  const auto t = parse_rfc3339(s);
  if (!t) {
    if (error) *error = path + ": expected one RFC 3339 date-time such as 2026-06-01T00:00:00Z";
    return std::nullopt;
  }
  return std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count();
}

PileClocks system_pile_clocks(const std::string& time_floor_file) {
  PileClocks c;
  c.boot_seconds = boot_time_seconds;
  c.kernel_synchronised = kernel_clock_synchronised;
  c.known_floor = build_time();
  if (!time_floor_file.empty()) {
    std::string error;
    const auto t = read_time_floor_file(time_floor_file, &error);
    if (!t) throw std::invalid_argument(error);
    c.known_floor = std::max(c.known_floor, *t);
  }
  return c;
}

}  // namespace ocpp::cp::offline_code
