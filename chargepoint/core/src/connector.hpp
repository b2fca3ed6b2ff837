#pragma once
// One connector of the core: its state machine, its session (who is authorized) and its
// transaction, with the rules that start and stop transactions. Private to the core.
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/charge_point.hpp"
#include "ocpp/cp/connector_state_machine.hpp"

namespace ocpp::cp {

namespace connector_detail {
inline std::string name(ConnectorId id) { return "connector " + std::to_string(id); }
}  // namespace connector_detail
using connector_detail::name;

class Connector {
 public:
  // An authorized id waiting for its transaction (presented before the cable, or a remote start).
  struct Session {
    std::string id_tag;
    bool unverified = false;
    IdSource source = IdSource::Rfid;
    std::optional<double> code_cap_wh;  // the energy an offline code allows
    std::string token_type;             // empty: default_token_type(source)
    std::optional<std::int32_t> remote_start_id;
    std::optional<ChargingProfile> tx_profile;  // a remote start's profile for its transaction
    TimerId timeout = 0;
    std::optional<std::int32_t> reservation_id;  // the reservation its id may use here
  };

  // How often a stop that could not be recorded is tried again.
  static constexpr std::chrono::seconds kStopRetryInterval{10};

  Connector(ChargePoint& cp, ConnectorId id);
  // Cancels its timers: a core torn down while the loop lives on leaves nothing behind.
  ~Connector();
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  ConnectorId id() const { return id_; }
  ConnectorState state() const { return fsm_.state(); }
  ErrorCode error() const { return error_; }
  const std::string& error_info() const { return error_info_; }
  bool has_transaction() const { return tx_.has_value(); }
  bool idle() const { return !tx_ && !session_ && !authorizing_; }
  // A remote start may take it: free, or holding a transaction that waits for an id (2.0.1 F01
  // after TxStartPoint EVConnected).
  bool takes_remote_start() const;
  bool plugged() const { return plugged_; }
  // What the CSMS (ChangeAvailability, of the pile or the connector) last made it.
  bool operative() const { return operative_; }
  // A reservation holds it (reservation_book.cpp derives it): the Reserved input of the machine.
  void set_reserved(bool reserved);
  bool usable() const;
  std::optional<TransactionView> transaction_view();
  std::optional<std::int64_t> transaction_pk() const;

  void pilot(hal::PilotState state);
  // `done` (optional) learns whether the id was accepted, and why not. A remote start's own token
  // type and remoteStartId come with `remote`.
  void present(const std::string& id, IdSource source,
               std::function<void(bool accepted, const std::string& reason)> done = {},
               std::optional<Session> remote = std::nullopt);
  void stop_pressed();
  // A fault of this connector (code NoError: it cleared).
  void fault(ErrorCode code, const std::string& info);
  // A fault of the whole pile (connector 0), kept apart so that clearing one leaves the other.
  void pile_fault(ErrorCode code, const std::string& info);
  // The contactor's feedback (HalListener::on_power_path): Charging only once it says closed.
  void power_path(bool closed);
  // Smart charging's limit for now (ChargingLimits): the hardware gets it while the power path is
  // closed for a transaction whose energy is not withheld for another reason; 0 is SuspendedEVSE.
  void offer_limit(const OfferedLimit& limit);
  // A session authorized (by the chain, or by the CSMS's remote start): the transaction starts as soon
  // as the cable is there.
  void authorize_session(Session session);
  void stop(StopReason reason, const std::optional<std::string>& by = std::nullopt);
  void confirm_start(const IdTagInfo& info);
  void set_operative(bool operative);  // effective availability (pile and connector)
  // Another connector of the same EVSE is in use (charge_point.cpp, update_siblings).
  void set_sibling_busy(bool busy);
  // In service and taken: a session (cable, id, transaction, or one finishing) holds it.
  bool in_use() const;
  bool unlock();
  void sample(const std::string& context, const std::vector<std::string>& measurands, bool for_stop_data);
  void aligned_sample();
  // A transaction a power cut left open: stop it now (PowerLoss) with the meter's current register.
  void close_after_power_loss(const TransactionRecord& record);
  // The same transaction goes on, if its EV is still plugged in and the connector can charge;
  // false when it cannot (the caller then closes it).
  bool resume_after_power_loss(const TransactionRecord& record);
  // After the start-up's reading of the hardware: milestones count again from here.
  void settle_after_start();

 private:
  struct Transaction {
    std::int64_t pk = 0;
    std::string id_tag;
    double start_wh = 0;
    bool unverified = false;
    bool energy_withheld = false;
    std::optional<double> energy_cap_wh;  // register value: MaxEnergyOnInvalidId after a refused id
    bool offline_code = false;            // started with a code typed on the keypad
    std::optional<double> code_cap_wh;    // register value at which the code's energy cap stops it
    double last_wh = 0;                   // the highest register counted for the transaction
    double register_offset_wh = 0;        // added to the meter's register after it read lower (issue 14)
    ChargingState recorded_state = ChargingState::EVConnected;  // as the last start/update event said
    // 2.0.1 TxStartPoint EVConnected begins a transaction before anyone is authorized; the id
    // comes later (attach_session), or never (EVConnectionTimeOut).
    bool authorized = true;
    // A driver's stop that did not end it (TxStopPoint without Authorized): the power path is
    // open and the transaction waits for a stop point; why, and by whom.
    bool deauthorized = false;
    std::optional<StopReason> deauth_reason;
    std::optional<std::string> deauth_by;
    std::string token_type;
    TimerId sample_timer = 0;
    TimerId cap_timer = 0;
    TimerId timeout = 0;  // EVConnectionTimeOut while it waits for its cable or its id
  };

  // A stop that could not be recorded (storage full or failing). It is retried until it is, and
  // the connector starts nothing meanwhile, so that no later session's energy can end up in its
  // register at the next start (principle 7: nothing lost, nothing mixed up).
  struct PendingStop {
    std::int64_t pk = 0;
    double stop_wh = 0;
    SystemTime at{};
    StopReason reason = StopReason::Other;
    std::optional<std::string> by;
    std::string event;  // the encoded StopEvent
    TimerId retry = 0;
  };
  // Records the stop and its event in one transaction: nullopt when durable, else the fault info.
  std::optional<std::string> record_stop(const PendingStop& stop);
  void schedule_stop_retry();

  void feed(ConnectorInput input);
  // Runs `fn`, whose inputs make one event: the status is reported once, after the last of them.
  template <class Fn>
  void batched(Fn&& fn);
  void apply_pilot(hal::PilotState state);
  // The EV's readiness as the status machine sees it: while the core has the power path closed,
  // only once the contactor's feedback confirms it (issue 14).
  void feed_ev_ready();
  // connector_transaction.cpp: where transactions start and stop (TransactionRules' points).
  // `completed_by`: the milestone that may just have completed the start condition.
  void try_start(Milestone completed_by);
  bool starts_at(TxPoint p) const;
  bool stops_at(TxPoint p) const;
  bool authorized_now() const { return session_.has_value() || (tx_ && tx_->authorized && !tx_->deauthorized); }
  // Records the transaction and its start event (durably); false when it could not.
  bool begin_transaction(Milestone completed_by, const MeterReading& reading);
  // The pile's own id of a transaction (smart charging names Tx profiles by it).
  std::optional<std::string> station_id_of(std::int64_t pk);
  // The session's id becomes the (so far unauthorized) transaction's.
  void attach_session();
  void close_power_path(const MeterReading& reading);
  // Gives the hardware smart charging's limit for now; whether it offers any energy.
  bool command_limit();
  void open_power_path();
  // A stop of the driver (card, button, CSMS): ends the transaction, or only the authorization
  // when the rules' stop points say it goes on.
  bool ends_transaction(StopReason reason) const;
  void deauthorize(StopReason reason, const std::optional<std::string>& by);
  void end_transaction(StopReason reason, const std::optional<std::string>& by);
  void schedule_tx_timeout();
  void give_up_code_session();
  // What happens to a transaction when the cable leaves.
  void unplugged_during_transaction();
  // TransactionRules::record_milestones: an update event when the charging state moved on.
  void record_charging_state();
  void record_update(Milestone milestone);
  void end_session();
  // C16 master pass (connector.cpp).
  bool master_pass_configured() const;
  bool is_master_pass(const IdTagInfo& info) const;
  void present_to_busy_connector(const std::string& id, IdSource source,
                                 std::function<void(bool, const std::string&)> done);
  void use_master_pass(const std::string& id, const std::function<void(bool, const std::string&)>& done);
  void schedule_sample();
  void schedule_cap_check(const std::optional<MeterReading>& reading);
  // Stops the transaction at its code's energy cap; withholds energy once MaxEnergyOnInvalidId is
  // reached (or the meter cannot tell).
  void check_cap(const std::optional<MeterReading>& reading);
  // The nearest register value at which check_cap has something to do, if any.
  std::optional<double> next_limit() const;
  void apply_fault();
  void show(const std::string& text);
  // The meter's reading, with a transaction's register never going below what it counted.
  std::optional<MeterReading> read_meter();
  double counted_register(double raw_wh);
  std::optional<double> milestone_register();
  static constexpr double kRegisterTolerance = 0.01;  // Wh: below this a lower reading is rounding

  ChargePoint& cp_;
  ConnectorId id_;
  ConnectorStateMachine fsm_;
  ErrorCode error_ = ErrorCode::NoError;  // what is reported: own_error_, else pile_error_
  std::string error_info_;
  ErrorCode own_error_ = ErrorCode::NoError;
  std::string own_info_;
  ErrorCode pile_error_ = ErrorCode::NoError;
  std::string pile_info_;
  bool plugged_ = false;
  bool power_closed_ = false;
  bool power_confirmed_ = false;    // the contactor's feedback says closed
  bool resuming_ = false;           // a resumed transaction until settle_after_start()      // the contactor is (commanded) closed for a session
  bool ev_connected_used_ = false;  // this plug-in already began a transaction (TxStartPoint EVConnected)
  bool ev_ready_ = false;
  bool operative_ = true;
  bool sibling_busy_ = false;
  // Operative, and no other connector of its EVSE in use: the machine's Operative input.
  bool in_service() const { return operative_ && !sibling_busy_; }
  void service_changed(bool before);
  bool authorizing_ = false;
  bool reserved_ = false;
  // An accepted id at a reserved connector: its reservation, or a refusal (connector.cpp).
  bool refused_by_reservation(const std::string& id, const AuthDecision& d, std::optional<std::int32_t>& use);
  // Refused before authorizing: reserved for another id, and not for a group.
  bool reserved_for_others(const std::string& id);
  std::string reserved_reason() const;
  int batch_depth_ = 0;
  ConnectorState batch_from_;
  std::optional<Session> session_;
  std::optional<Transaction> tx_;
  std::optional<PendingStop> pending_stop_;
};

// Runs `fn`, whose inputs make one event: the status is reported once, after the last of them.
template <class Fn>
void Connector::batched(Fn&& fn) {
  if (batch_depth_++ == 0) batch_from_ = fsm_.state();
  try {
    fn();
  } catch (...) {
    --batch_depth_;
    throw;
  }
  if (--batch_depth_ == 0 && fsm_.state() != batch_from_) {
    cp_.connector_status_changed(id_);
    record_charging_state();
  }
}

}  // namespace ocpp::cp
