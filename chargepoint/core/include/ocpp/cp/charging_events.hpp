#pragma once
// The version-neutral charging events that go through the outbox, and their JSON form in it.
// Measurand, unit, phase and context names are those both OCPP versions share
// ("Energy.Active.Import.Register", "Wh", "L1", "Sample.Periodic", ...).
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

struct StartEvent {
  ConnectorId connector = 0;
  std::string id_tag;
  double meter_start_wh = 0;
  SystemTime at{};
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
// Throw std::runtime_error on a payload that is not what its kind says (a bug or a corrupt row).
StartEvent decode_start(const std::string& payload);
MeterEvent decode_meter(const std::string& payload);
StopEvent decode_stop(const std::string& payload);

// The values of `measurands` (names as above) found in a meter reading. Unknown measurands and
// values the meter does not provide are left out.
MeterSample make_sample(const MeterReading& reading, const std::vector<std::string>& measurands,
                        const std::string& context, SystemTime at);

}  // namespace ocpp::cp
