// 1.6 §5.9 GetDiagnostics with §4.4 DiagnosticsStatusNotification (Firmware Management profile),
// and the Security Whitepaper's GetLog with LogStatusNotification: both are the core's LogUpload
// (log_upload.hpp); this file only translates. A GetDiagnostics upload has no requestId, a GetLog
// upload has one: that is how a status finds its notification.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/log_upload.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

m::DiagnosticsStatusNotificationStatus diagnostics_status(LogUploadStatus s) {
  switch (s) {
    case LogUploadStatus::Idle: return m::DiagnosticsStatusNotificationStatus::Idle;
    case LogUploadStatus::Uploading: return m::DiagnosticsStatusNotificationStatus::Uploading;
    case LogUploadStatus::Uploaded: return m::DiagnosticsStatusNotificationStatus::Uploaded;
    default: return m::DiagnosticsStatusNotificationStatus::UploadFailed;  // 1.6 has one failure status
  }
}

m::UploadLogStatusEnumType log_status(LogUploadStatus s) {
  switch (s) {
    case LogUploadStatus::Idle: return m::UploadLogStatusEnumType::Idle;
    case LogUploadStatus::Uploading: return m::UploadLogStatusEnumType::Uploading;
    case LogUploadStatus::Uploaded: return m::UploadLogStatusEnumType::Uploaded;
    case LogUploadStatus::BadMessage: return m::UploadLogStatusEnumType::BadMessage;
    case LogUploadStatus::NotSupportedOperation: return m::UploadLogStatusEnumType::NotSupportedOperation;
    case LogUploadStatus::PermissionDenied: return m::UploadLogStatusEnumType::PermissionDenied;
    case LogUploadStatus::UploadFailed:
    case LogUploadStatus::Canceled: break;  // the Whitepaper's list has no AcceptedCanceled
  }
  return m::UploadLogStatusEnumType::UploadFailure;
}

std::optional<SystemTime> time_of(const std::optional<DateTime>& t) {
  return t ? std::optional<SystemTime>(t->time()) : std::nullopt;
}

}  // namespace

void Adapter::bind_log_upload(LogUpload& upload) {
  log_upload_ = &upload;
  upload.set_listener([this](LogUploadStatus s, std::optional<std::int32_t> request_id) {
    send_log_status(s, request_id);
  });
}

void Adapter::send_log_status(LogUploadStatus status, std::optional<std::int32_t> request_id) {
  if (!online()) {
    // Not queued: a later TriggerMessage asks for the state of the upload, which is what counts.
    log::info("v16", "log upload status " + std::string(to_string(status)) + " not sent: offline");
    return;
  }
  if (!request_id) {
    m::DiagnosticsStatusNotificationRequest n;
    n.status = diagnostics_status(status);
    rpc::call(client_->rpc(), n);
    return;
  }
  m::LogStatusNotificationRequest n;
  n.status = log_status(status);
  n.requestId = *request_id;
  rpc::call(client_->rpc(), n);
}

void Adapter::register_diagnostics_handlers() {
  auto& ep = client_->rpc();
  // §5.9 GetDiagnostics: the answer names the file; the upload follows (DiagnosticsStatusNotification
  // Uploading, then Uploaded or UploadFailed). A location that cannot be used gets an answer without
  // fileName, which 1.6 reads as "no diagnostics available".
  rpc::handle<m::GetDiagnosticsRequest>(ep, [this](const m::GetDiagnosticsRequest& req) {
    m::GetDiagnosticsResponse res;
    if (log_upload_ == nullptr) return res;
    LogRequest r;
    r.kind = LogKind::Diagnostics;
    r.url = req.location;
    r.retries = req.retries;
    if (req.retryInterval) r.retry_interval = std::chrono::seconds(*req.retryInterval);
    r.oldest = time_of(req.startTime);
    r.latest = time_of(req.stopTime);
    const auto answer = log_upload_->request(r);
    if (answer.accepted) res.fileName = answer.file_name;
    return res;
  });
  // Security Whitepaper GetLog (DiagnosticsLog or SecurityLog): Accepted, Rejected, or
  // AcceptedCanceled when it replaces an upload under way.
  rpc::handle<m::GetLogRequest>(ep, [this](const m::GetLogRequest& req) {
    m::GetLogResponse res;
    res.status = m::LogStatusEnumType::Rejected;
    if (log_upload_ == nullptr) return res;
    LogRequest r;
    r.kind = req.logType == m::LogEnumType::SecurityLog ? LogKind::Security : LogKind::Diagnostics;
    r.url = req.log.remoteLocation.str();
    r.request_id = req.requestId;
    r.retries = req.retries;
    if (req.retryInterval) r.retry_interval = std::chrono::seconds(*req.retryInterval);
    r.oldest = time_of(req.log.oldestTimestamp);
    r.latest = time_of(req.log.latestTimestamp);
    const auto answer = log_upload_->request(r);
    if (!answer.accepted) return res;
    res.status = answer.canceled_previous ? m::LogStatusEnumType::AcceptedCanceled : m::LogStatusEnumType::Accepted;
    res.filename = answer.file_name;
    return res;
  });
}

// §5.17 TriggerMessage DiagnosticsStatusNotification (and the Whitepaper's ExtendedTriggerMessage
// LogStatusNotification): Uploading while one runs, Idle otherwise.
void Adapter::send_triggered_log_status(bool diagnostics) {
  const auto status = log_upload_ != nullptr ? log_upload_->current() : LogUploadStatus::Idle;
  const auto id = log_upload_ != nullptr ? log_upload_->current_request_id() : std::nullopt;
  if (diagnostics) {
    m::DiagnosticsStatusNotificationRequest n;
    n.status = diagnostics_status(status);
    rpc::call(client_->rpc(), n);
    return;
  }
  m::LogStatusNotificationRequest n;
  n.status = log_status(status);
  if (id && status == LogUploadStatus::Uploading) n.requestId = *id;
  rpc::call(client_->rpc(), n);
}

}  // namespace ocpp::cp::v16
