#include "ocpp/common/log.hpp"

#include <syslog.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>
#include <string>

namespace ocpp::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<bool> g_syslog{false};
std::mutex g_mutex;
std::atomic<bool> g_show_subjects{false};
thread_local std::string t_subject;
Sink g_sink;  // guarded by g_mutex

const char* name(Level l) {
  switch (l) {
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO ";
    case Level::warn: return "WARN ";
    case Level::error: return "ERROR";
    case Level::off: break;
  }
  return "?    ";
}

int syslog_priority(Level l) {
  switch (l) {
    case Level::debug: return LOG_DEBUG;
    case Level::info: return LOG_INFO;
    case Level::warn: return LOG_WARNING;
    default: return LOG_ERR;
  }
}

}  // namespace

Subject::Subject(std::string name) : previous_(std::move(t_subject)) { t_subject = std::move(name); }
Subject::~Subject() { t_subject = std::move(previous_); }
const std::string& Subject::current() { return t_subject; }
void show_subjects(bool show) { g_show_subjects = show; }

void set_level(Level level) { g_level = level; }
Level level() { return g_level; }

bool parse_level(std::string_view text, Level& out) {
  if (text == "debug") out = Level::debug;
  else if (text == "info") out = Level::info;
  else if (text == "warn") out = Level::warn;
  else if (text == "error") out = Level::error;
  else if (text == "off") out = Level::off;
  else return false;
  return true;
}

void set_sink(Sink sink) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_sink = std::move(sink);
}

void enable_syslog(const char* ident) {
  openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
  g_syslog = true;
}

std::string masked(std::string_view secret) {
  const std::size_t shown = secret.size() >= 8 ? 4 : secret.size() / 2;
  return "*" + std::string(secret.substr(secret.size() - shown));
}

void write(Level level, std::string_view component, std::string_view message) {
  if (level < g_level.load() || level == Level::off) return;
  const auto now = std::chrono::system_clock::now();
  const auto secs = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  // Control characters in a logged frame would break the one-line-per-event promise.
  std::string clean;
  clean.reserve(message.size());
  for (char c : message) clean.push_back((c == '\n' || c == '\r') ? ' ' : c);
  const std::string who = g_show_subjects && !t_subject.empty() ? "[" + t_subject + "] " : std::string();
  char head[64];
  std::snprintf(head, sizeof head, "%s.%03dZ %s ", stamp, static_cast<int>(ms), name(level));
  std::string line = head;
  line.append(who).append(component.data(), component.size()).append(": ").append(clean);
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fprintf(stderr, "%s\n", line.c_str());
  if (g_sink) g_sink(line);
  if (g_syslog) {
    syslog(syslog_priority(level), "%s%.*s: %s", who.c_str(), static_cast<int>(component.size()), component.data(),
           clean.c_str());
  }
}

}  // namespace ocpp::log
