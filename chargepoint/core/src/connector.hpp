#pragma once
// One connector of the core: its state machine, its session (who is authorized) and its
// transaction, with the rules that start and stop transactions. Private to the core.
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/charge_point.hpp"
#include "ocpp/cp/connector_state_machine.hpp"

namespace ocpp::cp {

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
    TimerId timeout = 0;
  };

  Connector(ChargePoint& cp, ConnectorId id);
  // Cancels its timers: a core torn down while the loop lives on leaves nothing behind.
  ~Connector();
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  ConnectorId id() const { return id_; }
  ConnectorStatus status() const { return fsm_.status(); }
  ErrorCode error() const { return error_; }
  const std::string& error_info() const { return error_info_; }
  bool has_transaction() const { return tx_.has_value(); }
  bool idle() const { return !tx_ && !session_ && !authorizing_; }
  bool plugged() const { return plugged_; }
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
  // A session authorized (by the chain, or by the CSMS's remote start): the transaction starts as soon
  // as the cable is there.
  void authorize_session(Session session);
  void stop(StopReason reason, const std::optional<std::string>& by = std::nullopt);
  void confirm_start(const IdTagInfo& info);
  void set_operative(bool operative);  // effective availability (pile and connector)
  bool unlock();
  void sample(const std::string& context, const std::vector<std::string>& measurands, bool for_stop_data);
  void aligned_sample();
  // A transaction a power cut left open: stop it now (PowerLoss) with the meter's current register.
  void close_after_power_loss(const TransactionRecord& record);
  // The same transaction goes on, if its EV is still plugged in and the connector can charge;
  // false when it cannot (the caller then closes it).
  bool resume_after_power_loss(const TransactionRecord& record);

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
    double last_wh = 0;                   // the last register read during the transaction
    ChargingState recorded_state = ChargingState::EVConnected;  // as the last start/update event said
    TimerId sample_timer = 0;
    TimerId cap_timer = 0;
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
  // `completed_by`: the milestone that may just have completed the start condition.
  void try_start(Milestone completed_by);
  void start_transaction(Milestone completed_by);
  // TransactionRules::record_milestones: an update event when the charging state moved on.
  void record_charging_state();
  void record_update(Milestone milestone);
  void end_session();
  void schedule_sample();
  void schedule_cap_check(const std::optional<MeterReading>& reading);
  // Stops the transaction at its code's energy cap; withholds energy once MaxEnergyOnInvalidId is
  // reached (or the meter cannot tell).
  void check_cap(const std::optional<MeterReading>& reading);
  // The nearest register value at which check_cap has something to do, if any.
  std::optional<double> next_limit() const;
  void apply_fault();
  void show(const std::string& text);
  std::optional<MeterReading> read_meter();

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
  bool ev_ready_ = false;
  bool operative_ = true;
  bool authorizing_ = false;
  int batch_depth_ = 0;
  ConnectorStatus batch_from_ = ConnectorStatus::Available;
  std::optional<Session> session_;
  std::optional<Transaction> tx_;
  std::optional<PendingStop> pending_stop_;
};

}  // namespace ocpp::cp
