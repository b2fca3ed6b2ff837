// The adapter's life (1.6 §4.2 BootNotification with Pending and Rejected, §4.6 Heartbeat and the
// clock, the link going and coming back) and bind(), which registers every block's handlers.
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/cp/security_monitor.hpp"

#include "ocpp/common/log.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

Adapter::Adapter(transport::LwsLoop& loop, transport::ClientOptions options, Identity identity, Settings& settings,
                 SyncedClock& clock)
    : loop_(loop),
      identity_(std::move(identity)),
      settings_(settings),
      clock_(clock),
      retry_(loop, settings, "v16"),
      offline_(loop, settings, "v16"),
      alive_(std::make_shared<bool>(true)) {
  options.version = ProtocolVersion::v16;
  apply_security_floor(options);
  encrypted_ = options.security_profile >= 2;
  options.ping_interval = std::chrono::seconds(settings_.get_int("websocket_ping_interval_s"));
  options.backoff = transport::BackoffPolicy{std::chrono::seconds(settings_.get_int("retry_backoff_wait_minimum_s")),
                                             std::chrono::seconds(settings_.get_int("retry_backoff_random_range_s")),
                                             static_cast<int>(settings_.get_int("retry_backoff_repeat_times"))};
  transport::OcppClient::Callbacks cb;
  cb.on_connected = [this] {
    if (security_monitor_ != nullptr) security_monitor_->connected();
    on_connected();
  };
  cb.on_disconnected = [this](const std::string& reason) {
    if (security_monitor_ != nullptr) security_monitor_->connection_failed(reason);  // e.g. HTTP 401
    on_disconnected();
  };
  rpc::EndpointOptions rpc;
  rpc.on_invalid = [this](const std::string& what) {
    if (security_monitor_ != nullptr) security_monitor_->invalid_message(what);
  };
  rpc.log_name = "v16";
  rpc.secret_frame = ocpp::offline_code::carries_pile_key;  // OfflineCodeKey is never logged (DESIGN.md)
  link_options_ = options;
  register_security_profile();
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
  retry_.bind(core.outbox(), [this] { pump(); });
  core.outbox().on_append([this] { pump(); });
  register_remote_control_handlers();
  register_trigger_handlers();
  register_configuration_handlers();
  register_local_list_handlers();
  register_availability_handlers();
  register_reset_handlers();
  register_smart_charging_handlers();
  register_reservation_handlers();
  register_diagnostics_handlers();
  register_certificate_handlers();
}

void Adapter::start() {
  offline_.link_lost();  // start-up counts as a link just lost
  client_->start();
}
void Adapter::stop() { client_->stop(); }

bool Adapter::online() const { return client_->connected() && registration_ == Registration::Accepted; }

void Adapter::on_connected() {
  upgrade_connected();
  // 1.6 §4.2: BootNotification after (re)start; a reconnect of an already accepted charge point
  // does not need a new one.
  if (registration_ == Registration::Accepted) {
    went_online();
  } else {
    boot();
  }
}

void Adapter::on_disconnected() {
  offline_.link_lost();
  upgrade_failed();
  // booting_ and the outbox's sending are not cleared here: every CALL not answered on the lost connection
  // (in flight or queued) has already completed with Disconnected (OcppClient), and its callback
  // cleared its flag and scheduled the retry. Clearing them here as well let a message be sent
  // twice on the next connection, and every later outbox event with it (found by fault injection).
  if (heartbeat_timer_ != 0) {
    loop_.cancel(heartbeat_timer_);
    heartbeat_timer_ = 0;
  }
  // A Reset waiting for its messages to be delivered cannot deliver anything more now.
  if (reset_) finish_reset();
}

void Adapter::boot() {
  if (booting_ || !client_->connected()) return;
  booting_ = true;
  ocpp::v16::BootNotificationRequest req;
  req.chargePointVendor = identity_.vendor;
  req.chargePointModel = identity_.model;
  if (!identity_.serial.empty()) req.chargePointSerialNumber = identity_.serial;
  if (!identity_.firmware.empty()) req.firmwareVersion = identity_.firmware;
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [this, alive](rpc::Typed<ocpp::v16::BootNotificationResponse>& r) {
    if (!*alive) return;
    booting_ = false;
    if (!r.ok()) {
      // No answer or a refusal of the message itself: ask again later.
      log::warn("v16", "BootNotification failed (" + std::string(rpc::to_string(r.status)) + "), retrying in 60 s");
      if (client_->connected()) schedule_boot(std::chrono::seconds(60));
      return;
    }
    const auto& res = *r.response;
    sync_clock(res.currentTime);
    const auto interval = std::chrono::seconds(res.interval > 0 ? res.interval : 60);
    switch (res.status) {
      case ocpp::v16::BootNotificationStatus::Accepted:
        registration_ = Registration::Accepted;
        log::info("v16", "registration accepted, heartbeat every " + std::to_string(res.interval) + " s");
        // 1.6 §4.2: when Accepted, `interval` is the heartbeat interval.
        if (res.interval > 0) settings_.set("heartbeat_interval_s", std::to_string(res.interval));
        // Every status is reported now; older ones held while offline would only repeat them.
        pending_status_.clear();
        sent_status_.clear();  // a new registration: every connector's status, changed or not
        core_->report_statuses();
        went_online();
        break;
      case ocpp::v16::BootNotificationStatus::Pending:
        // 1.6 §4.2: Pending: only the CSMS talks; boot again after `interval`.
        registration_ = Registration::Pending;
        log::info("v16", "registration pending; next BootNotification in " + std::to_string(interval.count()) + " s");
        schedule_boot(interval);
        break;
      case ocpp::v16::BootNotificationStatus::Rejected:
        registration_ = Registration::Rejected;
        log::warn("v16", "registration rejected; next BootNotification in " + std::to_string(interval.count()) + " s");
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
  schedule_heartbeat();
  offline_.link_up();  // the Authorize requests that waited for the link go now
  // Statuses that changed while the link was down.
  auto pending = std::move(pending_status_);
  pending_status_.clear();
  for (const auto& [connector, s] : pending) send_status(connector, s.state, s.error, s.info, s.at);
  pump();
  send_security_events();
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
  rpc::call(client_->rpc(), ocpp::v16::HeartbeatRequest{}, [this, alive](rpc::Typed<ocpp::v16::HeartbeatResponse>& r) {
    if (*alive && r.ok()) sync_clock(r.response->currentTime);
  });
}

void Adapter::sync_clock(const DateTime& csms_time) {
  const auto before = clock_.offset();
  clock_.sync_to(csms_time.time());
  const auto moved = clock_.offset() - before;
  if (moved > std::chrono::seconds(2) || moved < -std::chrono::seconds(2)) {
    log::info("v16", "clock set to the CSMS's time (" + csms_time.str() + ")");
  }
}

}  // namespace ocpp::cp::v16
