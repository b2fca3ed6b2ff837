#include "ocpp/cp/charge_point.hpp"

#include <ctime>
#include <stdexcept>

#include "connector.hpp"
#include "reservation_book.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::cp {

namespace {
constexpr std::pair<TxPoint, std::string_view> kTxPoints[] = {
    {TxPoint::EVConnected, "EVConnected"},
    {TxPoint::Authorized, "Authorized"},
    {TxPoint::PowerPathClosed, "PowerPathClosed"},
    {TxPoint::EnergyTransfer, "EnergyTransfer"},
};
}  // namespace

std::string_view to_string(TxPoint p) {
  for (const auto& [value, name] : kTxPoints) {
    if (value == p) return name;
  }
  return "?";
}

bool from_string(std::string_view text, TxPoint& out) {
  for (const auto& [value, name] : kTxPoints) {
    if (name == text) {
      out = value;
      return true;
    }
  }
  return false;
}

ChargePoint::ChargePoint(EventLoop& loop, Store& store, hal::Hal& hal, Settings& settings, IdAuthorization& auth,
                         CsmsLink& csms)
    : loop_(loop),
      store_(store),
      hal_(hal),
      settings_(settings),
      auth_(auth),
      csms_(csms),
      transactions_(store.db()),
      outbox_(store.db()),
      topology_(Topology::uniform(hal.connector_count())) {
  for (ConnectorId id = 1; id <= hal.connector_count(); ++id) connectors_.push_back(std::make_unique<Connector>(*this, id));
  reservations_ = std::make_unique<Reservations>(*this);
  limits_ = std::make_unique<ChargingLimits>(*this);
}

std::optional<TransactionRecord> ChargePoint::running_transaction(ConnectorId id) {
  if (!valid_connector(id)) return std::nullopt;
  const auto pk = connectors_[static_cast<std::size_t>(id - 1)]->transaction_pk();
  if (!pk) return std::nullopt;
  return transactions_.get(*pk);
}

void ChargePoint::offer_limit(ConnectorId id, const OfferedLimit& limit) {
  if (valid_connector(id)) connectors_[static_cast<std::size_t>(id - 1)]->offer_limit(limit);
}

void ChargePoint::set_topology(Topology topology) {
  if (topology.connector_count() != connector_count()) {
    throw std::invalid_argument("the topology has " + std::to_string(topology.connector_count()) +
                                " connectors, the hardware " + std::to_string(connector_count()));
  }
  topology_ = std::move(topology);
  for (const auto& c : connectors_) update_siblings(c->id());
  limits_->changed();  // the EVSEs' maximum power may be another
}

void ChargePoint::update_siblings(ConnectorId changed) {
  const auto where = topology_.located(changed);
  if (!where) return;
  const EvseInfo* evse = topology_.evse(where->first);
  if (evse == nullptr || evse->connectors.size() < 2) return;
  // Each connector of the EVSE is out of service while another one of it is in use. A connector
  // taken out this way is not in use itself, so two cables plugged at once leave the first one
  // in service and the second one out, and the rule settles.
  for (const auto& c : evse->connectors) {
    const ConnectorId id = *topology_.flat(evse->id, c.id);
    bool other_in_use = false;
    for (const auto& o : evse->connectors) {
      const ConnectorId other = *topology_.flat(evse->id, o.id);
      if (other != id && connectors_[static_cast<std::size_t>(other - 1)]->in_use()) other_in_use = true;
    }
    connectors_[static_cast<std::size_t>(id - 1)]->set_sibling_busy(other_in_use);
  }
}

ChargePoint::~ChargePoint() {
  if (aligned_timer_ != 0) loop_.cancel(aligned_timer_);
  for (auto& [id, timer] : status_timers_) loop_.cancel(timer);
}

void ChargePoint::start(bool resume_open_transactions) {
  load_availability();
  // Transactions a crash or power cut left open: resumed where the EV is still plugged in (by
  // configuration), else closed now, once, with reason PowerLoss and the meter's register (the
  // hardware kept counting while we were down).
  for (const auto& record : transactions_.open_transactions()) {
    if (valid_connector(record.connector)) {
      auto& c = *connectors_[static_cast<std::size_t>(record.connector - 1)];
      if (!resume_open_transactions || !c.resume_after_power_loss(record)) c.close_after_power_loss(record);
    } else {
      // A connector this pile no longer has (reconfigured): no meter to read, so the last
      // register recorded for it; never left open and unreported (principle 4).
      close_after_power_loss(record, record.last_register_wh);
    }
  }
  // The hardware may already be in a state (a cable left plugged across the restart).
  for (auto& c : connectors_) {
    c->pilot(hal_.connector(c->id()).pilot());
    c->settle_after_start();
  }
  // Once the connectors' states are known: a reservation whose connector is now out of service
  // ends, and those kept show Reserved again (2.0.1 B11: a reservation outlives a reset).
  reservations_->start();
  schedule_aligned_sample();
  settings_.on_change([this](std::string_view name, const std::string&) {
    if (name == "clock_aligned_data_interval_s") schedule_aligned_sample();
    if (name == "nominal_voltage_v") limits_->changed();
  });
  limits_->changed();  // the profiles stored before the restart apply from now on
  outbox_.notify();
}

ConnectorState ChargePoint::state(ConnectorId id) const {
  if (id == 0) return pile_state();
  return connectors_.at(static_cast<std::size_t>(id - 1))->state();
}

ConnectorState ChargePoint::pile_state() const {
  // The station as a whole (1.6 §4.9 connector 0; 2.0.1 ChargingStation.AvailabilityState): no
  // session of its own, only Available, Unavailable or Faulted.
  ConnectorState s;
  if (pile_error_ != ErrorCode::NoError) {
    s.availability = Availability::Faulted;
  } else if (!pile_operative_) {
    s.availability = Availability::Unavailable;
  }
  return s;
}

// --- hardware ---

void ChargePoint::on_pilot_changed(ConnectorId connector, hal::PilotState state) {
  if (valid_connector(connector)) connectors_[static_cast<std::size_t>(connector - 1)]->pilot(state);
}

void ChargePoint::on_id_presented(ConnectorId connector, const std::string& id_tag) {
  if (valid_connector(connector)) connectors_[static_cast<std::size_t>(connector - 1)]->present(id_tag, IdSource::Rfid);
}

void ChargePoint::on_code_entered(ConnectorId connector, const std::string& code) {
  if (valid_connector(connector)) connectors_[static_cast<std::size_t>(connector - 1)]->present(code, IdSource::Keypad);
}

void ChargePoint::on_stop_pressed(ConnectorId connector) {
  if (valid_connector(connector)) connectors_[static_cast<std::size_t>(connector - 1)]->stop(StopReason::Local);
}

void ChargePoint::on_fault(ConnectorId connector, ErrorCode code, const std::string& info) {
  if (connector == 0) {
    pile_error_ = code;
    pile_info_ = code == ErrorCode::NoError ? std::string() : info;
    // A pile-wide fault stops every connector; clearing it leaves each connector's own fault.
    for (auto& c : connectors_) c->pile_fault(code, info);
    connector_status_changed(0);
    return;
  }
  if (valid_connector(connector)) connectors_[static_cast<std::size_t>(connector - 1)]->fault(code, info);
}

void ChargePoint::on_power_path(ConnectorId connector, bool closed) {
  if (valid_connector(connector)) connectors_[static_cast<std::size_t>(connector - 1)]->power_path(closed);
}

void ChargePoint::present(ConnectorId connector, const std::string& id, IdSource source,
                          std::function<void(bool accepted, const std::string& reason)> done) {
  if (!valid_connector(connector)) {
    done(false, "connector " + std::to_string(connector) + " does not exist (this pile has " +
                    std::to_string(connector_count()) + ")");
    return;
  }
  connectors_[static_cast<std::size_t>(connector - 1)]->present(id, source, std::move(done));
}

// --- CSMS commands ---

bool ChargePoint::remote_start(const RemoteStartRequest& request) {
  const auto& connector = request.connector;
  Connector* target = nullptr;
  if (connector) {
    if (!valid_connector(*connector)) return false;
    target = connectors_[static_cast<std::size_t>(*connector - 1)].get();
  } else {
    for (auto& c : connectors_) {
      // Not one held for another id's reservation.
      const bool mine = !reservations_->held(c->id()) || reservations_->usable_by(c->id(), request.id_tag, std::nullopt);
      if (c->takes_remote_start() && mine) {
        target = c.get();
        break;
      }
    }
  }
  // 1.6 §5.11: a connector with a transaction, or with another id authorized or being authorized
  // (a driver waiting to plug in), is not free: the driver keeps it. 2.0.1 F01: a transaction that
  // began with the cable and waits for an id takes the remote start's.
  if (target == nullptr || !target->takes_remote_start() || !pile_operative_) return false;
  // 1.6 §5.13, 2.0.1 H03: a reserved connector starts only for its reservation's id.
  const auto reservation = reservations_->usable_by(target->id(), request.id_tag, std::nullopt);
  if (!reservation && reservations_->held(target->id())) return false;
  Connector::Session session;
  session.reservation_id = reservation;
  session.id_tag = request.id_tag;
  session.source = IdSource::Remote;
  session.token_type = request.id_token_type;
  session.remote_start_id = request.remote_start_id;
  session.tx_profile = request.profile;
  // 1.6 §5.11 AuthorizeRemoteTxRequests, 2.0.1 F01.FR.01 AuthorizeRemoteStart: authorize first, or
  // trust the CSMS's own request.
  if (settings_.get_bool("authorize_remote_start")) {
    target->present(request.id_tag, IdSource::Remote, {}, session);
  } else {
    target->authorize_session(std::move(session));
  }
  return true;
}

bool ChargePoint::remote_stop(const std::string& csms_transaction_id) {
  const auto record = transactions_.find_by_csms_id(csms_transaction_id);
  if (!record || !record->open() || !valid_connector(record->connector)) return false;
  auto& c = *connectors_[static_cast<std::size_t>(record->connector - 1)];
  if (c.transaction_pk() != record->pk) return false;
  c.stop(StopReason::Remote);
  return true;
}

AvailabilityAnswer ChargePoint::change_availability(ConnectorId connector, bool operative) {
  if (connector != 0 && !valid_connector(connector)) return AvailabilityAnswer::Rejected;
  bool busy = false;
  for (auto& c : connectors_) {
    if ((connector == 0 || c->id() == connector) && c->has_transaction()) busy = true;
  }
  // 1.6 §5.2: a change that would interrupt a transaction is Scheduled and applied when it ends;
  // either way it is persisted so that it holds across restarts.
  if (operative) busy = false;  // becoming operative interrupts nothing, so it never waits
  if (connector == 0) {
    if (busy) {
      pile_pending_ = operative;
      persist_availability(0, pile_operative_, operative);
      // The connectors that are free go out of service now: otherwise a new session could start
      // on one of them while the pile waits, and the pile might never become Unavailable. Only
      // the running transactions are waited for (1.6 §5.2).
      for (auto& c : connectors_) {
        if (!c->has_transaction()) c->set_operative(false);
      }
      return AvailabilityAnswer::Scheduled;
    }
    pile_pending_.reset();
    pile_operative_ = operative;
    persist_availability(0, operative, std::nullopt);
    for (auto& c : connectors_) c->set_operative(operative && connector_flag(c->id()));
    connector_status_changed(0);
    return AvailabilityAnswer::Accepted;
  }
  if (busy) {
    persist_availability(connector, true, operative);
    return AvailabilityAnswer::Scheduled;
  }
  persist_availability(connector, operative, std::nullopt);
  connectors_[static_cast<std::size_t>(connector - 1)]->set_operative(operative && pile_operative_);
  return AvailabilityAnswer::Accepted;
}

void ChargePoint::availability_may_apply(ConnectorId id) {
  // A change that was Scheduled takes effect when the transaction it waited for has ended.
  auto st = store_.db().prepare("SELECT pending FROM availability WHERE connector_id=?1 AND pending IS NOT NULL");
  st.bind(1, id);
  if (st.step()) {
    const bool operative = st.int64(0) != 0;
    persist_availability(id, operative, std::nullopt);
    connectors_[static_cast<std::size_t>(id - 1)]->set_operative(operative && pile_operative_);
  }
  if (pile_pending_) {
    // This connector's transaction was one the pile waited for: it goes out of service now.
    auto& ended = *connectors_[static_cast<std::size_t>(id - 1)];
    if (!*pile_pending_ && !ended.has_transaction()) ended.set_operative(false);
    for (auto& c : connectors_) {
      if (c->has_transaction()) return;
    }
    change_availability(0, *pile_pending_);
  }
}

bool ChargePoint::connector_flag(ConnectorId id) {
  auto st = store_.db().prepare("SELECT operative FROM availability WHERE connector_id=?1");
  st.bind(1, id);
  return !st.step() || st.int64(0) != 0;
}

void ChargePoint::persist_availability(ConnectorId id, bool operative, std::optional<bool> pending) {
  store_.db()
      .prepare("INSERT INTO availability(connector_id, operative, pending) VALUES(?1, ?2, ?3) "
               "ON CONFLICT(connector_id) DO UPDATE SET operative=?2, pending=?3")
      .bind(1, id)
      .bind(2, operative ? 1 : 0)
      .bind(3, pending ? std::optional<std::int64_t>(*pending ? 1 : 0) : std::nullopt)
      .run();
}

void ChargePoint::load_availability() {
  auto st = store_.db().prepare("SELECT connector_id, operative, pending FROM availability ORDER BY connector_id");
  while (st.step()) {
    const auto id = static_cast<ConnectorId>(st.int64(0));
    // A change still pending at a restart applies now: the transaction it waited for is over.
    const bool operative = st.is_null(2) ? st.int64(1) != 0 : st.int64(2) != 0;
    if (id == 0) {
      pile_operative_ = operative;
    } else if (valid_connector(id)) {
      connectors_[static_cast<std::size_t>(id - 1)]->set_operative(operative);
    }
  }
  store_.db().exec("UPDATE availability SET operative=COALESCE(pending, operative), pending=NULL");
  if (!pile_operative_) {
    for (auto& c : connectors_) c->set_operative(false);
  }
}

ReserveAnswer ChargePoint::reserve(const Reservation& reservation) { return reservations_->reserve(reservation); }

bool ChargePoint::cancel_reservation(std::int32_t reservation_id) { return reservations_->cancel(reservation_id); }

std::vector<Reservation> ChargePoint::reservations() const { return reservations_->all(); }

UnlockAnswer ChargePoint::unlock(ConnectorId connector) {
  if (!valid_connector(connector)) return UnlockAnswer::NotSupported;
  return connectors_[static_cast<std::size_t>(connector - 1)]->unlock() ? UnlockAnswer::Unlocked
                                                                         : UnlockAnswer::UnlockFailed;
}

int ChargePoint::stop_all(StopReason reason, const std::optional<std::string>& by) {
  int stopped = 0;
  for (auto& c : connectors_) {
    if (!c->has_transaction()) continue;
    c->stop(reason, by);
    ++stopped;
  }
  return stopped;
}

void ChargePoint::reset(bool hard, std::function<void()> then) {
  stop_all(hard ? StopReason::HardReset : StopReason::SoftReset);
  // The stops are durable now; the restart may happen.
  loop_.post(std::move(then));
}

void ChargePoint::start_confirmed(std::int64_t transaction_pk, const std::string& csms_id, const IdTagInfo& info) {
  transactions_.set_csms_id(transaction_pk, csms_id);
  const auto record = transactions_.get(transaction_pk);
  if (!record) return;
  // 1.6 §3.5.1: the IdTagInfo updates what we know of the id, except for a keypad code, which is
  // single use and never cached (authorizer.cpp).
  if (auth_.remember(record->id_tag, info, record->offline_code ? IdSource::Keypad : IdSource::Rfid)) {
    local_list_conflict(record->id_tag);
  }
  if (record->open() && valid_connector(record->connector)) {
    auto& c = *connectors_[static_cast<std::size_t>(record->connector - 1)];
    if (c.transaction_pk() == transaction_pk) c.confirm_start(info);
  }
}

void ChargePoint::close_after_power_loss(const TransactionRecord& record, double stop_wh) {
  const SystemTime at = now();
  // The readings taken before the power cut are in the store: the stop carries them.
  StopEvent ev{record.connector, stop_wh, at, StopReason::PowerLoss, std::nullopt, transactions_.stop_samples(record.pk)};
  store_.db().transaction([&] {
    transactions_.stop(record.pk, stop_wh, at, StopReason::PowerLoss, std::nullopt);
    this->record(OutboxKind::Stop, record.pk, encode(ev));
    transactions_.clear_stop_samples(record.pk);
  });
  log::warn("core", "connector " + std::to_string(record.connector) + ": transaction " + std::to_string(record.pk) +
                        " was open at start (power loss or crash); stopped with PowerLoss at " +
                        std::to_string(stop_wh) + " Wh");
}

// --- status reporting ---

void ChargePoint::connector_status_changed(ConnectorId id) {
  // What the reservations hold follows the connectors' states (reservation_book.cpp).
  if (reservations_) reservations_->refresh();
  report_after_minimum_duration(id);
  // Then the other connectors of its EVSE, so that the CSMS hears of the cause first.
  if (id != 0) update_siblings(id);
}

void ChargePoint::report_after_minimum_duration(ConnectorId id) {
  const auto minimum = settings_.get_int("minimum_status_duration_s");
  const auto it = status_timers_.find(id);
  if (it != status_timers_.end()) {
    loop_.cancel(it->second);
    status_timers_.erase(it);
  }
  if (minimum <= 0) {
    report_status(id);
    return;
  }
  // 1.6 MinimumStatusDuration: a status is reported only once it has held that long.
  status_timers_[id] = loop_.schedule_after(std::chrono::seconds(minimum), [this, id] {
    status_timers_.erase(id);
    report_status(id);
  });
}

void ChargePoint::report_status(ConnectorId id, bool force) {
  const ConnectorState s = state(id);
  ErrorCode e = pile_error_;
  std::string info = pile_info_;
  if (id != 0) {
    const auto& c = *connectors_[static_cast<std::size_t>(id - 1)];
    e = c.error();
    info = c.error_info();
  }
  const auto previous = reported_.find(id);
  // Changes only, unless asked (1.6 §5.17: a triggered StatusNotification is sent even unchanged).
  if (!force && previous != reported_.end() && previous->second == std::make_pair(s, e)) return;
  reported_[id] = {s, e};
  log::info("core", "connector " + std::to_string(id) + " is " + std::string(summary(s)) + " (" + describe(s) + ")" +
                        (e == ErrorCode::NoError ? "" : " (" + std::string(to_string(e)) + ")"));
  csms_.send_status(id, s, e, info, now());
}

void ChargePoint::local_list_conflict(const std::string& id_tag) {
  // 1.6 §3.5.3: the charge point SHOULD send StatusNotification for connector 0 with errorCode
  // LocalListConflict. It is an event, not a state: the next change of the pile reports NoError
  // again (reported_ remembers the conflict so that it is a change).
  const ConnectorState s = state(0);
  reported_[0] = {s, ErrorCode::LocalListConflict};
  log::warn("core", "local list conflict for " + id_tag + ": reported to the CSMS");
  csms_.send_status(0, s, ErrorCode::LocalListConflict, "id " + id_tag.substr(0, 40), now());
}

void ChargePoint::report_statuses() {
  reported_.clear();
  report_status(0);
  for (auto& c : connectors_) report_status(c->id());
}

// --- metering ---

void ChargePoint::trigger_meter_values(std::optional<ConnectorId> connector) {
  for (auto& c : connectors_) {
    if (!connector || *connector == 0 || c->id() == *connector) {
      c->sample("Trigger", settings_.get_list("meter_values_sampled_data"), false);
    }
  }
}

void ChargePoint::schedule_aligned_sample() {
  if (aligned_timer_ != 0) loop_.cancel(aligned_timer_);
  aligned_timer_ = 0;
  const auto interval = settings_.get_int("clock_aligned_data_interval_s");
  if (interval <= 0) return;
  // 1.6 ClockAlignedDataInterval: samples at whole multiples of the interval since midnight (UTC).
  const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(now().time_since_epoch()).count();
  const long long period_ms = interval * 1000;
  const long long wait = period_ms - (since_epoch % (24LL * 3600 * 1000)) % period_ms;
  aligned_timer_ = loop_.schedule_after(std::chrono::milliseconds(wait), [this] {
    aligned_timer_ = 0;
    for (auto& c : connectors_) c->aligned_sample();
    schedule_aligned_sample();
  });
}

std::vector<ConnectorView> ChargePoint::view() {
  std::vector<ConnectorView> out;
  for (auto& c : connectors_) {
    ConnectorView v;
    v.id = c->id();
    v.state = c->state();
    v.plugged = c->plugged();
    v.error = c->error();
    v.transaction = c->transaction_view();
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace ocpp::cp
