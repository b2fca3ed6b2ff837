// 2.0.1 L01-L04: UpdateFirmware and FirmwareStatusNotification. The update itself is the core's
// (firmware_update.hpp); this file translates and sets 2.0.1's rules.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/firmware_update.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

m::UpdateFirmwareStatusEnumType answer_of(FirmwareAnswer a) {
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
  // L01.FR.07: idle EVSEs Unavailable while the install waits for transactions to end.
  firmware.set_rules(FirmwareRules{true});
  register_firmware_handlers();
}

void Adapter::register_firmware_handlers() {
  rpc::handle<m::UpdateFirmwareRequest>(client_->rpc(), [this](const m::UpdateFirmwareRequest& req) {
    m::UpdateFirmwareResponse res;
    if (!encrypted() && !allow_plaintext_management_) {
      // Issue 13: firmware is not taken over a link anyone can rewrite (security profile 0 or 1).
      log::warn("v201", "UpdateFirmware " + req.firmware.location.str() +
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
    // L01.FR.02/03: with a certificate and a signature, the image is checked before install.
    if (req.firmware.signingCertificate) r.signing_certificate = req.firmware.signingCertificate->str();
    if (req.firmware.signature) r.signature = req.firmware.signature->str();
    if (r.signing_certificate.empty() != r.signature.empty()) {
      log::warn("v201", "UpdateFirmware " + r.location + " rejected: a signature needs its signingCertificate");
      res.status = m::UpdateFirmwareStatusEnumType::Rejected;
      return res;
    }
    // L01.FR.24: a running update is cancelled for the new one (AcceptedCanceled).
    res.status = answer_of(firmware_->update(r));
    return res;
  });
}

void Adapter::firmware_status(const FirmwareProgress& progress) {
  if (!online()) {
    pending_firmware_ = progress;  // the latest is what the CSMS needs on return
    return;
  }
  send_firmware_status(progress);
}

// L01.FR.20: requestId on every status but Idle.
void Adapter::send_firmware_status(const FirmwareProgress& progress) {
  m::FirmwareStatusNotificationRequest n;
  if (!m::from_string(to_string(progress.status), n.status)) return;
  if (progress.status != FirmwareStatus::Idle) n.requestId = progress.request_id;
  rpc::call(client_->rpc(), n);
}

}  // namespace ocpp::cp::v201
