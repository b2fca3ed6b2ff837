#pragma once
// The OCPP 1.6J adapter (DESIGN.md principle 1): binds the version-neutral core to 1.6 messages.
// It registers (BootNotification), keeps the heartbeat and the clock, reports statuses, renders
// the outbox's charging events into StartTransaction / MeterValues / StopTransaction when it is
// their turn, and turns the CSMS's requests into core commands. One file per functional block,
// with the 1.6 (edition 2) sections it serves:
//   adapter.cpp               §4.2 BootNotification (Pending, Rejected), §4.6 Heartbeat, the clock
//   transaction_sender.cpp    §3.7 the outbox in order: §4.8 StartTransaction, §4.7 MeterValues,
//                             §4.10 StopTransaction, with retries (TransactionMessageAttempts)
//   authorize.cpp             §4.1 Authorize, bounded by OfflineThreshold
//   availability.cpp          §4.9 StatusNotification, §5.2 ChangeAvailability
//   remote_control.cpp        §5.11 RemoteStartTransaction, §5.12 RemoteStopTransaction,
//                             §5.18 UnlockConnector, §5.17 TriggerMessage
//   configuration.cpp         §5.8 GetConfiguration, §5.3 ChangeConfiguration (the keys are
//                             config_keys.cpp's), §5.6 DataTransfer
//   local_list.cpp            §5.4 ClearCache, §5.10 GetLocalListVersion, §5.15 SendLocalList
//   reset.cpp                 §5.14 Reset, and the restart once its messages are delivered
//   reservations.cpp          §5.13 ReserveNow, §5.1 CancelReservation
//   security_event_sender.cpp SecurityEventNotification (security extension)
//   diagnostics.cpp           §5.9 GetDiagnostics, §4.4 DiagnosticsStatusNotification; Security
//                             Whitepaper GetLog, LogStatusNotification
//   certificates.cpp          Security Whitepaper §4.1 Install/DeleteCertificate,
//                             GetInstalledCertificateIds; §3.2 ExtendedTriggerMessage,
//                             SignCertificate, CertificateSigned
//   security_profile.cpp      Security Whitepaper: SecurityProfile upgrade with fallback
//   firmware.cpp              §5.19 UpdateFirmware, §4.5 FirmwareStatusNotification; Security
//                             Whitepaper SignedUpdateFirmware, SignedFirmwareStatusNotification
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/datetime.hpp"
#include "ocpp/cp/certificate_renewal.hpp"
#include "ocpp/cp/charge_point.hpp"
#include "ocpp/cp/offline_threshold.hpp"
#include "ocpp/cp/outbox_retry.hpp"
#include "ocpp/cp/ports.hpp"
#include "ocpp/cp/protocol_adapter.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/synced_clock.hpp"
#include "ocpp/transport/ocpp_client.hpp"

namespace ocpp::cp {
class AuthCache;
class LocalAuthList;
class SecurityEvents;
class LogUpload;
enum class LogUploadStatus;
class FirmwareUpdate;
}  // namespace ocpp::cp

namespace ocpp::cp::v16 {

struct Identity {
  std::string vendor = "OcppStack";
  std::string model = "SimPile";
  std::string serial;
  std::string firmware;
};

using cp::Registration;

class Adapter final : public ProtocolAdapter {
 public:
  Adapter(transport::LwsLoop& loop, transport::ClientOptions options, Identity identity, Settings& settings,
          SyncedClock& clock);
  ~Adapter() override;

  // ProtocolAdapter
  void bind(ChargePoint& core, LocalAuthList& local_list, AuthCache& cache) override;
  // The durable queue of security events to report (security_event_sender.cpp); optional.
  void bind_security_events(SecurityEvents& events) override;
  // GetDiagnostics and GetLog upload through it (diagnostics.cpp).
  void bind_log_upload(LogUpload& upload) override;
  void start() override;
  void stop() override;

  // CsmsLink
  bool online() const override;
  // Offline for longer than OfflineThreshold (authorize.cpp).
  bool acting_offline() const override;
  // StatusNotification; held while offline, the latest per connector (availability.cpp).
  void send_status(ConnectorId connector, const ConnectorState& state, ErrorCode error, const std::string& info,
                   SystemTime at) override;

  // The Authorize round trip for the authorization chain: nullopt when the CSMS cannot be asked
  // or does not answer within OfflineThreshold; while the link has been down for less than that,
  // the request waits for it (authorize.cpp).
  void authorize(const std::string& id_tag, std::function<void(std::optional<IdTagInfo>)> done) override;

  Registration registration() const override { return registration_; }
  bool connected() const override { return client_->connected(); }
  void on_reset(std::function<void(bool hard)> fn) override { on_reset_ = std::move(fn); }
  rpc::Endpoint& rpc() { return client_->rpc(); }
  // Write-only secrets (OfflineCodeKey) may be set over a link without TLS: only for a lab.
  void allow_plaintext_secrets(bool allow) override { allow_plaintext_secrets_ = allow; }
  void bind_certificates(CertificateStore& store) override;
  void allow_plaintext_management(bool allow) override { allow_plaintext_management_ = allow; }
  // firmware.cpp
  void bind_firmware(FirmwareUpdate& firmware) override;
  void firmware_status(const FirmwareProgress& progress) override;

 private:
  void on_connected();
  void on_disconnected();
  void boot();
  void schedule_boot(std::chrono::seconds after);
  void schedule_heartbeat();
  void sync_clock(const DateTime& csms_time);
  void went_online();
  void send_heartbeat();
  // transaction_sender.cpp
  void pump();
  void send_event();
  void send_start(const OutboxEvent& event);
  void send_meter(const OutboxEvent& event);
  void skip_update(const OutboxEvent& event);
  void send_stop(const OutboxEvent& event);
  void event_done(std::int64_t seq, int attempts, bool meter, rpc::CallOutcome::Status status, const std::string& why);
  // A StartTransaction.conf whose transactionId could not be stored yet (a full disk).
  struct PendingConfirm {
    std::int64_t pk = 0;
    std::int64_t seq = 0;
    std::string csms_id;
    IdTagInfo info;
  };
  bool commit_confirm(const PendingConfirm& confirm);
  // authorize.cpp
  using AuthorizeDone = std::function<void(std::optional<IdTagInfo>)>;
  void send_authorize(const std::string& id_tag, AuthorizeDone done);
  // security_event_sender.cpp
  void send_security_events();
  // diagnostics.cpp
  void register_diagnostics_handlers();
  void send_log_status(LogUploadStatus status, std::optional<std::int32_t> request_id);
  void send_triggered_log_status(bool diagnostics);
  // remote_control.cpp
  void register_remote_control_handlers();
  void register_trigger_handlers();
  std::function<void()> triggered_message(std::string_view name, std::optional<ConnectorId> connector);
  // certificates.cpp
  void register_certificate_handlers();
  void register_signing_handlers();
  void use_tls_files();
  bool management_refused(const char* action) const;
  void send_sign_certificate();
  void send_csr(const std::string& csr);
  // security_profile.cpp
  void apply_security_floor(transport::ClientOptions& options);
  void register_security_profile();
  std::optional<std::string> upgrade_security_profile(int to);
  void switch_link(const transport::ClientOptions& options);
  void upgrade_connected();
  void upgrade_failed();
  // configuration.cpp
  void register_configuration_handlers();
  // local_list.cpp
  void register_local_list_handlers();
  // availability.cpp
  void register_availability_handlers();
  // reservations.cpp
  void register_reservation_handlers();
  // reset.cpp
  void register_reset_handlers();
  // smart_charging.cpp: §5.16 SetChargingProfile, §5.5 ClearChargingProfile, §5.7
  // GetCompositeSchedule.
  void register_smart_charging_handlers();
  // firmware.cpp
  void register_firmware_handlers();
  void send_firmware_status(const FirmwareProgress& progress, bool triggered);
  void restart_when_delivered(bool hard);
  void reset_progress();
  void finish_reset();

  transport::LwsLoop& loop_;
  Identity identity_;
  Settings& settings_;
  SyncedClock& clock_;
  std::unique_ptr<transport::OcppClient> client_;
  ChargePoint* core_ = nullptr;
  LocalAuthList* local_list_ = nullptr;
  AuthCache* cache_ = nullptr;
  Registration registration_ = Registration::None;
  bool booting_ = false;
  TimerId boot_timer_ = 0;
  TimerId heartbeat_timer_ = 0;
  // The outbox's message in flight and its retries (1.6 §4.7, the core's rule).
  OutboxRetry retry_;
  // Statuses that could not be sent while offline: the latest of each connector, sent on return.
  struct PendingStatus {
    ConnectorState state;
    ErrorCode error;
    std::string info;
    SystemTime at;
  };
  std::map<ConnectorId, PendingStatus> pending_status_;
  // What the CSMS last heard of each connector: the core reports every change of its state, and
  // several states read as one 1.6 status (an EV plugged in while an authorized session waits).
  std::map<ConnectorId, std::pair<std::string, ErrorCode>> sent_status_;
  // A Reset waits (boundedly) until what was sent before the restart has reached the CSMS.
  struct PendingReset {
    bool hard = false;
    bool probe_sent = false;
    TimerId deadline = 0;
  };
  std::optional<PendingReset> reset_;
  std::function<void(bool)> on_reset_;
  bool encrypted_ = false;  // security profile 2 or 3
  bool allow_plaintext_secrets_ = false;
  bool allow_plaintext_management_ = false;
  // certificates.cpp: the store, the link as configured (its TLS files follow the store), renewal.
  CertificateStore* certificates_ = nullptr;
  transport::ClientOptions link_options_;
  std::optional<CertificateRenewal> renewal_;
  // security_profile.cpp: an upgrade whose new profile has not connected yet.
  struct ProfileUpgrade {
    transport::ClientOptions previous;
    int to = 0;
    int failures = 0;
  };
  std::optional<ProfileUpgrade> upgrade_;
  FirmwareUpdate* firmware_ = nullptr;
  std::optional<FirmwareProgress> pending_firmware_;  // the latest status while offline
  SecurityEvents* security_events_ = nullptr;
  LogUpload* log_upload_ = nullptr;
  // OfflineThreshold: since when the link is down, and the Authorize requests waiting for it.
  OfflineThreshold offline_;
  bool sending_security_event_ = false;
  std::shared_ptr<bool> alive_;
};

}  // namespace ocpp::cp::v16
