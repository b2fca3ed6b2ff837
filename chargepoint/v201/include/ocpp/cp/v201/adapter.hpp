#pragma once
// The OCPP 2.0.1 adapter (DESIGN.md principle 1): binds the version-neutral core to 2.0.1. One file
// per functional block of the specification (Part 2), each with the requirement ids it serves:
//   adapter.cpp          B01-B04 provisioning: BootNotification, Pending/Rejected, heartbeat, clock
//   device_model_rpc.cpp B05-B08 Get/SetVariables, GetBaseReport, GetReport (the device model is
//                        chargepoint/v201/device_model), A01 BasicAuthPassword
//   reset.cpp            B11-B12 Reset (Immediate, OnIdle)
//   authorization.cpp    C01 Authorize (with OfflineThreshold), C11 ClearCache, D01-D02 local list
//   transactions.cpp     E01-E14 TransactionEvent from the outbox, offline queue, GetTransactionStatus
//   remote_control.cpp   F01-F06 RequestStart/StopTransaction, UnlockConnector, TriggerMessage
//   availability.cpp     G01-G04 StatusNotification, ChangeAvailability; J01 MeterValues
//   security_events.cpp  A04 SecurityEventNotification; P01 DataTransfer
//   diagnostics.cpp      N01 GetLog, LogStatusNotification (the upload is the core's LogUpload)
//   reservations.cpp     H01-H04 ReserveNow, CancelReservation, ReservationStatusUpdate
//   network_profiles.cpp B09 SetNetworkProfile, B10 migration to another CSMS with fallback (the
//                        rules are network_profile_rules.cpp)
//   certificates.cpp     A02/A03 SignCertificate, CertificateSigned (and TriggerMessage
//                        SignChargingStationCertificate), M03 GetInstalledCertificateIds,
//                        M04 DeleteCertificate, M05 InstallCertificate
//   smart_charging.cpp   K01 SetChargingProfile, K08 GetCompositeSchedule, K09 GetChargingProfiles,
//                        K10 ClearChargingProfile (the rules are the core's ChargingLimits)
//   firmware.cpp         L01-L04 UpdateFirmware, FirmwareStatusNotification (the update is the
//                        core's FirmwareUpdate)
#include <functional>
#include <deque>
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
#include "ocpp/cp/protocol_adapter.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/synced_clock.hpp"
#include "ocpp/cp/topology.hpp"
#include "ocpp/cp/v201/network_profiles.hpp"
#include "ocpp/transport/ocpp_client.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp {
class LogUpload;
}  // namespace ocpp::cp

namespace ocpp::cp::v201 {

class DeviceModel;

struct Identity {
  std::string vendor = "OcppStack";
  std::string model = "SimPile";
  std::string serial;
  std::string firmware;
};

class Adapter final : public ProtocolAdapter {
 public:
  Adapter(transport::LwsLoop& loop, transport::ClientOptions options, Identity identity, Settings& settings,
          SyncedClock& clock, Topology topology);
  ~Adapter() override;

  // ProtocolAdapter
  void bind(ChargePoint& core, LocalAuthList& local_list, AuthCache& cache) override;
  void bind_security_events(SecurityEvents& events) override;
  // N01 GetLog uploads through it (diagnostics.cpp).
  void bind_log_upload(LogUpload& upload) override;
  void allow_plaintext_secrets(bool allow) override { allow_plaintext_secrets_ = allow; }
  void bind_certificates(CertificateStore& store) override;
  void allow_plaintext_management(bool allow) override { allow_plaintext_management_ = allow; }
  // firmware.cpp
  void bind_firmware(FirmwareUpdate& firmware) override;
  void firmware_status(const FirmwareProgress& progress) override;
  void start() override;
  void stop() override;
  Registration registration() const override { return registration_; }
  bool connected() const override { return client_->connected(); }
  void on_reset(std::function<void(bool hard)> fn) override { on_reset_ = std::move(fn); }

  // CsmsLink
  bool online() const override;
  bool acting_offline() const override;
  void send_status(ConnectorId connector, const ConnectorState& state, ErrorCode error, const std::string& info,
                   SystemTime at) override;
  // H04 ReservationStatusUpdate (reservations.cpp).
  void reservation_ended(std::int32_t reservation_id, ReservationEnd why) override;

  // CsmsAuthorize: C01 Authorize, bounded by OfflineThreshold (authorization.cpp).
  void authorize(const std::string& id_tag, std::function<void(std::optional<IdTagInfo>)> done) override;
  void authorize_typed(const std::string& id_tag, const std::string& token_type,
                       std::function<void(std::optional<IdTagInfo>)> done) override;

  rpc::Endpoint& rpc() { return client_->rpc(); }

 private:
  using AuthorizeDone = std::function<void(std::optional<IdTagInfo>)>;
  // adapter.cpp
  void on_connected();
  void on_disconnected();
  void boot();
  void schedule_boot(std::chrono::seconds after);
  void schedule_heartbeat();
  void send_heartbeat();
  void sync_clock(const DateTime& csms_time);
  void went_online();
  bool encrypted() const { return security_profile_ >= 2; }
  void apply_transaction_points();
  // transactions.cpp
  void pump();
  void send_event();
  void event_done(std::int64_t seq, bool meter, rpc::CallOutcome::Status status, const std::string& why, int attempts);
  void register_transaction_handlers();
  // authorization.cpp
  void send_authorize(const std::string& id_tag, const std::string& token_type, AuthorizeDone done);
  void register_authorization_handlers();
  // device_model_rpc.cpp
  void register_device_model_handlers();
  // reset.cpp
  void register_reset_handlers();
  void restart_when_delivered(bool hard);
  void reset_progress();
  void finish_reset();
  // remote_control.cpp
  void register_remote_control_handlers();
  std::optional<ocpp::cp::ProfileRefusal> remote_start_profile(const ocpp::v201::ChargingProfileType& in, int evse,
                                                     RemoteStartRequest& start);
  // availability.cpp
  void register_availability_handlers();
  void send_status_now(ConnectorId connector, SystemTime at, bool force = false);
  // security_events.cpp
  void send_security_events();
  void register_misc_handlers();
  // diagnostics.cpp
  void register_diagnostics_handlers();
  void send_triggered_log_status();
  // reservations.cpp
  void register_reservation_handlers();
  std::optional<Reservation> reservation_of(const ocpp::v201::ReserveNowRequest& req) const;
  void send_reservation_updates();
  // network_profiles.cpp
  void register_network_profile_handlers();
  void plan_network_profiles(transport::ClientOptions& options);
  void new_plan(int last_good);
  std::optional<transport::ClientOptions> link_options(int slot) const;
  void profile_connected();
  void profile_disconnected();
  void switch_link(int slot);
  // certificates.cpp
  void register_certificate_handlers();
  void register_signing_handlers();
  void use_tls_files();
  bool management_refused(const char* action) const;
  void send_sign_certificate();
  void send_csr(const std::string& csr);
  // smart_charging.cpp
  void register_smart_charging_handlers();
  void register_charging_profile_reports();
  std::optional<ocpp::cp::ProfileRefusal> set_charging_profile(const ocpp::v201::SetChargingProfileRequest& req);
  // charging_limit_notices.cpp: K12 NotifyChargingLimit, K13 ClearedChargingLimit.
  void external_limit_changed(int evse, const std::optional<ChargingProfile>& profile);
  void send_limit_notices();

  transport::LwsLoop& loop_;
  Identity identity_;
  Settings& settings_;
  SyncedClock& clock_;
  Topology topology_;
  int security_profile_ = 0;
  std::string charge_point_id_;
  std::unique_ptr<transport::OcppClient> client_;
  class Live;  // the device model's run-time values (device_model_rpc.cpp)
  std::unique_ptr<Live> live_;
  std::unique_ptr<DeviceModel> device_model_;
  ChargePoint* core_ = nullptr;
  LocalAuthList* local_list_ = nullptr;
  AuthCache* cache_ = nullptr;
  SecurityEvents* security_events_ = nullptr;
  LogUpload* log_upload_ = nullptr;
  Registration registration_ = Registration::None;
  bool booting_ = false;
  TimerId boot_timer_ = 0;
  TimerId heartbeat_timer_ = 0;
  // The outbox's message in flight and its retries (E13, the core's rule).
  OutboxRetry retry_;
  bool sending_security_event_ = false;
  bool allow_plaintext_secrets_ = false;
  bool allow_plaintext_management_ = false;
  // certificates.cpp: the store (the TLS files of every link come from it) and renewal.
  CertificateStore* certificates_ = nullptr;
  std::optional<CertificateRenewal> renewal_;
  // firmware.cpp: the update block, and its latest status while offline.
  FirmwareUpdate* firmware_ = nullptr;
  std::optional<FirmwareProgress> pending_firmware_;
  void register_firmware_handlers();
  void send_firmware_status(const FirmwareProgress& progress);
  // Statuses that could not be sent while offline: the latest of each connector, sent on return
  // (B04.FR.01: after a longer absence every connector's status is sent anyway).
  // Only the time is kept: the availability is read when the message goes.
  std::map<ConnectorId, SystemTime> pending_status_;
  // The availability last sent per connector (G01: a notification when it changes).
  std::map<ConnectorId, ocpp::v201::ConnectorStatusEnumType> sent_status_;
  struct PendingReset {
    bool hard = false;
    bool probe_sent = false;
    TimerId deadline = 0;
  };
  std::optional<PendingReset> reset_;
  // B12 Reset OnIdle: waits for the running transactions to end.
  bool reset_when_idle_ = false;
  std::function<void(bool)> on_reset_;
  // OfflineThreshold: since when the link is down, and the Authorize requests waiting for it.
  OfflineThreshold offline_;
  std::shared_ptr<bool> alive_;
  // B09-B10 (network_profiles.cpp): the configuration file's link, which the profiles override;
  // the plan of which slot to connect with, the slot the client targets, whether it is connected,
  // and the slot of the connection the station last registered over.
  transport::ClientOptions base_options_;
  std::optional<ConnectionPlan> plan_;
  int link_slot_ = 1;
  bool link_up_ = false;
  int registered_slot_ = 0;
  // H04: ReservationStatusUpdates waiting for the link, oldest first (reservations.cpp).
  std::deque<std::pair<std::int32_t, ocpp::v201::ReservationUpdateStatusEnumType>> reservation_updates_;
  bool sending_reservation_update_ = false;
  // K12/K13: per EVSE, the external limit the CSMS was last told of (nullopt: none), and the one to
  // tell it next (a profile, or nullopt for ClearedChargingLimit). Only the latest state waits:
  // the CSMS needs where the limit is, not every step it took while the link was down.
  std::map<int, std::optional<ChargingProfile>> told_limit_;
  std::map<int, std::optional<ChargingProfile>> limit_notices_;
  bool sending_limit_notice_ = false;
};

}  // namespace ocpp::cp::v201
