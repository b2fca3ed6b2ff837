#pragma once
// Log upload, version-neutral (1.6 §5.9 GetDiagnostics with DiagnosticsStatusNotification, 1.6
// Security Whitepaper GetLog with LogStatusNotification, 2.0.1 N01 GetLog with
// LogStatusNotification). The adapters translate their requests into a LogRequest and the neutral
// statuses into their notifications.
//
// What is uploaded: one POSIX tar archive (tar_archive.hpp), bounded in size, of
//   chargepoint.log  the daemon's recent log (recent_log.hpp), oldest lines dropped first to fit
//   security.log     the security log (security_log.hpp) as text
//   status.json      a status snapshot (connectors, transactions, outbox, registration)
// for DiagnosticsLog; the SecurityLog kind holds security.log only. Nothing in it is a secret: the
// daemon never logs passwords or keys, and the snapshot names none.
// How: through the FileTransfer port (off the event loop), HTTP(S) PUT or POST to the URL given,
// retried `retries` times `retry_interval` apart. One upload at a time: a new request cancels the
// running one (2.0.1 N01.FR.12 AcceptedCanceled).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/file_transfer.hpp"
#include "ocpp/cp/security_log.hpp"

namespace ocpp::cp {

enum class LogKind { Diagnostics, Security };

// The neutral statuses (2.0.1 UploadLogStatusEnumType; 1.6 DiagnosticsStatus is the first four).
enum class LogUploadStatus {
  Idle,
  Uploading,
  Uploaded,
  UploadFailed,           // the transfer failed (no answer, or an HTTP error other than below)
  BadMessage,             // the server answered 400: it could not read what was sent
  NotSupportedOperation,  // the server answered 405 or 501: it does not take uploads this way
  PermissionDenied,       // the server answered 401 or 403
  Canceled,               // a newer request replaced this upload (2.0.1 AcceptedCanceled)
};
std::string_view to_string(LogUploadStatus s);

struct LogRequest {
  LogKind kind = LogKind::Diagnostics;
  std::string url;                          // http:// or https://
  std::optional<std::int32_t> request_id;   // GetLog's requestId; none for 1.6 GetDiagnostics
  std::optional<int> retries;               // after the first attempt; none: kDefaultRetries
  std::optional<std::chrono::seconds> retry_interval;  // none: kDefaultRetryInterval
  std::optional<SystemTime> oldest;         // only what happened at or after this
  std::optional<SystemTime> latest;         // only what happened at or before this
};

struct LogAnswer {
  bool accepted = false;
  bool canceled_previous = false;  // a running upload was canceled for this one
  std::string file_name;           // what the archive is called (GetLog filename, GetDiagnostics fileName)
  std::string reason;              // why not, when !accepted
};

// Where the archive's parts come from; the daemon fills these in, tests give their own.
struct LogSources {
  // The daemon's recent log, oldest file first (recent_log.hpp files()).
  std::function<std::vector<std::string>()> daemon_log_files;
  // A JSON status snapshot with no secrets in it.
  std::function<std::string()> status_snapshot;
};

struct LogUploadOptions {
  std::string work_dir;           // the archive is built here, and removed once the upload ended
  std::string name_prefix;        // the charge point id: "<prefix>-diagnostics-<time>.tar"
  std::uint64_t max_archive_bytes = 4 * 1024 * 1024;
  std::string method = "PUT";     // "PUT" or "POST"
  std::string ca_file;            // roots an https server must chain to; empty: the system's CAs
};

class LogUpload {
 public:
  static constexpr int kDefaultRetries = 1;
  static constexpr int kMaxRetries = 10;  // a larger request is cut to this, with a log line
  static constexpr std::chrono::seconds kDefaultRetryInterval{30};
  using Listener = std::function<void(LogUploadStatus status, std::optional<std::int32_t> request_id)>;

  LogUpload(EventLoop& loop, FileTransfer& transfer, SecurityLog& security_log, LogSources sources,
            LogUploadOptions options);
  ~LogUpload();
  LogUpload(const LogUpload&) = delete;
  LogUpload& operator=(const LogUpload&) = delete;

  // Accepts (and starts on the loop, after the answer went out) or refuses with a reason.
  LogAnswer request(const LogRequest& req);
  // Every status change goes here (one listener: the adapter).
  void set_listener(Listener listener) { listener_ = std::move(listener); }
  // For TriggerMessage (2.0.1 F06, 1.6 §5.17): Uploading while one runs, Idle otherwise.
  LogUploadStatus current() const { return running_ ? LogUploadStatus::Uploading : LogUploadStatus::Idle; }
  std::optional<std::int32_t> current_request_id() const;

  // The archive as it would be built now (for tests and `ocpp-cpctl`); throws on a write error.
  void build_archive(const std::string& path, LogKind kind, std::optional<SystemTime> oldest,
                     std::optional<SystemTime> latest);

 private:
  struct Job {
    std::uint64_t generation = 0;
    LogRequest req;
    std::string file;       // the archive's path
    std::string url;        // where it goes
    int attempts_left = 0;
    std::chrono::seconds interval{0};
    FileTransfer::Id transfer = 0;
    TimerId timer = 0;
  };
  void begin(std::uint64_t generation);
  void attempt();
  void attempt_done(std::uint64_t generation, const TransferResult& result);
  void finish(LogUploadStatus status);
  void cancel_running();
  void emit(LogUploadStatus status, std::optional<std::int32_t> request_id);
  std::string recent_log_text(std::optional<SystemTime> oldest, std::optional<SystemTime> latest,
                              std::uint64_t budget);

  EventLoop& loop_;
  FileTransfer& transfer_;
  SecurityLog& security_log_;
  LogSources sources_;
  LogUploadOptions options_;
  Listener listener_;
  std::optional<Job> running_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The file name part of an archive for `prefix` (characters outside [A-Za-z0-9._-] become '_').
std::string log_archive_name(const std::string& prefix, LogKind kind, SystemTime at);
// The final status a failed transfer is reported with (see LogUploadStatus).
LogUploadStatus status_of_failure(const TransferResult& result);

}  // namespace ocpp::cp
