// Log upload (log_upload.hpp): 1.6 §5.9 GetDiagnostics, 1.6 Security Whitepaper GetLog, 2.0.1 N01.
#include "ocpp/cp/log_upload.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "tar_archive.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool http_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }

// A log line starts with its time (ocpp/common log.hpp); one without is kept whatever the window.
bool in_window(std::string_view line, std::optional<SystemTime> oldest, std::optional<SystemTime> latest) {
  if (!oldest && !latest) return true;
  const auto at = parse_rfc3339(line.substr(0, line.find(' ')));
  if (!at) return true;
  return !(oldest && *at < *oldest) && !(latest && *at > *latest);
}

}  // namespace

std::string_view to_string(LogUploadStatus s) {
  switch (s) {
    case LogUploadStatus::Idle: return "Idle";
    case LogUploadStatus::Uploading: return "Uploading";
    case LogUploadStatus::Uploaded: return "Uploaded";
    case LogUploadStatus::UploadFailed: return "UploadFailed";
    case LogUploadStatus::BadMessage: return "BadMessage";
    case LogUploadStatus::NotSupportedOperation: return "NotSupportedOperation";
    case LogUploadStatus::PermissionDenied: return "PermissionDenied";
    case LogUploadStatus::Canceled: return "Canceled";
  }
  return "?";
}

std::string log_archive_name(const std::string& prefix, LogKind kind, SystemTime at) {
  std::string stamp;
  for (char c : format_rfc3339(at).substr(0, 19)) {  // 2026-12-07T10:00:00 -> 20261207T100000Z
    if (c != '-' && c != ':') stamp.push_back(c);
  }
  stamp.push_back('Z');
  std::string clean;
  for (char c : prefix) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    clean.push_back(ok ? c : '_');
  }
  if (clean.empty()) clean = "chargepoint";
  return clean + (kind == LogKind::Security ? "-securitylog-" : "-diagnostics-") + stamp + ".tar";
}

LogUploadStatus status_of_failure(const TransferResult& result) {
  switch (result.http_status) {
    case 400: return LogUploadStatus::BadMessage;
    case 401:
    case 403: return LogUploadStatus::PermissionDenied;
    case 405:
    case 501: return LogUploadStatus::NotSupportedOperation;
    default: return LogUploadStatus::UploadFailed;
  }
}

LogUpload::LogUpload(EventLoop& loop, FileTransfer& transfer, SecurityLog& security_log, LogSources sources,
                     LogUploadOptions options)
    : loop_(loop), transfer_(transfer), security_log_(security_log), sources_(std::move(sources)),
      options_(std::move(options)) {}

LogUpload::~LogUpload() {
  if (running_) {
    transfer_.cancel(running_->transfer);
    loop_.cancel(running_->timer);
  }
  *alive_ = false;  // the start posted by request() finds the object gone
}

std::optional<std::int32_t> LogUpload::current_request_id() const {
  return running_ ? running_->req.request_id : std::nullopt;
}

LogAnswer LogUpload::request(const LogRequest& req) {
  LogAnswer answer;
  if (!http_url(req.url)) {
    // FTP, the usual 1.6 choice, is not offered: HTTP(S) PUT/POST only (docs/chargepoint.md).
    answer.reason = "log upload location \"" + req.url + "\" is not an http:// or https:// URL";
    log::warn("logs", answer.reason + "; refused");
    return answer;
  }
  if (running_) {
    // 2.0.1 N01.FR.12: the running upload is canceled for the new one (AcceptedCanceled).
    cancel_running();
    answer.canceled_previous = true;
  }
  answer.accepted = true;
  answer.file_name = log_archive_name(options_.name_prefix, req.kind, loop_.clock().system_now());
  Job job;
  job.generation = ++generation_;
  job.req = req;
  job.file = (fs::path(options_.work_dir) / answer.file_name).string();
  // A location that names a folder gets the archive's name appended; one that names a file is used as is.
  job.url = req.url.back() == '/' ? req.url + answer.file_name : req.url;
  int retries = req.retries.value_or(kDefaultRetries);
  if (retries < 0) retries = 0;
  if (retries > kMaxRetries) {
    log::warn("logs", "log upload: " + std::to_string(retries) + " retries asked, " + std::to_string(kMaxRetries) +
                          " made at most");
    retries = kMaxRetries;
  }
  job.attempts_left = 1 + retries;
  job.interval = req.retry_interval.value_or(kDefaultRetryInterval);
  if (job.interval.count() < 0) job.interval = std::chrono::seconds(0);
  running_ = std::move(job);
  // Started after the answer is out: the CSMS hears Accepted before Uploading.
  loop_.post([this, alive = alive_, generation = generation_] {
    if (*alive) begin(generation);
  });
  return answer;
}

void LogUpload::begin(std::uint64_t generation) {
  if (!running_ || running_->generation != generation) return;
  try {
    fs::create_directories(options_.work_dir);
    build_archive(running_->file, running_->req.kind, running_->req.oldest, running_->req.latest);
  } catch (const std::exception& e) {
    log::error("logs", "cannot build the log archive " + running_->file + ": " + e.what());
    emit(LogUploadStatus::Uploading, running_->req.request_id);
    finish(LogUploadStatus::UploadFailed);
    return;
  }
  emit(LogUploadStatus::Uploading, running_->req.request_id);
  attempt();
}

void LogUpload::attempt() {
  auto& job = *running_;
  --job.attempts_left;
  UploadRequest up;
  up.url = job.url;
  up.file = job.file;
  up.method = options_.method;
  up.ca_file = options_.ca_file;
  log::info("logs", "uploading " + job.file + " to " + job.url);
  job.transfer = transfer_.upload(up, [this, generation = job.generation](const TransferResult& r) {
    attempt_done(generation, r);
  });
}

void LogUpload::attempt_done(std::uint64_t generation, const TransferResult& result) {
  if (!running_ || running_->generation != generation) return;
  auto& job = *running_;
  job.transfer = 0;
  if (result.ok) {
    log::info("logs", "log archive uploaded to " + job.url + " (" + std::to_string(result.bytes) + " bytes)");
    finish(LogUploadStatus::Uploaded);
    return;
  }
  const std::string why = result.error + (result.http_status != 0 ? " (HTTP " + std::to_string(result.http_status) + ")" : "");
  if (job.attempts_left <= 0) {
    log::warn("logs", "log upload to " + job.url + " failed: " + why + "; no retries left");
    finish(status_of_failure(result));
    return;
  }
  log::warn("logs", "log upload to " + job.url + " failed: " + why + "; retrying in " +
                        std::to_string(job.interval.count()) + " s (" + std::to_string(job.attempts_left) + " left)");
  job.timer = loop_.schedule_after(job.interval, [this, generation] {
    if (!running_ || running_->generation != generation) return;
    running_->timer = 0;
    attempt();
  });
}

void LogUpload::finish(LogUploadStatus status) {
  const auto id = running_->req.request_id;
  std::error_code ignored;
  fs::remove(running_->file, ignored);
  running_.reset();
  emit(status, id);
}

void LogUpload::cancel_running() {
  if (running_->transfer != 0) transfer_.cancel(running_->transfer);
  if (running_->timer != 0) loop_.cancel(running_->timer);
  log::info("logs", "log upload to " + running_->url + " canceled: a new request replaces it");
  finish(LogUploadStatus::Canceled);
}

void LogUpload::emit(LogUploadStatus status, std::optional<std::int32_t> request_id) {
  if (listener_) listener_(status, request_id);
}

// The newest lines of the daemon's log that fall in the window and fit in `budget` bytes.
std::string LogUpload::recent_log_text(std::optional<SystemTime> oldest, std::optional<SystemTime> latest,
                                       std::uint64_t budget) {
  std::string all;
  if (sources_.daemon_log_files) {
    for (const auto& f : sources_.daemon_log_files()) all += read_file(f);
  }
  std::vector<std::string_view> kept;  // newest first
  std::uint64_t used = 0;
  std::size_t dropped = 0;
  // Walk the lines from the newest back.
  std::size_t pos = all.size();
  while (pos > 0) {
    std::size_t line_end = pos;
    if (all[line_end - 1] == '\n') --line_end;
    const std::size_t nl = line_end == 0 ? std::string::npos : all.rfind('\n', line_end - 1);
    const std::size_t line_start = nl == std::string::npos ? 0 : nl + 1;
    const std::string_view line(all.data() + line_start, line_end - line_start);
    pos = line_start;
    if (line.empty() || !in_window(line, oldest, latest)) continue;
    if (used + line.size() + 1 > budget) {
      ++dropped;
      continue;
    }
    used += line.size() + 1;
    kept.push_back(line);
  }
  std::string text;
  if (dropped > 0) {
    text = "[" + std::to_string(dropped) + " older line(s) left out to keep the archive within " +
           std::to_string(options_.max_archive_bytes) + " bytes]\n";
  }
  text.reserve(text.size() + used);
  for (auto it = kept.rbegin(); it != kept.rend(); ++it) {
    text.append(it->data(), it->size());
    text.push_back('\n');
  }
  return text;
}

void LogUpload::build_archive(const std::string& path, LogKind kind, std::optional<SystemTime> oldest,
                              std::optional<SystemTime> latest) {
  const std::string security = SecurityLog::to_text(security_log_.entries(oldest, latest));
  const std::string status = kind == LogKind::Diagnostics && sources_.status_snapshot ? sources_.status_snapshot() : "";
  const auto now = std::chrono::system_clock::to_time_t(loop_.clock().system_now());
  const std::string tmp = path + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot create " + tmp);
    if (kind == LogKind::Diagnostics) {
      std::uint64_t fixed = tar::file_size_in_archive(security.size()) + tar::file_size_in_archive(status.size()) +
                            tar::kEndSize + 512 /* the log's header */ + 512 /* its padding, at most */ +
                            128 /* the note on dropped lines */;
      const std::uint64_t budget = options_.max_archive_bytes > fixed ? options_.max_archive_bytes - fixed : 0;
      tar::write_file(out, "chargepoint.log", recent_log_text(oldest, latest, budget), now);
      tar::write_file(out, "status.json", status, now);
    }
    tar::write_file(out, "security.log", security, now);
    tar::write_end(out);
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + tmp + " (disk full?)");
  }
  fs::rename(tmp, path);
}

}  // namespace ocpp::cp
