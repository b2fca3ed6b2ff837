#pragma once
// The version-neutral charging events that go through the outbox, and their JSON form in it.
// Measurand, unit, phase and context names are those both OCPP versions share
// ("Energy.Active.Import.Register", "Wh", "L1", "Sample.Periodic", ...).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

struct SampledValue {
  std::string measurand;  // e.g. "Energy.Active.Import.Register"
  double value = 0;
  std::string unit;       // "Wh", "W", "A", "V", "Percent"
  std::optional<std::string> phase;  // "L1", "L2", "L3", "L1-N", ...
};

struct MeterSample {
  SystemTime at{};
  std::string context;  // "Sample.Periodic", "Sample.Clock", "Transaction.Begin", "Transaction.End", "Trigger"
  std::vector<SampledValue> values;
};

// The milestone of a session that made an event (2.0.1 triggerReason; 1.6 sends none).
enum class Milestone {
  EvConnected,           // the cable was plugged in
  EvDisconnected,        // the cable was pulled out at the EV
  Authorized,            // a driver's id was accepted
  RemoteStart,           // the CSMS started it (its id is authorized)
  ChargingStateChanged,  // energy began to flow, or was suspended by the EV or the EVSE
  Deauthorized,          // the driver's authorization ended (a stop) while the transaction goes on
};
std::string_view to_string(Milestone m);

struct StartEvent {
  ConnectorId connector = 0;
  std::string id_tag;
  double meter_start_wh = 0;
  SystemTime at{};
  std::string id_token_type;                    // default_token_type(), or a remote start's own
  Milestone milestone = Milestone::Authorized;  // the one that completed the start condition
  ChargingState charging_state = ChargingState::EVConnected;
  std::optional<std::int32_t> remote_start_id;
  std::vector<MeterSample> data;                // the readings named by tx_started_measurands
  // The reservation this transaction used (1.6 StartTransaction.reservationId, 2.0.1
  // TransactionEvent Started reservationId).
  std::optional<std::int32_t> reservation_id;
};

// A milestone within a running transaction (recorded when TransactionRules::record_milestones).
struct UpdateEvent {
  ConnectorId connector = 0;
  SystemTime at{};
  Milestone milestone = Milestone::ChargingStateChanged;
  ChargingState charging_state = ChargingState::Charging;
  // Authorized within a transaction begun without an id (TxStartPoint EVConnected): who, and how.
  std::optional<std::string> id_tag;
  std::string id_token_type;
  std::optional<std::int32_t> remote_start_id;
  // Deauthorized: why (Local, Remote, DeAuthorized).
  std::optional<StopReason> reason;
  // The meter at that moment (the energy register, Wh), when it answered.
  std::optional<double> register_wh;
};

struct MeterEvent {
  ConnectorId connector = 0;
  MeterSample sample;
};

struct StopEvent {
  ConnectorId connector = 0;
  double meter_stop_wh = 0;
  SystemTime at{};
  StopReason reason = StopReason::Local;
  std::optional<std::string> id_tag;  // who stopped it, when someone did
  std::vector<MeterSample> data;      // StopTxnSampledData / StopTxnAlignedData readings
};

std::string encode(const StartEvent& e);
std::string encode(const MeterEvent& e);
std::string encode(const StopEvent& e);
std::string encode(const UpdateEvent& e);
// Throw std::runtime_error on a payload that is not what its kind says (a bug or a corrupt row).
StartEvent decode_start(const std::string& payload);
MeterEvent decode_meter(const std::string& payload);
StopEvent decode_stop(const std::string& payload);
UpdateEvent decode_update(const std::string& payload);

// The values of `measurands` (names as above) found in a meter reading. Unknown measurands and
// values the meter does not provide are left out.
MeterSample make_sample(const MeterReading& reading, const std::vector<std::string>& measurands,
                        const std::string& context, SystemTime at);

}  // namespace ocpp::cp
