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
  Connector(ChargePoint& cp, ConnectorId id);

  ConnectorId id() const { return id_; }
  ConnectorStatus status() const { return fsm_.status(); }
  ErrorCode error() const { return error_; }
  const std::string& error_info() const { return error_info_; }
  bool has_transaction() const { return tx_.has_value(); }
  bool idle() const { return !tx_ && !session_ && !authorizing_; }
  bool usable() const;
  std::optional<TransactionView> transaction_view();
  std::optional<std::int64_t> transaction_pk() const;

  void pilot(hal::PilotState state);
  // `done` (optional) learns whether the id was accepted, and why not.
  void present(const std::string& id, IdSource source,
               std::function<void(bool accepted, const std::string& reason)> done = {});
  void stop_pressed();
  void fault(ErrorCode code, const std::string& info);
  // A session authorized by the CSMS (remote start): starts as soon as the cable is there.
  void authorize_session(const std::string& id_tag, bool unverified);
  void stop(StopReason reason, const std::optional<std::string>& by = std::nullopt);
  void confirm_start(const IdTagInfo& info);
  void set_operative(bool operative);  // effective availability (pile and connector)
  bool unlock();
  void sample(const std::string& context, const std::vector<std::string>& measurands, bool for_stop_data);
  void aligned_sample();
  // A transaction a power cut left open: stop it now (PowerLoss) with the meter's current register.
  void close_after_power_loss(const TransactionRecord& record);

 private:
  struct Session {
    std::string id_tag;
    bool unverified = false;
    TimerId timeout = 0;
  };
  struct Transaction {
    std::int64_t pk = 0;
    std::string id_tag;
    double start_wh = 0;
    bool unverified = false;
    bool energy_withheld = false;
    std::optional<double> energy_cap_wh;  // MaxEnergyOnInvalidId after a refused id
    std::vector<MeterSample> stop_data;
    TimerId sample_timer = 0;
  };

  void feed(ConnectorInput input);
  void try_start();
  void start_transaction();
  void end_session();
  void schedule_sample();
  void show(const std::string& text);
  std::optional<MeterReading> read_meter();

  ChargePoint& cp_;
  ConnectorId id_;
  ConnectorStateMachine fsm_;
  ErrorCode error_ = ErrorCode::NoError;
  std::string error_info_;
  bool plugged_ = false;
  bool ev_ready_ = false;
  bool operative_ = true;
  bool authorizing_ = false;
  std::optional<Session> session_;
  std::optional<Transaction> tx_;
};

}  // namespace ocpp::cp
