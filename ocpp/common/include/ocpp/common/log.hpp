#pragma once
// One line per event on stderr (and syslog when asked):
//   2026-11-24T09:30:00.123Z INFO  rpc: CALL BootNotification id=...
// The component says where, the message says what.
#include <functional>
#include <string>
#include <string_view>

namespace ocpp::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

void set_level(Level level);
Level level();
bool parse_level(std::string_view text, Level& out);
// Also send every line to syslog(3) with the given identity (kept by pointer: pass a literal).
void enable_syslog(const char* ident);

// Also hand every line written (as on stderr, without its newline) to `sink`, e.g. the daemon's
// recent log file that GetLog uploads; empty: none. The sink runs under the log's lock, on the
// thread that logs: it must not log itself.
using Sink = std::function<void(std::string_view line)>;
void set_sink(Sink sink);

void write(Level level, std::string_view component, std::string_view message);
inline void debug(std::string_view c, std::string_view m) { write(Level::debug, c, m); }
inline void info(std::string_view c, std::string_view m) { write(Level::info, c, m); }
inline void warn(std::string_view c, std::string_view m) { write(Level::warn, c, m); }
inline void error(std::string_view c, std::string_view m) { write(Level::error, c, m); }
inline bool enabled(Level l) { return l >= level(); }

// The subject of the work running now on this thread: the charge point a line is about when one
// process runs several (ocpp-fleet). Before, nothing said which pile a line was from ("core:
// connector 1 is Available" from any of 200 piles). LwsLoop carries the subject from the code
// that schedules or posts work to that work; the WebSocket client sets its charge point's id in
// its callbacks. Lines show it ("[ID] core: ...") only once show_subjects(true) was called, so a
// process with one pile writes what it always wrote.
class Subject {
 public:
  explicit Subject(std::string name);  // for this scope; the previous subject comes back after it
  ~Subject();
  Subject(const Subject&) = delete;
  Subject& operator=(const Subject&) = delete;
  static const std::string& current();

 private:
  std::string previous_;
};
void show_subjects(bool show);

// How a secret that a log line must refer to is written (an offline code typed at the keypad:
// docs/offline-code.md §8): its last 4 characters at most, half of them when it has fewer than 8,
// after a '*'. "1234567890123456" -> "*3456".
std::string masked(std::string_view secret);

}  // namespace ocpp::log
