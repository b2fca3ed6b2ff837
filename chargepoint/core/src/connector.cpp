#include "connector.hpp"
#include "reservation_book.hpp"

#include <algorithm>
#include <cmath>

#include "ocpp/common/log.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {
namespace {

// How often MaxEnergyOnInvalidId is checked at most while energy still flows under it.
constexpr std::chrono::milliseconds kCapCheckInterval{1000};

}  // namespace

Connector::Connector(ChargePoint& cp, ConnectorId id) : cp_(cp), id_(id) {}

Connector::~Connector() {
  if (session_ && session_->timeout != 0) cp_.loop().cancel(session_->timeout);
  if (tx_) {
    for (TimerId t : {tx_->sample_timer, tx_->cap_timer, tx_->timeout}) {
      if (t != 0) cp_.loop().cancel(t);
    }
  }
  if (pending_stop_ && pending_stop_->retry != 0) cp_.loop().cancel(pending_stop_->retry);
}

bool Connector::usable() const {
  return in_service() && error_ == ErrorCode::NoError && !tx_ && !pending_stop_;
}

void Connector::feed(ConnectorInput input) {
  const ConnectorState before = fsm_.state();
  if (fsm_.process(input) != before && batch_depth_ == 0) {
    cp_.connector_status_changed(id_);
    record_charging_state();
  }
}

void Connector::record_charging_state() {
  if (!tx_ || !cp_.rules().record_milestones || resuming_) return;
  const ChargingState now = fsm_.state().charging;
  if (now == tx_->recorded_state) return;
  tx_->recorded_state = now;
  record_update(Milestone::ChargingStateChanged);
}

void Connector::record_update(Milestone milestone) {
  if (!tx_ || !cp_.rules().record_milestones || resuming_) return;
  UpdateEvent ev;
  ev.connector = id_;
  ev.at = cp_.now();
  ev.milestone = milestone;
  ev.charging_state = fsm_.state().charging;
  ev.register_wh = milestone_register();
  tx_->recorded_state = ev.charging_state;
  try {
    cp_.store().db().transaction([&] { cp_.record(OutboxKind::Update, tx_->pk, encode(ev), ev.register_wh); });
    cp_.outbox().notify();
  } catch (const db::DbError& e) {
    // A milestone is not worth stopping for: the transaction's start, samples and stop carry the
    // energy. Logged, so a gap in the CSMS's view can be explained.
    log::error("core", name(id_) + ": milestone " + std::string(to_string(milestone)) + " not stored: " + e.what());
  }
}

std::optional<MeterReading> Connector::read_meter() {
  auto reading = cp_.hal().connector(id_).read_meter();
  if (!reading && error_ != ErrorCode::PowerMeterFailure) {
    log::error("core", name(id_) + ": the energy meter does not answer");
  }
  if (reading && tx_) reading->energy_wh = counted_register(reading->energy_wh);
  return reading;
}

// Issue 14: a transaction never reports a register lower than one it already reported. A meter
// that reads lower (replaced, reset, a controller restarted with fresh hardware state, a simulated
// pile without its state file) is a meter fault: logged, and the session goes on counting from
// its last good reading, adding what the meter counts from its new value on. Every HAL driver's
// readings pass here.
std::optional<double> Connector::milestone_register() {
  // Issue 11: each milestone with a meter snapshot. A meter that does not answer now leaves it out
  // (read_meter() logs that); the milestone itself is still worth recording.
  const auto reading = read_meter();
  return reading ? std::optional<double>(reading->energy_wh) : std::nullopt;
}

double Connector::counted_register(double raw_wh) {
  double wh = raw_wh + tx_->register_offset_wh;
  if (wh + kRegisterTolerance < tx_->last_wh) {
    log::error("core", name(id_) + ": meter fault: the register reads " + std::to_string(wh) + " Wh, below the " +
                           std::to_string(tx_->last_wh) + " Wh already counted for transaction " +
                           std::to_string(tx_->pk) + " (meter replaced or reset?); counting on from " +
                           std::to_string(tx_->last_wh) + " Wh");
    tx_->register_offset_wh += tx_->last_wh - wh;
    wh = tx_->last_wh;
  }
  tx_->last_wh = std::max(tx_->last_wh, wh);
  return wh;
}

void Connector::show(const std::string& text) { cp_.hal().display().show(id_, text); }

void Connector::pilot(hal::PilotState state) {
  // One pilot change is one event: unplugging during a transaction that stops then is reported
  // Charging -> Available (1.6 §4.9), not via SuspendedEV.
  batched([&] { apply_pilot(state); });
  try_start(Milestone::EvConnected);
}

void Connector::feed_ev_ready() {
  feed(ev_ready_ && (power_confirmed_ || !power_closed_) ? ConnectorInput::EvReady : ConnectorInput::EvSuspended);
}

void Connector::offer_limit(const OfferedLimit& limit) {
  if (!tx_ || !power_closed_ || tx_->energy_withheld) return;
  auto& hw = cp_.hal().connector(id_);
  hw.set_current_limit(limit.amps);
  hw.set_power_limit(limit.watts);
  // A limit of 0 holds the energy back: the EV sees SuspendedEVSE until a period offers more.
  feed(limit.amps > 0 ? ConnectorInput::EnergyOffered : ConnectorInput::EnergyWithheld);
}

bool Connector::command_limit() {
  const auto limit = cp_.limits().limit_now(id_);
  auto& hw = cp_.hal().connector(id_);
  hw.set_current_limit(limit.amps);
  hw.set_power_limit(limit.watts);
  return limit.amps > 0;
}

void Connector::power_path(bool closed) {
  if (closed == power_confirmed_) return;
  power_confirmed_ = closed;
  log::info("core", name(id_) + ": power path " + (closed ? "closed" : "open") + " (contactor feedback)");
  feed_ev_ready();
}

void Connector::apply_pilot(hal::PilotState state) {
  const bool plugged = state != hal::PilotState::A;
  const bool ready = state == hal::PilotState::C || state == hal::PilotState::D;
  if (plugged && !plugged_) {
    plugged_ = true;
    feed(ConnectorInput::Plugged);
    if (!tx_ && !session_) show("Present your card or enter your code");
    // A transaction that began before its cable (TxStartPoint Authorized): 2.0.1 CablePluggedIn.
    if (tx_ && tx_->recorded_state == ChargingState::Idle) record_update(Milestone::EvConnected);
  }
  if (ready != ev_ready_) {
    ev_ready_ = ready;
    feed_ev_ready();
    // 2.0.1 TxStopPoint EnergyTransfer: the EV stopping to draw ends the transaction.
    if (!ready && plugged && tx_ && power_closed_ && stops_at(TxPoint::EnergyTransfer)) {
      end_transaction(StopReason::StoppedByEV, std::nullopt);
    }
  }
  if (!plugged && plugged_) {
    plugged_ = false;
    ev_ready_ = false;
    ev_connected_used_ = false;
    feed(ConnectorInput::Unplugged);
    if (tx_) unplugged_during_transaction();
    if (!tx_ && cp_.settings().get_bool("unlock_connector_on_ev_side_disconnect")) cp_.hal().connector(id_).set_locked(false);
    if (!tx_) show("Available");
  }
}

void Connector::present(const std::string& id, IdSource source,
                        std::function<void(bool accepted, const std::string& reason)> done,
                        std::optional<Session> remote) {
  auto answer = [&done](bool accepted, const std::string& reason) {
    if (done) done(accepted, reason);
  };
  if (tx_ && tx_->deauthorized) {
    show("Session ended: unplug the cable");
    answer(false, "connector " + std::to_string(id_) + ": the session has ended, the cable is still in");
    return;
  }
  if (tx_ && tx_->authorized) {
    // 1.6 IdTagInfo.parentIdTag: the same id, or one with the same parent id, stops the
    // transaction locally.
    if (cp_.authorization().may_stop(tx_->id_tag, id)) {
      stop(StopReason::Local, id);
      answer(true, "transaction stopped");
    } else if (master_pass_configured()) {
      present_to_busy_connector(id, source, std::move(done));  // C16: it may be the master pass
    } else {
      show("This session belongs to another card");
      answer(false, "connector " + std::to_string(id_) + " is charging for another id");
    }
    return;
  }
  if (authorizing_) {
    answer(false, "connector " + std::to_string(id_) + " is still authorizing another id");
    return;
  }
  if (!in_service() || error_ != ErrorCode::NoError) {
    show(sibling_busy_ ? "In use: another connector of this charger" : "Out of service");
    answer(false, "connector " + std::to_string(id_) + " is " + std::string(summary(state())));
    return;
  }
  if (session_) {
    show("Already authorized: plug in the cable");
    answer(false, "connector " + std::to_string(id_) + " is already authorized for " + session_->id_tag);
    return;
  }
  if (reserved_for_others(id)) {
    answer(false, reserved_reason());
    return;
  }
  authorizing_ = true;
  show("Authorizing...");
  cp_.authorization().authorize(id_, id, source, [this, id, source, done, remote](const AuthDecision& d) {
    authorizing_ = false;
    if (d.local_list_conflict) cp_.local_list_conflict(id);
    if (!d.accepted) {
      log::info("core", name(id_) + ": " + id + " refused (" + std::string(to_string(d.info.status)) + ", " +
                            d.source + ")");
      // A refused code says why (typo, expired, used, locked out...); a card just says no.
      show(d.reason.empty() ? "Not authorized" : d.reason);
      if (done) {
        done(false, d.reason.empty()
                        ? id + " not authorized (" + std::string(to_string(d.info.status)) + ", " + d.source + ")"
                        : "code refused: " + d.reason);
      }
      return;
    }
    if (is_master_pass(d.info)) {
      use_master_pass(id, done);
      return;
    }
    std::optional<std::int32_t> reservation;
    if (refused_by_reservation(id, d, reservation)) {
      if (done) done(false, reserved_reason());
      return;
    }
    log::info("core", name(id_) + ": " + id + " authorized (" + d.source + ")");
    Session session = remote.value_or(Session{});
    session.reservation_id = reservation;
    session.id_tag = id;
    session.unverified = d.unverified;
    session.source = source;
    session.code_cap_wh = d.energy_cap_wh;
    authorize_session(std::move(session));
    if (done) done(true, "authorized (" + d.source + ")");
  });
}

// 1.6 §5.13, 2.0.1 H03: a reserved connector is not for other ids; unless the reservation admits
// a group, which only the id's authorization can tell, that is known before authorizing.
bool Connector::reserved_for_others(const std::string& id) {
  auto& book = cp_.reservation_book();
  if (!book.held(id_) || book.usable_by(id_, id, std::nullopt) || book.accepts_groups(id_)) return false;
  show("Reserved for another card");
  return true;
}

std::string Connector::reserved_reason() const {
  return "connector " + std::to_string(id_) + " is reserved for another id";
}

bool Connector::refused_by_reservation(const std::string& id, const AuthDecision& d,
                                       std::optional<std::int32_t>& use) {
  // The reservation may have ended, or another begun, while the id was being authorized: the
  // book is asked again now. An id of the reservation's group (1.6 parentIdTag, 2.0.1
  // groupIdToken) is known by its IdTagInfo.
  auto& book = cp_.reservation_book();
  use = book.usable_by(id_, id, d.info.parent_id_tag);
  if (use || !book.held(id_)) return false;
  log::info("core", name(id_) + ": " + id + " refused: the connector is reserved for another id");
  show("Reserved for another card");
  return true;
}

void Connector::set_reserved(bool reserved) {
  const bool changed = reserved != reserved_;
  reserved_ = reserved;
  // Inputs are levels: Reserved is fed again on every refresh, because the machine forgets it
  // when a transaction starts (one begun by a cable alone, 2.0.1 TxStartPoint EVConnected, does
  // not use the reservation, which then still holds the connector afterwards).
  if (reserved || changed) feed(reserved ? ConnectorInput::Reserved : ConnectorInput::ReservationEnded);
  if (changed && idle() && !plugged_ && usable()) show(reserved ? "Reserved" : "Available");
}

// 2.0.1 C16 (AuthCtrlr.MasterPassGroupId, setting master_pass_group_id): an id of the master pass
// group stops every transaction of the station and never starts one (C16.FR.01, C16.FR.03; this
// pile has no screen to choose transactions on, so all of them stop). The group is only known once
// the id is authorized (local list, cache or the CSMS's answer), so at a connector busy with
// another driver's transaction the id is authorized first when a master pass group is set.
bool Connector::master_pass_configured() const { return !cp_.settings().get("master_pass_group_id").empty(); }

bool Connector::is_master_pass(const IdTagInfo& info) const {
  const std::string group = cp_.settings().get("master_pass_group_id");
  return !group.empty() && info.parent_id_tag == group;
}

void Connector::present_to_busy_connector(const std::string& id, IdSource source,
                                          std::function<void(bool, const std::string&)> done) {
  cp_.authorization().authorize(id_, id, source, [this, id, done](const AuthDecision& d) {
    if (d.accepted && is_master_pass(d.info)) {
      use_master_pass(id, done);
      return;
    }
    show("This session belongs to another card");
    if (done) done(false, "connector " + std::to_string(id_) + " is charging for another id");
  });
}

void Connector::use_master_pass(const std::string& id, const std::function<void(bool, const std::string&)>& done) {
  const int stopped = cp_.stop_all(StopReason::MasterPass, id);
  log::info("core", name(id_) + ": master pass " + id + " stopped " + std::to_string(stopped) + " transaction(s)");
  show(stopped > 0 ? "Master pass: charging stopped" : "Master pass: nothing to stop");
  if (done) done(stopped > 0, "master pass: " + std::to_string(stopped) + " transaction(s) stopped");
}

void Connector::authorize_session(Session session) {
  if (session_ && session_->timeout != 0) cp_.loop().cancel(session_->timeout);
  session.timeout = 0;
  if (session.token_type.empty()) session.token_type = default_token_type(session.source);
  session_ = std::move(session);
  ev_connected_used_ = false;  // a new driver: the cable counts again for TxStartPoint EVConnected
  feed(ConnectorInput::SessionAuthorized);
  // 1.6 ConnectionTimeOut: how long an authorization waits for the cable; 0 is "never".
  const auto timeout = std::chrono::seconds(cp_.settings().get_int("connection_timeout_s"));
  if (!plugged_) show("Authorized: plug in the cable");
  if (!plugged_ && timeout.count() > 0) {
    session_->timeout = cp_.loop().schedule_after(timeout, [this] {
      if (!session_ || tx_) return;
      session_->timeout = 0;
      log::info("core", name(id_) + ": no cable within ConnectionTimeOut; authorization dropped");
      show("Timed out");
      end_session();
    });
  }
  try_start(session_->source == IdSource::Remote ? Milestone::RemoteStart : Milestone::Authorized);
}

void Connector::end_session() {
  if (!session_) return;
  if (session_->timeout != 0) cp_.loop().cancel(session_->timeout);
  const Session ended = std::move(*session_);
  session_.reset();
  // The authorization started nothing: a single-use code is freed again (issue 14; see
  // docs/offline-code.md §5), a card simply has to be presented again.
  cp_.authorization().session_abandoned(id_, ended.id_tag, ended.source);
  feed(ConnectorInput::SessionEnded);
}

std::optional<double> Connector::next_limit() const {
  if (!tx_) return std::nullopt;
  std::optional<double> limit = tx_->code_cap_wh;
  if (tx_->energy_cap_wh && !tx_->energy_withheld && (!limit || *tx_->energy_cap_wh < *limit)) {
    limit = tx_->energy_cap_wh;
  }
  return limit;
}

void Connector::check_cap(const std::optional<MeterReading>& reading) {
  if (!tx_) return;
  if (reading) tx_->last_wh = reading->energy_wh;
  if (tx_->code_cap_wh && reading && reading->energy_wh >= *tx_->code_cap_wh) {
    // docs/offline-code.md §2: the energy the code was issued for is delivered; the session ends
    // (1.6 reports the reason as Other, 2.0.1 as EnergyLimitReached).
    log::info("core", name(id_) + ": the offline code's energy cap is reached; stopping");
    stop(StopReason::EnergyLimitReached);
    show("Energy limit of your code reached");
    return;
  }
  if (!tx_->energy_cap_wh || tx_->energy_withheld) return;
  if (!reading || reading->energy_wh >= *tx_->energy_cap_wh) {
    // MaxEnergyOnInvalidId reached: no more energy for a refused id.
    tx_->energy_withheld = true;
    cp_.hal().connector(id_).set_current_limit(0);
    feed(ConnectorInput::EnergyWithheld);
  }
}

void Connector::schedule_cap_check(const std::optional<MeterReading>& reading) {
  const auto limit = next_limit();
  if (!limit) return;
  if (tx_->cap_timer != 0) cp_.loop().cancel(tx_->cap_timer);  // a nearer limit may have come
  tx_->cap_timer = 0;
  // Every kCapCheckInterval, or sooner when the cap will be reached sooner at the present power.
  auto wait = kCapCheckInterval;
  if (reading && reading->power_w && *reading->power_w > 0) {
    const double ms = (*limit - reading->energy_wh) / *reading->power_w * 3.6e6;
    if (ms < static_cast<double>(wait.count())) {
      wait = std::chrono::milliseconds(std::max<long long>(1, static_cast<long long>(std::ceil(ms))));
    }
  }
  tx_->cap_timer = cp_.loop().schedule_after(wait, [this] {
    if (!tx_) return;
    tx_->cap_timer = 0;
    const auto now = read_meter();
    check_cap(now);
    schedule_cap_check(now);
  });
}

void Connector::fault(ErrorCode code, const std::string& info) {
  own_error_ = code;
  own_info_ = info;
  apply_fault();
}

void Connector::pile_fault(ErrorCode code, const std::string& info) {
  pile_error_ = code;
  pile_info_ = info;
  apply_fault();
}

void Connector::apply_fault() {
  // The connector's own fault says more than the pile's; either keeps it Faulted.
  const bool own = own_error_ != ErrorCode::NoError;
  const ErrorCode code = own ? own_error_ : pile_error_;
  const std::string& info = own ? own_info_ : pile_info_;
  if (code == error_) return;
  const bool was_faulted = error_ != ErrorCode::NoError;
  error_ = code;
  error_info_ = info;
  if (code == ErrorCode::NoError) {
    log::info("core", name(id_) + ": fault cleared");
    feed(ConnectorInput::FaultCleared);
    try_start(Milestone::Authorized);
    return;
  }
  log::warn("core", name(id_) + ": fault " + std::string(to_string(code)) + (info.empty() ? "" : " (" + info + ")"));
  if (!was_faulted) feed(ConnectorInput::FaultRaised);
  else cp_.connector_status_changed(id_);  // another code: report it
  if (tx_ || power_closed_) stop(StopReason::Other);
  show("Out of order");
}

void Connector::set_operative(bool operative) {
  if (operative == operative_) return;
  const bool before = in_service();
  operative_ = operative;
  service_changed(before);
}

// 2.0.1 Part 1 §7: an EVSE delivers energy to one EV at a time, so while one of its connectors is
// in use the others are out of service (Unavailable), and back when it is free again.
void Connector::set_sibling_busy(bool busy) {
  if (busy == sibling_busy_) return;
  const bool before = in_service();
  sibling_busy_ = busy;
  service_changed(before);
}

bool Connector::in_use() const { return in_service() && (tx_ || state().session != SessionPhase::None); }

void Connector::service_changed(bool before) {
  const bool now = in_service();
  if (now == before) return;
  feed(now ? ConnectorInput::Operative : ConnectorInput::Inoperative);
  if (!now) {
    end_session();
    show("Unavailable");
  } else {
    show("Available");
    try_start(Milestone::Authorized);
  }
}

bool Connector::unlock() {
  if (tx_) stop(StopReason::UnlockCommand);
  return cp_.hal().connector(id_).set_locked(false);
}

void Connector::schedule_sample() {
  if (!tx_) return;
  const auto interval = cp_.settings().get_int("meter_value_sample_interval_s");
  if (interval <= 0) return;  // 0 disables periodic samples
  tx_->sample_timer = cp_.loop().schedule_after(std::chrono::seconds(interval), [this] {
    if (!tx_) return;
    tx_->sample_timer = 0;
    sample("Sample.Periodic", cp_.settings().get_list("meter_values_sampled_data"), true);
    schedule_sample();
  });
}

void Connector::sample(const std::string& context, const std::vector<std::string>& measurands, bool for_stop_data) {
  const auto reading = read_meter();
  if (!reading) return;
  const SystemTime at = cp_.now();
  MeterEvent ev{id_, make_sample(*reading, measurands, context, at)};
  if (tx_) tx_->last_wh = reading->energy_wh;
  MeterSample stop_sample;
  if (tx_ && for_stop_data) {
    const auto stop_measurands = cp_.settings().get_list(context == "Sample.Clock" ? "stop_txn_aligned_data"
                                                                                  : "stop_txn_sampled_data");
    stop_sample = make_sample(*reading, stop_measurands, context, at);
  }
  if (!ev.sample.values.empty() || !stop_sample.values.empty()) {
    try {
      // One commit for both: each fsync is a flash write (bench/RESULTS.md, bytes per hour).
      cp_.store().db().transaction([&] {
        if (!ev.sample.values.empty()) {
          cp_.record(OutboxKind::Meter, tx_ ? std::optional<std::int64_t>(tx_->pk) : std::nullopt, encode(ev),
                     tx_ ? std::optional<double>(reading->energy_wh) : std::nullopt);
        }
        if (!stop_sample.values.empty()) cp_.transactions().add_stop_sample(tx_->pk, stop_sample);
      });
      cp_.outbox().notify();
    } catch (const db::DbError& e) {
      log::error("core", name(id_) + ": meter sample not stored: " + e.what());
    }
  }
  check_cap(reading);
}

void Connector::aligned_sample() { sample("Sample.Clock", cp_.settings().get_list("meter_values_aligned_data"), true); }

std::optional<TransactionView> Connector::transaction_view() {
  if (!tx_) return std::nullopt;
  TransactionView v;
  v.pk = tx_->pk;
  if (auto rec = cp_.transactions().get(tx_->pk)) {
    v.csms_id = rec->csms_id;
    v.station_id = rec->station_id;
  }
  v.id_tag = tx_->id_tag;
  v.offline_code = tx_->offline_code;
  // What the transaction counts (counted_register()), without logging from a view.
  const auto reading = cp_.hal().connector(id_).read_meter();
  const double counted = reading ? std::max(tx_->last_wh, reading->energy_wh + tx_->register_offset_wh) : tx_->last_wh;
  v.energy_wh = counted - tx_->start_wh;
  return v;
}

std::optional<std::int64_t> Connector::transaction_pk() const {
  return tx_ ? std::optional<std::int64_t>(tx_->pk) : std::nullopt;
}

bool Connector::resume_after_power_loss(const TransactionRecord& record) {
  auto& hw = cp_.hal().connector(id_);
  if (hw.pilot() == hal::PilotState::A || !in_service() || error_ != ErrorCode::NoError || tx_) return false;
  auto reading = read_meter();
  if (!reading) return false;
  Transaction tx;
  tx.pk = record.pk;
  tx.id_tag = record.id_tag;
  tx.start_wh = record.meter_start_wh;  // the energy counted while we were down belongs to it
  tx.last_wh = record.last_register_wh;  // what its events already carried
  tx.offline_code = record.offline_code;
  tx.token_type = record.id_token_type;
  tx.authorized = !record.id_tag.empty();
  if (record.code_energy_cap_wh) tx.code_cap_wh = record.meter_start_wh + *record.code_energy_cap_wh;
  tx_ = std::move(tx);
  reading->energy_wh = counted_register(reading->energy_wh);
  power_closed_ = true;
  ev_connected_used_ = true;
  // The transaction goes on where it was: the hardware's state, read again at start, is no
  // milestone of it (settle_after_start() ends this).
  resuming_ = true;
  if (!hw.set_locked(true)) log::warn("core", name(id_) + ": the connector lock did not engage");
  hw.set_contactor(true);
  const bool offered = command_limit();
  log::warn("core", name(id_) + ": transaction " + std::to_string(record.pk) +
                        " was open at start (power loss or crash) and its EV is still plugged in: resumed at " +
                        std::to_string(reading->energy_wh) + " Wh");
  feed_ev_ready();  // Charging once the contactor's feedback says closed
  feed(offered ? ConnectorInput::EnergyOffered : ConnectorInput::EnergyWithheld);
  feed(ConnectorInput::TransactionStarted);
  show("Charging");
  schedule_sample();
  check_cap(reading);  // the cap may have been passed while the controller was down
  if (tx_) schedule_cap_check(reading);
  return true;
}

void Connector::settle_after_start() {
  if (!resuming_) return;
  resuming_ = false;
  if (tx_) tx_->recorded_state = fsm_.state().charging;
}

void Connector::close_after_power_loss(const TransactionRecord& record) {
  const auto reading = read_meter();
  // Never below what its events already carried (issue 14: a meter that restarted lower).
  const double stop_wh = std::max(record.last_register_wh, reading ? reading->energy_wh : record.last_register_wh);
  if (reading && reading->energy_wh < record.last_register_wh) {
    log::error("core", name(id_) + ": meter fault: the register reads " + std::to_string(reading->energy_wh) +
                           " Wh, below the " + std::to_string(record.last_register_wh) + " Wh transaction " +
                           std::to_string(record.pk) + " already reported; it stops at the latter");
  }
  cp_.close_after_power_loss(record, stop_wh);
}

}  // namespace ocpp::cp
