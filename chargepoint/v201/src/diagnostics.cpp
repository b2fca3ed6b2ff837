// N01 Retrieve Log Information: GetLog (DiagnosticsLog or SecurityLog) with LogStatusNotification,
// and F06 TriggerMessage LogStatusNotification. The upload is the core's LogUpload
// (log_upload.hpp); this file only translates.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/log_upload.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

m::UploadLogStatusEnumType log_status(LogUploadStatus s) {
  switch (s) {
    case LogUploadStatus::Idle: return m::UploadLogStatusEnumType::Idle;
    case LogUploadStatus::Uploading: return m::UploadLogStatusEnumType::Uploading;
    case LogUploadStatus::Uploaded: return m::UploadLogStatusEnumType::Uploaded;
    case LogUploadStatus::BadMessage: return m::UploadLogStatusEnumType::BadMessage;
    case LogUploadStatus::NotSupportedOperation: return m::UploadLogStatusEnumType::NotSupportedOperation;
    case LogUploadStatus::PermissionDenied: return m::UploadLogStatusEnumType::PermissionDenied;
    case LogUploadStatus::Canceled: return m::UploadLogStatusEnumType::AcceptedCanceled;
    case LogUploadStatus::UploadFailed: break;
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
    if (!online()) {
      // Not queued: F06 TriggerMessage LogStatusNotification tells the state of the upload later.
      log::info("v201", "LogStatusNotification " + std::string(to_string(s)) + " not sent: offline");
      return;
    }
    m::LogStatusNotificationRequest n;
    n.status = log_status(s);
    n.requestId = request_id;  // N01: the requestId of the GetLog it reports on
    rpc::call(client_->rpc(), n);
  });
}

void Adapter::register_diagnostics_handlers() {
  // N01: Accepted, Rejected (a location that is not HTTP(S)), or AcceptedCanceled when it replaces
  // an upload under way (N01.FR.12); the answer carries the archive's file name.
  rpc::handle<m::GetLogRequest>(client_->rpc(), [this](const m::GetLogRequest& req) {
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
    if (!answer.accepted) {
      m::StatusInfoType si;
      si.reasonCode = "InvalidURL";
      si.additionalInfo = answer.reason.substr(0, 512);
      res.statusInfo = si;
      return res;
    }
    res.status = answer.canceled_previous ? m::LogStatusEnumType::AcceptedCanceled : m::LogStatusEnumType::Accepted;
    res.filename = answer.file_name;
    return res;
  });
}

// F06 TriggerMessage LogStatusNotification: Uploading with the requestId while an upload runs,
// Idle otherwise.
void Adapter::send_triggered_log_status() {
  m::LogStatusNotificationRequest n;
  n.status = m::UploadLogStatusEnumType::Idle;
  if (log_upload_ != nullptr && log_upload_->current() == LogUploadStatus::Uploading) {
    n.status = m::UploadLogStatusEnumType::Uploading;
    n.requestId = log_upload_->current_request_id();
  }
  rpc::call(client_->rpc(), n);
}

}  // namespace ocpp::cp::v201
