// B01-B04 provisioning: the connection, BootNotification with Pending and Rejected, the heartbeat
// and the clock. The other blocks register their handlers from their own files.
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/cp/security_monitor.hpp"

#include "ocpp/common/log.hpp"
#include "ocpp/cp/v201/device_model.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"
#include "live.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

Adapter::Adapter(transport::LwsLoop& loop, transport::ClientOptions options, Identity identity, Settings& settings,
                 SyncedClock& clock, Topology topology)
    : loop_(loop),
      identity_(std::move(identity)),
      settings_(settings),
      clock_(clock),
      topology_(std::move(topology)),
      retry_(loop, settings, "v201"),
      offline_(loop, settings, "v201"),
      alive_(std::make_shared<bool>(true)) {
  options.version = ProtocolVersion::v201;
  security_profile_ = options.security_profile;
  charge_point_id_ = options.charge_point_id;
  // A01: a password the CSMS set (SecurityCtrlr.BasicAuthPassword) outlives the file's.
  if (settings_.has("basic_auth_password") && settings_.is_persisted("basic_auth_password")) {
    options.basic_auth_password = settings_.get("basic_auth_password");
  }
  options.ping_interval = std::chrono::seconds(settings_.get_int("websocket_ping_interval_s"));
  options.backoff = transport::BackoffPolicy{std::chrono::seconds(settings_.get_int("retry_backoff_wait_minimum_s")),
                                             std::chrono::seconds(settings_.get_int("retry_backoff_random_range_s")),
                                             static_cast<int>(settings_.get_int("retry_backoff_repeat_times"))};
  plan_network_profiles(options);  // B10.FR.04: the first entry of NetworkConfigurationPriority
  transport::OcppClient::Callbacks cb;
  cb.on_connected = [this] {
    if (security_monitor_ != nullptr) security_monitor_->connected();
    profile_connected();
    on_connected();
  };
  cb.on_disconnected = [this](const std::string& reason) {
    if (security_monitor_ != nullptr) security_monitor_->connection_failed(reason);  // e.g. HTTP 401
    profile_disconnected();
    on_disconnected();
  };
  rpc::EndpointOptions rpc;
  rpc.on_invalid = [this](const std::string& what) {
    if (security_monitor_ != nullptr) security_monitor_->invalid_message(what);
  };
  rpc.log_name = "v201";
  // OfflineCodeCtrlr.Key, BasicAuthPassword and a profile's VPN or APN credentials are never logged.
  rpc.secret_frame = [](std::string_view frame) {
    return ocpp::offline_code::carries_pile_key(frame) || carries_link_secret(frame);
  };
  // OCPPCommCtrlr.MessageTimeout[Default]: how long a CALL waits for its answer (E13.FR.01 counts
  // one that waited in vain as an attempt).
  rpc.call_timeout = std::chrono::seconds(settings_.get_int("message_timeout_s"));
  client_ = std::make_unique<transport::OcppClient>(loop, std::move(options), std::move(cb), rpc);
  settings_.on_change([this](std::string_view name, const std::string&) {
    if (name == "heartbeat_interval_s" && registration_ == Registration::Accepted) schedule_heartbeat();
    if (name == "websocket_ping_interval_s") {
      client_->socket().set_ping_interval(std::chrono::seconds(settings_.get_int("websocket_ping_interval_s")));
    }
  });
}

Adapter::~Adapter() {
  *alive_ = false;
  for (TimerId t : {boot_timer_, heartbeat_timer_}) {
    if (t != 0) loop_.cancel(t);
  }
  if (reset_ && reset_->deadline != 0) loop_.cancel(reset_->deadline);
}

void Adapter::bind(ChargePoint& core, LocalAuthList& local_list, AuthCache& cache) {
  core_ = &core;
  local_list_ = &local_list;
  cache_ = &cache;
  apply_transaction_points();
  settings_.on_change([this](std::string_view name, const std::string&) {
    if (name == "tx_start_point" || name == "tx_stop_point") apply_transaction_points();
  });
  retry_.bind(core.outbox(), [this] { pump(); });
  core.outbox().on_append([this] { pump(); });
  register_device_model_handlers();
  register_reset_handlers();
  register_authorization_handlers();
  register_transaction_handlers();
  register_remote_control_handlers();
  register_availability_handlers();
  register_misc_handlers();
  register_network_profile_handlers();
  register_smart_charging_handlers();
  register_reservation_handlers();
  register_diagnostics_handlers();
  register_certificate_handlers();
  core.limits().on_external_limit(
      [this](int evse, const std::optional<ChargingProfile>& profile) { external_limit_changed(evse, profile); });
}

// The core's rules for 2.0.1: the station names its transactions (the transactionId is the
// Charging Station's), each milestone within one is a TransactionEvent Updated, and TxCtrlr's
// TxStartPoint / TxStopPoint say where transactions begin and end (E01-E03, E06).
void Adapter::apply_transaction_points() { core_->set_rules(transaction_rules(settings_)); }

void Adapter::start() {
  offline_.link_lost();  // start-up counts as a link just lost
  client_->start();
}

void Adapter::stop() { client_->stop(); }

bool Adapter::online() const { return client_->connected() && registration_ == Registration::Accepted; }

void Adapter::on_connected() {
  // B01: BootNotification after a (re)start; a reconnect of an accepted station needs none.
  if (registration_ == Registration::Accepted) {
    went_online();
  } else {
    boot();
  }
}

void Adapter::on_disconnected() {
  offline_.link_lost();
  // booting_ and the outbox's sending are cleared by their calls' callbacks, which complete with Disconnected.
  if (heartbeat_timer_ != 0) {
    loop_.cancel(heartbeat_timer_);
    heartbeat_timer_ = 0;
  }
  if (reset_) finish_reset();
}

void Adapter::boot() {
  if (booting_ || !client_->connected()) return;
  booting_ = true;
  m::BootNotificationRequest req;
  req.chargingStation.vendorName = identity_.vendor;
  req.chargingStation.model = identity_.model;
  if (!identity_.serial.empty()) req.chargingStation.serialNumber = identity_.serial.substr(0, 25);
  if (!identity_.firmware.empty()) req.chargingStation.firmwareVersion = identity_.firmware.substr(0, 50);
  req.reason = m::BootReasonEnumType::PowerUp;
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [this, alive](rpc::Typed<m::BootNotificationResponse>& r) {
    if (!*alive) return;
    booting_ = false;
    if (!r.ok()) {
      log::warn("v201", "BootNotification failed (" + std::string(rpc::to_string(r.status)) + "), retrying in 60 s");
      if (client_->connected()) schedule_boot(std::chrono::seconds(60));
      return;
    }
    const auto& res = *r.response;
    sync_clock(res.currentTime);
    const auto interval = std::chrono::seconds(res.interval > 0 ? res.interval : 60);
    switch (res.status) {
      case m::RegistrationStatusEnumType::Accepted:
        registration_ = Registration::Accepted;
        log::info("v201", "registration accepted, heartbeat every " + std::to_string(res.interval) + " s");
        // B01.FR.04: when Accepted, `interval` is the heartbeat interval.
        if (res.interval > 0) settings_.set("heartbeat_interval_s", std::to_string(res.interval));
        // B01.FR.05 / G01: every connector's status after registration; older ones held offline
        // would only repeat them.
        pending_status_.clear();
        sent_status_.clear();  // a new registration: every connector's status, changed or not
        core_->report_statuses();
        // Just reported: no second round for the absence before it.
        offline_.link_up();
        went_online();
        break;
      case m::RegistrationStatusEnumType::Pending:
        // B02.FR.01-03: Pending: the CSMS may configure the station; no transactions are started
        // on its request; boot again after `interval`.
        registration_ = Registration::Pending;
        log::info("v201", "registration pending; next BootNotification in " + std::to_string(interval.count()) + " s");
        schedule_boot(interval);
        break;
      case m::RegistrationStatusEnumType::Rejected:
        // B03.FR.01: Rejected: nothing is sent until the next BootNotification after `interval`.
        registration_ = Registration::Rejected;
        log::warn("v201", "registration rejected; next BootNotification in " + std::to_string(interval.count()) + " s");
        schedule_boot(interval);
        break;
    }
  });
}

void Adapter::schedule_boot(std::chrono::seconds after) {
  if (boot_timer_ != 0) loop_.cancel(boot_timer_);
  boot_timer_ = loop_.schedule_after(after, [this] {
    boot_timer_ = 0;
    boot();
  });
}

void Adapter::went_online() {
  // B04.FR.01/02: back after longer than OfflineThreshold, the station reports every connector's
  // status; after a shorter absence, only those that changed meanwhile.
  const auto since = offline_.offline_since();
  const bool long_absence = since && loop_.clock().steady_now() - *since >= offline_.threshold();
  schedule_heartbeat();
  offline_.link_up();  // the Authorize requests that waited for the link go now
  auto pending = std::move(pending_status_);
  pending_status_.clear();
  if (long_absence) {
    sent_status_.clear();
    core_->report_statuses();
  } else {
    for (const auto& [connector, at] : pending) send_status_now(connector, at);
  }
  pump();
  send_security_events();
  send_reservation_updates();
  send_limit_notices();
  if (pending_firmware_) {
    const auto firmware = *pending_firmware_;
    pending_firmware_.reset();
    firmware_status(firmware);
  }
}

void Adapter::schedule_heartbeat() {
  if (heartbeat_timer_ != 0) loop_.cancel(heartbeat_timer_);
  heartbeat_timer_ = 0;
  const auto interval = settings_.get_int("heartbeat_interval_s");
  if (interval <= 0) return;
  heartbeat_timer_ = loop_.schedule_after(std::chrono::seconds(interval), [this] {
    heartbeat_timer_ = 0;
    if (!online()) return;
    send_heartbeat();
    schedule_heartbeat();
  });
}

void Adapter::send_heartbeat() {
  auto alive = alive_;
  rpc::call(client_->rpc(), m::HeartbeatRequest{}, [this, alive](rpc::Typed<m::HeartbeatResponse>& r) {
    if (*alive && r.ok()) sync_clock(r.response->currentTime);
  });
}

void Adapter::sync_clock(const DateTime& csms_time) {
  // ClockCtrlr.TimeSource Heartbeat (C-23): the CSMS's time in BootNotification and Heartbeat.
  const auto before = clock_.offset();
  clock_.sync_to(csms_time.time());
  const auto moved = clock_.offset() - before;
  if (moved > std::chrono::seconds(2) || moved < -std::chrono::seconds(2)) {
    log::info("v201", "clock set to the CSMS's time (" + csms_time.str() + ")");
  }
}

}  // namespace ocpp::cp::v201
