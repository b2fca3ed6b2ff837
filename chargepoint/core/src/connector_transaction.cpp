// Where a connector's transactions start and stop (TransactionRules, charge_point.hpp). A session
// reaches its milestones in some order (cable, id, power path, energy); a transaction starts at the
// first of the rules' start points reached and ends when one of its stop points no longer holds
// (2.0.1 E01-E03 TxStartPoint / E06 TxStopPoint). 1.6's fixed rule is the default: start where the
// power path closes for an authorized id, stop when the id's authorization ends.
//
// Principle 4 either way: a transaction begun at or before PowerPathClosed is durable before the
// contactor closes; one that begins at EnergyTransfer is recorded the moment the EV draws (the
// contactor closed for an authorized driver a moment earlier, with no energy flowing yet).
#include <algorithm>

#include "connector.hpp"
#include "reservation_book.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

bool Connector::starts_at(TxPoint p) const { return cp_.rules().start_points.count(p) != 0; }
bool Connector::stops_at(TxPoint p) const { return cp_.rules().stop_points.count(p) != 0; }

bool Connector::takes_remote_start() const {
  if (!in_service() || error_ != ErrorCode::NoError || pending_stop_ || session_ || authorizing_) return false;
  return !tx_ || !tx_->authorized;
}

void Connector::try_start(Milestone completed_by) {
  if (pending_stop_ || !in_service() || error_ != ErrorCode::NoError) return;
  // A remote start stays a remote start when the cable comes after it (2.0.1: the first event
  // after RequestStartTransaction carries triggerReason RemoteStart).
  if (completed_by == Milestone::EvConnected && session_ && session_->source == IdSource::Remote) {
    completed_by = Milestone::RemoteStart;
  }
  const bool power_wanted = plugged_ && authorized_now();
  if (!tx_) {
    const bool energy = power_closed_ && ev_ready_;
    const bool start = (starts_at(TxPoint::EVConnected) && plugged_ && !ev_connected_used_) ||
                       (starts_at(TxPoint::Authorized) && session_) ||
                       (starts_at(TxPoint::PowerPathClosed) && power_wanted) ||
                       (starts_at(TxPoint::EnergyTransfer) && energy);
    const bool waits_for_energy = starts_at(TxPoint::EnergyTransfer) && power_wanted && !power_closed_;
    if (!start && !waits_for_energy) return;
    const auto reading = read_meter();
    if (!reading) {
      fault(ErrorCode::PowerMeterFailure, "meter does not answer");
      give_up_code_session();
      return;
    }
    if (!start) {
      // TxStartPoint EnergyTransfer only: the contactor closes for the driver, and the
      // transaction begins when the EV draws (pilot C, the next try_start).
      close_power_path(*reading);
      return;
    }
    if (energy) completed_by = Milestone::ChargingStateChanged;
    if (!begin_transaction(completed_by, *reading)) {
      give_up_code_session();
      return;
    }
  }
  if (power_wanted && !power_closed_) {
    const auto reading = read_meter();
    if (!reading) {
      fault(ErrorCode::PowerMeterFailure, "meter does not answer");
      give_up_code_session();
      return;
    }
    close_power_path(*reading);
  }
}

void Connector::give_up_code_session() {
  // A code's session that cannot start now ends, so that its code is free again (end_session):
  // the driver types it once the pile works, instead of holding a spent code. A card's session
  // waits for the fault to clear, as it always has.
  if (session_ && session_->source == IdSource::Keypad) {
    log::info("core", name(id_) + ": the code's session cannot start; the code is freed for a later try");
    end_session();
  }
}

std::optional<std::string> Connector::station_id_of(std::int64_t pk) {
  try {
    if (auto rec = cp_.transactions().get(pk)) return rec->station_id;
  } catch (const db::DbError& e) {
    // Its Tx profiles then neither start nor end with it; the station's limits still hold.
    log::error("core", name(id_) + ": transaction " + std::to_string(pk) + " cannot be read: " + e.what());
  }
  return std::nullopt;
}

bool Connector::begin_transaction(Milestone completed_by, const MeterReading& reading) {
  const SystemTime at = cp_.now();
  Transaction tx;
  tx.start_wh = reading.energy_wh;
  tx.last_wh = reading.energy_wh;
  tx.authorized = session_.has_value();
  std::optional<std::int32_t> remote_start_id;
  if (session_) {
    tx.id_tag = session_->id_tag;
    tx.unverified = session_->unverified;
    tx.offline_code = session_->source == IdSource::Keypad;
    tx.token_type = session_->token_type;
    if (session_->code_cap_wh) tx.code_cap_wh = tx.start_wh + *session_->code_cap_wh;
    remote_start_id = session_->remote_start_id;
  }
  // The charging state the transaction starts in: the power path closes right after this for an
  // authorized driver with the EV plugged in (1.6: always), else it waits.
  const bool power_follows = plugged_ && authorized_now();
  // Charging only once the contactor's feedback says closed (issue 14), which it cannot yet when
  // the transaction begins before the command (principle 4).
  const ChargingState state = power_closed_ || power_follows
                                  ? (ev_ready_ && power_confirmed_ ? ChargingState::Charging : ChargingState::SuspendedEV)
                                  : (plugged_ ? ChargingState::EVConnected : ChargingState::Idle);
  // Readings without values (StopTxnSampledData empty) are left out: a meter value needs one.
  const auto begin = make_sample(reading, cp_.settings().get_list("stop_txn_sampled_data"), "Transaction.Begin", at);
  // 1.6 §5.13, 2.0.1 H03: the transaction of a reservation's id uses it (if it still holds).
  std::optional<std::int32_t> reservation_id;
  if (session_ && session_->reservation_id && cp_.reservation_book().exists(*session_->reservation_id)) {
    reservation_id = session_->reservation_id;
  }
  TransactionStart record{id_, tx.id_tag, tx.token_type, tx.start_wh, at, tx.offline_code,
                          session_ ? session_->code_cap_wh : std::nullopt, remote_start_id, reservation_id,
                          cp_.rules().station_names_transactions};
  StartEvent event{id_, tx.id_tag, tx.start_wh, at, tx.token_type, completed_by, state, remote_start_id, {},
                   reservation_id};
  tx.recorded_state = state;
  auto started = make_sample(reading, cp_.settings().get_list("tx_started_measurands"), "Transaction.Begin", at);
  if (!started.values.empty()) event.data.push_back(std::move(started));
  try {
    cp_.store().db().transaction([&] {
      tx.pk = cp_.transactions().begin(record);
      cp_.record(OutboxKind::Start, tx.pk, encode(event));
      if (!begin.values.empty()) cp_.transactions().add_stop_sample(tx.pk, begin);
    });
  } catch (const db::DbError& e) {
    // A full disk refuses new transactions with a clear fault instead of charging unrecorded.
    log::error("core", name(id_) + ": cannot record the transaction, not starting: " + e.what());
    fault(ErrorCode::InternalError, e.disk_full() ? "storage full" : "storage error");
    return false;
  }
  if (session_ && session_->timeout != 0) cp_.loop().cancel(session_->timeout);
  std::optional<ChargingProfile> tx_profile = session_ ? std::move(session_->tx_profile) : std::nullopt;
  session_.reset();
  tx_ = std::move(tx);
  if (auto station_id = station_id_of(tx_->pk)) cp_.limits().transaction_started(id_, *station_id, std::move(tx_profile));
  ev_connected_used_ = plugged_;
  log::info("core", name(id_) + ": transaction " + std::to_string(tx_->pk) + " started" +
                        (tx_->id_tag.empty() ? std::string(" (no id yet)") : " for " + tx_->id_tag) + " at " +
                        std::to_string(tx_->start_wh) + " Wh (" + std::string(to_string(completed_by)) + ")");
  schedule_sample();
  schedule_tx_timeout();
  cp_.outbox().notify();
  if (reservation_id) cp_.reservation_book().used(*reservation_id);
  return true;
}

void Connector::attach_session() {
  if (!tx_ || !session_ || tx_->authorized) return;
  Session s = std::move(*session_);
  if (s.timeout != 0) cp_.loop().cancel(s.timeout);
  session_.reset();
  tx_->id_tag = s.id_tag;
  tx_->token_type = s.token_type;
  tx_->unverified = s.unverified;
  tx_->offline_code = s.source == IdSource::Keypad;
  tx_->authorized = true;
  if (s.code_cap_wh) tx_->code_cap_wh = tx_->last_wh + *s.code_cap_wh;
  if (tx_->timeout != 0) cp_.loop().cancel(tx_->timeout);
  tx_->timeout = 0;
  UpdateEvent ev{id_, cp_.now(), s.source == IdSource::Remote ? Milestone::RemoteStart : Milestone::Authorized,
                 fsm_.state().charging, s.id_tag, s.token_type, s.remote_start_id, std::nullopt,
                 milestone_register()};
  try {
    // The id and its milestone commit together: a restart finds the transaction with its driver.
    cp_.store().db().transaction([&] {
      cp_.transactions().set_id_tag(tx_->pk, s.id_tag, s.token_type, tx_->offline_code);
      cp_.record(OutboxKind::Update, tx_->pk, encode(ev), ev.register_wh);
    });
  } catch (const db::DbError& e) {
    log::error("core", name(id_) + ": the id of transaction " + std::to_string(tx_->pk) + " not stored: " + e.what());
  }
  log::info("core", name(id_) + ": transaction " + std::to_string(tx_->pk) + " authorized for " + s.id_tag);
  cp_.outbox().notify();
  // The reservation's id has arrived: the reservation is used (no start event is left to carry it).
  if (s.reservation_id) cp_.reservation_book().used(*s.reservation_id);
}

void Connector::close_power_path(const MeterReading& reading) {
  attach_session();
  power_closed_ = true;
  auto& hw = cp_.hal().connector(id_);
  if (!hw.set_locked(true)) log::warn("core", name(id_) + ": the connector lock did not engage");
  hw.set_contactor(true);
  // Smart charging's limit for now (charging_limits.hpp); 0 leaves the EV waiting (SuspendedEVSE).
  const bool offered = command_limit();
  feed_ev_ready();  // Charging once the contactor's feedback says closed (issue 14)
  // Energy is offered before the session shows, so that a previous transaction's withheld energy
  // never shows as a SuspendedEVSE of this one.
  feed(offered ? ConnectorInput::EnergyOffered : ConnectorInput::EnergyWithheld);
  feed(ConnectorInput::TransactionStarted);
  show("Charging");
  schedule_cap_check(reading);
}

void Connector::open_power_path() {
  // Not commanded closed any more before the feedback comes: an opening the core commands is no
  // status change of its own (the stop or deauthorization that asked for it is).
  power_closed_ = false;
  auto& hw = cp_.hal().connector(id_);
  hw.set_current_limit(0);
  hw.set_contactor(false);
}

void Connector::schedule_tx_timeout() {
  // 1.6 ConnectionTimeOut / 2.0.1 TxCtrlr.EVConnectionTimeOut: a transaction that waits for its
  // cable or its id waits this long (E03.FR.05: then it ends, triggerReason EVConnectTimeout).
  const auto timeout = std::chrono::seconds(cp_.settings().get_int("connection_timeout_s"));
  if (!tx_ || power_closed_ || timeout.count() <= 0 || (plugged_ && tx_->authorized)) return;
  if (tx_->timeout != 0) cp_.loop().cancel(tx_->timeout);
  tx_->timeout = cp_.loop().schedule_after(timeout, [this] {
    if (!tx_) return;
    tx_->timeout = 0;
    if (power_closed_) return;
    log::info("core", name(id_) + ": transaction " + std::to_string(tx_->pk) + " got no " +
                          (plugged_ ? "id" : "cable") + " within EVConnectionTimeOut; ending it");
    show("Timed out");
    end_transaction(StopReason::Timeout, std::nullopt);
  });
}

void Connector::stop(StopReason reason, const std::optional<std::string>& by) {
  if (!tx_) {
    if (power_closed_) open_power_path();  // TxStartPoint EnergyTransfer: closed, nothing drawn yet
    batched([&] {
      end_session();
      feed(ConnectorInput::TransactionStopped);
    });
    return;
  }
  if (ends_transaction(reason)) {
    end_transaction(reason, by);
  } else {
    deauthorize(reason, by);
  }
}

bool Connector::ends_transaction(StopReason reason) const {
  const bool drivers_stop = reason == StopReason::Local || reason == StopReason::Remote ||
                            reason == StopReason::DeAuthorized;
  // Everything else (a fault, a reset, a cap, an unlock, a timeout) ends it whatever the points.
  if (!drivers_stop || !tx_->authorized || tx_->deauthorized) return true;
  return stops_at(TxPoint::Authorized) || (power_closed_ && stops_at(TxPoint::PowerPathClosed)) ||
         (power_closed_ && stops_at(TxPoint::EnergyTransfer));
}

void Connector::deauthorize(StopReason reason, const std::optional<std::string>& by) {
  open_power_path();
  tx_->deauthorized = true;
  tx_->deauth_reason = reason;
  tx_->deauth_by = by;
  log::info("core", name(id_) + ": transaction " + std::to_string(tx_->pk) + " deauthorized (" +
                        std::string(to_string(reason)) + "); it ends at the next stop point");
  // The milestone says where energy stands now: the power path is open, the EV still there.
  UpdateEvent ev{id_, cp_.now(), Milestone::Deauthorized, plugged_ ? ChargingState::EVConnected : ChargingState::Idle,
                 std::nullopt, {}, std::nullopt, reason, milestone_register()};
  tx_->recorded_state = ev.charging_state;
  try {
    cp_.store().db().transaction([&] { cp_.record(OutboxKind::Update, tx_->pk, encode(ev), ev.register_wh); });
  } catch (const db::DbError& e) {
    log::error("core", name(id_) + ": milestone Deauthorized not stored: " + e.what());
  }
  batched([&] {
    end_session();
    feed(ConnectorInput::TransactionStopped);
    show("Session ended: unplug the cable");
  });
  cp_.outbox().notify();
}

void Connector::unplugged_during_transaction() {
  // 1.6 §3.7 StopTransactionOnEVSideDisconnect, 2.0.1 E10.FR.01 StopTxOnEVSideDisconnect and
  // TxStopPoint EVConnected: unplugging at the EV ends the transaction. So does it when the driver
  // already stopped (the transaction waited for this) or nobody was ever authorized. With
  // PowerPathClosed or EnergyTransfer as a stop point, the power path opens with the cable.
  const bool ends = cp_.settings().get_bool("stop_transaction_on_ev_side_disconnect") ||
                    stops_at(TxPoint::EVConnected) || tx_->deauthorized || !tx_->authorized ||
                    (power_closed_ && (stops_at(TxPoint::PowerPathClosed) || stops_at(TxPoint::EnergyTransfer)));
  if (ends) {
    end_transaction(tx_->deauth_reason.value_or(StopReason::EVDisconnected), tx_->deauth_by);
    return;
  }
  // Otherwise it goes on without its EV (1.6 SuspendedEV; 2.0.1 E10.FR.05: an Updated event,
  // triggerReason EVCommunicationLost).
  record_update(Milestone::EvDisconnected);
}

void Connector::end_transaction(StopReason reason, const std::optional<std::string>& by_given) {
  const std::optional<std::string> by = by_given ? by_given : tx_->deauth_by;
  if (power_closed_) open_power_path();
  auto& hw = cp_.hal().connector(id_);
  const auto reading = read_meter();
  const SystemTime at = cp_.now();
  // With no meter answer, the last register read for this transaction stands (never invented).
  double stop_wh = tx_->last_wh;
  std::vector<MeterSample> data;
  try {
    data = cp_.transactions().stop_samples(tx_->pk);
  } catch (const db::DbError& e) {
    log::error("core", name(id_) + ": the stop data of transaction " + std::to_string(tx_->pk) +
                           " cannot be read; the stop goes without it: " + e.what());
  }
  if (reading) {
    stop_wh = reading->energy_wh;
    auto end = make_sample(*reading, cp_.settings().get_list("stop_txn_sampled_data"), "Transaction.End", at);
    if (!end.values.empty()) data.push_back(std::move(end));
  }
  // Principle 4: the stop is durable before it is reported.
  PendingStop record{tx_->pk, stop_wh, at, reason, by, encode(StopEvent{id_, stop_wh, at, reason, by, data})};
  const auto failure = record_stop(record);
  if (failure) {
    log::error("core", name(id_) + ": the stop of transaction " + std::to_string(tx_->pk) +
                           " is retried every " + std::to_string(kStopRetryInterval.count()) +
                           " s; nothing starts on this connector until it is recorded");
    pending_stop_ = std::move(record);
  }
  log::info("core", name(id_) + ": transaction " + std::to_string(tx_->pk) + " stopped (" +
                        std::string(to_string(reason)) + ") at " + std::to_string(stop_wh) + " Wh, " +
                        std::to_string(stop_wh - tx_->start_wh) + " Wh delivered");
  for (TimerId t : {tx_->sample_timer, tx_->cap_timer, tx_->timeout}) {
    if (t != 0) cp_.loop().cancel(t);
  }
  const auto ended = station_id_of(tx_->pk);
  tx_.reset();
  if (ended) cp_.limits().transaction_ended(*ended);
  ev_connected_used_ = plugged_;
  // The end of the transaction and a change of availability it waited for are one status change
  // (1.6 §5.2: Charging -> Unavailable, without a Finishing that never held).
  batched([&] {
    end_session();
    feed(ConnectorInput::TransactionStopped);
    hw.set_locked(false);
    show(plugged_ ? "Session ended: unplug the cable" : "Available");
    if (failure) fault(ErrorCode::InternalError, *failure);
    cp_.availability_may_apply(id_);
  });
  if (failure) schedule_stop_retry();
  cp_.outbox().notify();
}

std::optional<std::string> Connector::record_stop(const PendingStop& stop) {
  try {
    cp_.store().db().transaction([&] {
      cp_.transactions().stop(stop.pk, stop.stop_wh, stop.at, stop.reason, stop.by);
      cp_.record(OutboxKind::Stop, stop.pk, stop.event);
      cp_.transactions().clear_stop_samples(stop.pk);  // they are in the stop event now
    });
    return std::nullopt;
  } catch (const db::DbError& e) {
    log::error("core", name(id_) + ": cannot record the stop of transaction " + std::to_string(stop.pk) + ": " +
                           e.what());
    return std::string(e.disk_full() ? "storage full" : "storage error");
  }
}

void Connector::schedule_stop_retry() {
  pending_stop_->retry = cp_.loop().schedule_after(kStopRetryInterval, [this] {
    if (!pending_stop_) return;
    pending_stop_->retry = 0;
    if (record_stop(*pending_stop_)) {
      schedule_stop_retry();
      return;
    }
    log::info("core", name(id_) + ": the stop of transaction " + std::to_string(pending_stop_->pk) + " is recorded now");
    pending_stop_.reset();
    cp_.outbox().notify();
    if (own_error_ == ErrorCode::InternalError) fault(ErrorCode::NoError, {});
  });
}

void Connector::confirm_start(const IdTagInfo& info) {
  if (!tx_ || info.status == AuthorizationStatus::Accepted) return;
  // 1.6 §3.5.3 / StopTransactionOnInvalidId: the CSMS refused the id of a running transaction.
  if (cp_.settings().get_bool("stop_transaction_on_invalid_id")) {
    log::warn("core", name(id_) + ": the CSMS refused " + tx_->id_tag + "; stopping (DeAuthorized)");
    stop(StopReason::DeAuthorized);
    return;
  }
  // Otherwise the transaction stays open without energy, but MaxEnergyOnInvalidId may still be
  // delivered in total.
  const auto max = cp_.settings().get_int("max_energy_on_invalid_id_wh");
  tx_->energy_cap_wh = tx_->start_wh + static_cast<double>(max > 0 ? max : 0);
  const auto reading = read_meter();
  check_cap(reading);
  // Checked on its own timer too: the periodic samples may be far apart, or disabled.
  schedule_cap_check(reading);
}

}  // namespace ocpp::cp
