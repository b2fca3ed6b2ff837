// 1.6 §5.19 UpdateFirmware and §4.5 FirmwareStatusNotification (FirmwareManagement profile); the
// Security Whitepaper (edition 3) SignedUpdateFirmware and SignedFirmwareStatusNotification. The
// update itself is the core's (firmware_update.hpp); this file translates.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/firmware_update.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

// The plain notification knows seven statuses; the others have no word in it. A scheduled
// download is still Idle; a verified or scheduled image is Downloaded; a restart to install is
// Installing.
std::optional<m::FirmwareStatusNotificationStatus> plain_status(FirmwareStatus s) {
  switch (s) {
    case FirmwareStatus::DownloadScheduled: return std::nullopt;
    case FirmwareStatus::SignatureVerified:
    case FirmwareStatus::InstallScheduled: return m::FirmwareStatusNotificationStatus::Downloaded;
    case FirmwareStatus::InstallRebooting: return m::FirmwareStatusNotificationStatus::Installing;
    case FirmwareStatus::InvalidSignature: return m::FirmwareStatusNotificationStatus::InstallationFailed;
    default: break;
  }
  m::FirmwareStatusNotificationStatus out{};
  if (!m::from_string(to_string(s), out)) return std::nullopt;
  return out;
}

m::UpdateFirmwareStatusEnumType signed_answer(FirmwareAnswer a) {
  switch (a) {
    case FirmwareAnswer::Accepted: return m::UpdateFirmwareStatusEnumType::Accepted;
    case FirmwareAnswer::AcceptedCanceled: return m::UpdateFirmwareStatusEnumType::AcceptedCanceled;
    case FirmwareAnswer::InvalidCertificate: return m::UpdateFirmwareStatusEnumType::InvalidCertificate;
    case FirmwareAnswer::Rejected: break;
  }
  return m::UpdateFirmwareStatusEnumType::Rejected;
}

}  // namespace

void Adapter::bind_firmware(FirmwareUpdate& firmware) {
  firmware_ = &firmware;
  register_firmware_handlers();
}

void Adapter::register_firmware_handlers() {
  // §5.19: UpdateFirmware.conf has no status: the pile accepts, and tells how it went through
  // FirmwareStatusNotification. A second request replaces the first (the core cancels it).
  rpc::handle<m::UpdateFirmwareRequest>(client_->rpc(), [this](const m::UpdateFirmwareRequest& req) {
    FirmwareRequest r;
    r.location = req.location;
    r.retrieve_at = req.retrieveDate.time();
    if (req.retries) r.retries = *req.retries;
    if (req.retryInterval) r.retry_interval = std::chrono::seconds{*req.retryInterval};
    const auto answer = firmware_->update(r);
    if (answer == FirmwareAnswer::Rejected) log::warn("v16", "UpdateFirmware " + req.location + " not started");
    return m::UpdateFirmwareResponse{};
  });
  // Whitepaper §5.1 SignedUpdateFirmware: the certificate is checked before the answer.
  rpc::handle<m::SignedUpdateFirmwareRequest>(client_->rpc(), [this](const m::SignedUpdateFirmwareRequest& req) {
    m::SignedUpdateFirmwareResponse res;
    if (!encrypted_ && !allow_plaintext_management_) {
      // Issue 13: firmware signed for this pile is not taken over a link anyone can rewrite.
      log::warn("v16", "SignedUpdateFirmware " + req.firmware.location.str() +
                           " rejected: security profile 0 or 1 (security.allow_plaintext_management is false)");
      res.status = m::UpdateFirmwareStatusEnumType::Rejected;
      return res;
    }
    FirmwareRequest r;
    r.request_id = req.requestId;
    r.location = req.firmware.location.str();
    r.retrieve_at = req.firmware.retrieveDateTime.time();
    if (req.firmware.installDateTime) r.install_at = req.firmware.installDateTime->time();
    if (req.retries) r.retries = *req.retries;
    if (req.retryInterval) r.retry_interval = std::chrono::seconds{*req.retryInterval};
    r.signing_certificate = req.firmware.signingCertificate.str();
    r.signature = req.firmware.signature.str();
    res.status = signed_answer(firmware_->update(r));
    return res;
  });
}

void Adapter::firmware_status(const FirmwareProgress& progress) {
  if (!online()) {
    pending_firmware_ = progress;  // the latest is what the CSMS needs on return
    return;
  }
  send_firmware_status(progress, false);
}

// A signed update reports with SignedFirmwareStatusNotification and its requestId; a plain one,
// or a trigger (§5.17), with FirmwareStatusNotification.
void Adapter::send_firmware_status(const FirmwareProgress& progress, bool triggered) {
  if (progress.signed_update && !triggered) {
    m::SignedFirmwareStatusNotificationRequest n;
    if (!m::from_string(to_string(progress.status), n.status)) return;
    n.requestId = progress.request_id;
    rpc::call(client_->rpc(), n);
    return;
  }
  const auto status = plain_status(progress.status);
  if (!status && !triggered) return;
  m::FirmwareStatusNotificationRequest n;
  n.status = status.value_or(m::FirmwareStatusNotificationStatus::Idle);
  rpc::call(client_->rpc(), n);
}

}  // namespace ocpp::cp::v16
