#pragma once
// The daemon's recent log on disk, for GetDiagnostics / GetLog DiagnosticsLog (log_upload.hpp):
// every line the daemon logs (ocpp/common log.hpp's sink) is appended to DIR/chargepoint.log; when
// that file passes max_file_bytes it becomes chargepoint.log.1 (the previous .1 is dropped) and a
// new one starts. So at most about 2 x max_file_bytes are kept, and the log survives a restart.
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ocpp::cp {

class RecentLogFile {
 public:
  static constexpr std::uint64_t kDefaultMaxFileBytes = 1024 * 1024;

  // Creates DIR when missing. Throws std::runtime_error naming the file when it cannot be opened.
  explicit RecentLogFile(std::string dir, std::uint64_t max_file_bytes = kDefaultMaxFileBytes);
  ~RecentLogFile();
  RecentLogFile(const RecentLogFile&) = delete;
  RecentLogFile& operator=(const RecentLogFile&) = delete;

  // Appends one line (a newline is added) and flushes it, so a crash loses nothing logged before.
  // Thread-safe. Never logs (it runs inside the logger): a write error is counted and the line lost.
  void append(std::string_view line);
  // The files that exist, oldest first.
  std::vector<std::string> files() const;
  std::uint64_t write_errors() const;

 private:
  void rotate();

  std::string current_;
  std::string previous_;
  std::uint64_t max_file_bytes_;
  mutable std::mutex mutex_;
  std::FILE* file_ = nullptr;
  std::uint64_t size_ = 0;
  std::uint64_t write_errors_ = 0;
};

}  // namespace ocpp::cp
