#pragma once
// The version-neutral core of the charge point (DESIGN.md "How data flows"): hardware events come
// in (hal::HalListener), CSMS commands come in from the protocol adapter, and the core decides:
// connector state machines, the authorization chain, transaction rules, metering, availability.
// It drives the hardware, stores charging events in the outbox, and reports statuses through
// CsmsLink. Everything runs on the event loop thread.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/charging_events.hpp"
#include "ocpp/cp/charging_limits.hpp"
#include "ocpp/cp/outbox.hpp"
#include "ocpp/cp/ports.hpp"
#include "ocpp/cp/reservations.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/store.hpp"
#include "ocpp/cp/topology.hpp"
#include "ocpp/cp/transactions.hpp"
#include "ocpp/hal/hal.hpp"

namespace ocpp::cp {

class Connector;
class Reservations;

enum class AvailabilityAnswer { Accepted, Rejected, Scheduled };
enum class UnlockAnswer { Unlocked, UnlockFailed, NotSupported };

struct TransactionView {
  std::int64_t pk = 0;
  std::string station_id;
  std::optional<std::string> csms_id;
  std::string id_tag;
  double energy_wh = 0;  // delivered so far
  bool offline_code = false;
};

struct ConnectorView {
  ConnectorId id = 0;
  ConnectorState state;
  bool plugged = false;
  ErrorCode error = ErrorCode::NoError;
  std::optional<TransactionView> transaction;
};

// The moments of a session at which a transaction may start or stop (2.0.1 TxStartPoint and
// TxStopPoint, Part 2 E01-E03; 1.6 has one fixed rule, see TransactionRules). DataSigned and
// ParkingBayOccupancy need hardware this pile does not have.
enum class TxPoint {
  EVConnected,      // the cable is plugged in
  Authorized,       // a driver's id (or the CSMS's remote start) is accepted
  PowerPathClosed,  // both, and the contactor closes
  EnergyTransfer,   // energy flows: the EV draws
};
std::string_view to_string(TxPoint p);
bool from_string(std::string_view text, TxPoint& out);

// How the protocol in use wants transactions recorded; the adapter sets them before start(). A rule
// here is a difference of protocol the core serves without knowing which protocol it is.
struct TransactionRules {
  // A transaction starts at the first of `start_points` reached, and stops when any of `stop_points`
  // no longer holds (2.0.1 E01/E06). The defaults are 1.6's fixed rule: a transaction is the
  // authorized delivery of energy (StartTransaction when the contactor closes for an authorized
  // id, StopTransaction when the id ends it); StopTransactionOnEVSideDisconnect adds the cable.
  std::set<TxPoint> start_points{TxPoint::PowerPathClosed};
  std::set<TxPoint> stop_points{TxPoint::Authorized};
  // 2.0.1: the station names its transactions (transactionId made by the pile) and the CSMS knows
  // them by that name at once. 1.6: the CSMS assigns an id in StartTransaction.conf.
  bool station_names_transactions = false;
  // 2.0.1 TransactionEvent Updated: each milestone within a transaction (charging state changed, EV
  // disconnected) is an outbox event. 1.6 has no message for them.
  bool record_milestones = false;
};

// A remote start (1.6 RemoteStartTransaction, 2.0.1 RequestStartTransaction).
struct RemoteStartRequest {
  std::optional<ConnectorId> connector;  // none: the first free one
  std::string id_tag;
  std::string id_token_type = "Central";
  std::optional<std::int32_t> remote_start_id;
  // 1.6 §5.11 chargingProfile, 2.0.1 K05: a Tx profile for the transaction this start begins,
  // already checked by the adapter (ChargingLimits::install's rules).
  std::optional<ChargingProfile> profile;
};

class ChargePoint final : public hal::HalListener {
 public:
  ChargePoint(EventLoop& loop, Store& store, hal::Hal& hal, Settings& settings, IdAuthorization& auth,
              CsmsLink& csms);
  ~ChargePoint() override;
  ChargePoint(const ChargePoint&) = delete;
  ChargePoint& operator=(const ChargePoint&) = delete;

  // Restores availability; a transaction a crash or power cut left open is resumed (when
  // `resume_open_transactions` and its cable is still in) or stopped with PowerLoss, and either
  // way reported once; starts metering. Call once, after wiring.
  void start(bool resume_open_transactions = false);

  // --- hardware (hal::HalListener) ---
  void on_pilot_changed(ConnectorId connector, hal::PilotState state) override;
  void on_id_presented(ConnectorId connector, const std::string& id_tag) override;
  void on_code_entered(ConnectorId connector, const std::string& code) override;
  void on_stop_pressed(ConnectorId connector) override;
  void on_fault(ConnectorId connector, ErrorCode code, const std::string& info) override;
  void on_power_path(ConnectorId connector, bool closed) override;

  // An id or code presented through the control socket (an HMI), with the outcome reported.
  void present(ConnectorId connector, const std::string& id, IdSource source,
               std::function<void(bool accepted, const std::string& reason)> done);

  // --- the CSMS, through the protocol adapter ---
  // RemoteStartTransaction / RequestStartTransaction: true when accepted (1.6 §5.11, 2.0.1 F01).
  bool remote_start(const RemoteStartRequest& request);
  bool remote_start(std::optional<ConnectorId> connector, const std::string& id_tag) {
    return remote_start(RemoteStartRequest{connector, id_tag, "Central", std::nullopt, std::nullopt});
  }
  // RemoteStopTransaction / RequestStopTransaction: true when such a transaction runs. The id is the
  // one the CSMS knows it by (TransactionRecord::csms_id).
  bool remote_stop(const std::string& csms_transaction_id);
  AvailabilityAnswer change_availability(ConnectorId connector, bool operative);
  UnlockAnswer unlock(ConnectorId connector);
  // ReserveNow (1.6 §5.13, 2.0.1 H01): a reservation with the id of an existing one replaces it.
  ReserveAnswer reserve(const Reservation& reservation);
  // CancelReservation (1.6 §5.1, 2.0.1 H02): false when no reservation has this id.
  bool cancel_reservation(std::int32_t reservation_id);
  // The reservations in force, oldest first.
  std::vector<Reservation> reservations() const;
  // Stops every running transaction with `reason` (durably; reported when the link allows), `by`
  // the id that asked when one did; returns how many it stopped.
  int stop_all(StopReason reason, const std::optional<std::string>& by = std::nullopt);
  // Stops every transaction with SoftReset/HardReset, then calls `then` (the daemon restarts).
  void reset(bool hard, std::function<void()> then);
  // The CSMS assigned its transactionId (1.6 StartTransaction.conf) and judged the id tag.
  void start_confirmed(std::int64_t transaction_pk, const std::string& csms_id, const IdTagInfo& info);
  // Sends the status of connector 0 and of every connector (after registration, TriggerMessage).
  void report_statuses();
  // 1.6 §3.5.3: a CSMS answer about `id_tag` contradicts the local list.
  void local_list_conflict(const std::string& id_tag);
  // Sends the connector's status when it differs from the last one sent, or always with `force`.
  void report_status(ConnectorId connector, bool force = false);
  // A meter sample now, with context Trigger (TriggerMessage MeterValues).
  void trigger_meter_values(std::optional<ConnectorId> connector);

  // --- views ---
  int connector_count() const { return static_cast<int>(connectors_.size()); }
  bool valid_connector(ConnectorId id) const { return id >= 1 && id <= connector_count(); }
  std::vector<ConnectorView> view();
  // The state of a connector (0: the pile as a whole, whose availability alone means something).
  ConnectorState state(ConnectorId id) const;
  Availability availability(ConnectorId id) const { return state(id).availability; }
  // What the pile is made of: N EVSEs of one connector each until told otherwise. Connectors of one
  // EVSE share its power path: one in use puts the others out of service. Throws
  // std::invalid_argument when the topology's connectors are not the hardware's.
  void set_topology(Topology topology);
  const Topology& topology() const { return topology_; }
  const TransactionRules& rules() const { return rules_; }
  void set_rules(const TransactionRules& rules) { rules_ = rules; }
  // Appends an outbox event, marked offline when the CSMS cannot hear of it now (2.0.1 `offline`).
  // Call inside the db transaction that records what it is about.
  std::int64_t record(OutboxKind kind, std::optional<std::int64_t> transaction_pk, const std::string& payload,
                      std::optional<double> register_wh = std::nullopt) {
    return outbox_.append(kind, transaction_pk, payload, !csms_.online(), register_wh);
  }
  Outbox& outbox() { return outbox_; }
  TransactionStore& transactions() { return transactions_; }
  Settings& settings() { return settings_; }
  EventLoop& loop() { return loop_; }
  // Smart charging: the installed profiles and the limits they put on each connector.
  ChargingLimits& limits() { return *limits_; }
  // The open transaction on a connector, as stored.
  std::optional<TransactionRecord> running_transaction(ConnectorId id);
  // ChargingLimits: what connector `id` may draw now.
  void offer_limit(ConnectorId id, const OfferedLimit& limit);

  // Used by Connector and Reservations.
  Connector& connector(ConnectorId id) { return *connectors_.at(static_cast<std::size_t>(id - 1)); }
  Reservations& reservation_book() { return *reservations_; }
  void connector_status_changed(ConnectorId id);
  void availability_may_apply(ConnectorId id);
  hal::Hal& hal() { return hal_; }
  Store& store() { return store_; }
  IdAuthorization& authorization() { return auth_; }
  CsmsLink& csms() { return csms_; }
  bool pile_operative() const { return pile_operative_; }
  SystemTime now() const { return loop_.clock().system_now(); }
  // The transaction was started with a code typed on the keypad: its IdTagInfo never goes to the
  // authorization cache (single use, see authorizer.cpp).
  // Records the PowerLoss stop of a transaction a crash or power cut left open (durably, once).
  void close_after_power_loss(const TransactionRecord& record, double stop_wh);

 private:
  void persist_availability(ConnectorId id, bool operative, std::optional<bool> pending);
  // What the CSMS last asked of one connector (true when it never asked).
  bool connector_flag(ConnectorId id);
  void load_availability();
  void schedule_aligned_sample();
  ConnectorState pile_state() const;
  void update_siblings(ConnectorId changed);
  void report_after_minimum_duration(ConnectorId id);

  EventLoop& loop_;
  Store& store_;
  hal::Hal& hal_;
  Settings& settings_;
  IdAuthorization& auth_;
  CsmsLink& csms_;
  TransactionStore transactions_;
  Outbox outbox_;
  std::vector<std::unique_ptr<Connector>> connectors_;
  bool pile_operative_ = true;
  std::optional<bool> pile_pending_;
  ErrorCode pile_error_ = ErrorCode::NoError;
  std::string pile_info_;  // the reason of pile_error_, reported on connector 0 too (issue 14)
  TimerId aligned_timer_ = 0;
  TransactionRules rules_;
  Topology topology_;
  std::map<ConnectorId, std::pair<ConnectorState, ErrorCode>> reported_;
  std::map<ConnectorId, TimerId> status_timers_;
  std::unique_ptr<Reservations> reservations_;  // reservations.cpp
  std::unique_ptr<ChargingLimits> limits_;  // last: its timer goes before the rest
};

}  // namespace ocpp::cp
