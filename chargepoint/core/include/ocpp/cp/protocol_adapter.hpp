#pragma once
// The protocol adapter as the daemon holds it (DESIGN.md principle 1: one core, two thin adapters):
// 1.6 (chargepoint/v16) and 2.0.1 (chargepoint/v201) implement it, and the daemon, the control
// socket and `ocpp-cpctl` see nothing else of the version in use.
#include <functional>
#include <string_view>

#include "ocpp/cp/authorizer.hpp"
#include "ocpp/cp/ports.hpp"

namespace ocpp::cp {

class ChargePoint;
class LocalAuthList;
class AuthCache;
class SecurityEvents;
class LogUpload;
class SecurityMonitor;
class CertificateStore;
class FirmwareUpdate;

// Where the charge point stands with its CSMS (1.6 §4.2 and 2.0.1 B01-B03 RegistrationStatus).
enum class Registration { None, Pending, Accepted, Rejected };
std::string_view to_string(Registration r);

class ProtocolAdapter : public CsmsLink, public CsmsAuthorize {
 public:
  // The core and the authorization stores exist after the adapter (the core needs the CsmsLink),
  // so they are bound here, before start().
  virtual void bind(ChargePoint& core, LocalAuthList& local_list, AuthCache& cache) = 0;
  // The durable queue of security events to report (SecurityEventNotification).
  virtual void bind_security_events(SecurityEvents& events) = 0;
  // The log upload (GetDiagnostics, GetLog) and its status notifications; optional.
  virtual void bind_log_upload(LogUpload& upload) = 0;
  // Told of failed connections (FailedToAuthenticateAtCsms, TLS failures) and refused messages
  // (InvalidMessages); optional.
  void bind_security_monitor(SecurityMonitor& monitor) { security_monitor_ = &monitor; }
  // Write-only secrets (the offline-code key) may be set over a link without TLS: only for a lab.
  virtual void allow_plaintext_secrets(bool allow) = 0;
  // The certificate store (InstallCertificate, CertificateSigned, ...; the TLS client's files).
  virtual void bind_certificates(CertificateStore& store) = 0;
  // Certificates may be installed over a link without TLS (security.allow_plaintext_management):
  // only for a lab.
  virtual void allow_plaintext_management(bool allow) = 0;
  // Firmware updates (firmware_update.hpp): the adapter answers UpdateFirmware with it. Optional.
  virtual void bind_firmware(FirmwareUpdate& firmware) { (void)firmware; }
  virtual void start() = 0;
  virtual void stop() = 0;
  virtual Registration registration() const = 0;
  virtual bool connected() const = 0;
  // Called after a Reset has stopped the transactions: the daemon restarts the process.
  virtual void on_reset(std::function<void(bool hard)> fn) = 0;

 protected:
  SecurityMonitor* security_monitor_ = nullptr;
};

}  // namespace ocpp::cp
