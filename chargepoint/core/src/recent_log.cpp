#include "ocpp/cp/recent_log.hpp"

#include <filesystem>
#include <stdexcept>

namespace ocpp::cp {

namespace fs = std::filesystem;

RecentLogFile::RecentLogFile(std::string dir, std::uint64_t max_file_bytes)
    : current_((fs::path(dir) / "chargepoint.log").string()),
      previous_((fs::path(dir) / "chargepoint.log.1").string()),
      max_file_bytes_(max_file_bytes) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  file_ = std::fopen(current_.c_str(), "ae");
  if (file_ == nullptr) throw std::runtime_error("cannot open the log file " + current_);
  size_ = fs::file_size(current_, ec);
  if (ec) size_ = 0;
}

RecentLogFile::~RecentLogFile() {
  if (file_ != nullptr) std::fclose(file_);
}

void RecentLogFile::append(std::string_view line) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (file_ == nullptr) {
    ++write_errors_;
    return;
  }
  if (size_ > 0 && size_ + line.size() + 1 > max_file_bytes_) rotate();
  if (file_ == nullptr) {
    ++write_errors_;
    return;
  }
  const bool ok = std::fwrite(line.data(), 1, line.size(), file_) == line.size() && std::fputc('\n', file_) != EOF &&
                  std::fflush(file_) == 0;
  if (!ok) {
    ++write_errors_;  // a full disk: the line still went to stderr or syslog
    std::clearerr(file_);
    return;
  }
  size_ += line.size() + 1;
}

void RecentLogFile::rotate() {
  std::fclose(file_);
  std::rename(current_.c_str(), previous_.c_str());
  file_ = std::fopen(current_.c_str(), "ae");
  size_ = 0;
}

std::vector<std::string> RecentLogFile::files() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  std::error_code ec;
  if (fs::exists(previous_, ec)) out.push_back(previous_);
  if (fs::exists(current_, ec)) out.push_back(current_);
  return out;
}

std::uint64_t RecentLogFile::write_errors() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return write_errors_;
}

}  // namespace ocpp::cp
