#pragma once
// The vocabulary shared by the hardware drivers and the charge point core.
#include <optional>
#include <string_view>

namespace ocpp::hal {

// 1..N: a connector (1.6) or an EVSE with one connector (2.0.1). 0: the whole charge point.
using ConnectorId = int;

// Hardware fault classes (1.6 ChargePointErrorCode; 2.0.1 reports them through NotifyEvent).
enum class ErrorCode {
  NoError,
  ConnectorLockFailure,
  EVCommunicationError,
  GroundFailure,
  HighTemperature,
  InternalError,
  LocalListConflict,
  OtherError,
  OverCurrentFailure,
  OverVoltage,
  PowerMeterFailure,
  PowerSwitchFailure,
  ReaderFailure,
  ResetFailure,
  UnderVoltage,
  WeakSignal,
};
std::string_view to_string(ErrorCode e);
bool from_string(std::string_view text, ErrorCode& out);

// One reading of a connector's meter. Energy is the monotonic import register.
struct MeterReading {
  double energy_wh = 0;
  std::optional<double> power_w;
  std::optional<double> current_a[3];
  std::optional<double> voltage_v[3];
  std::optional<double> soc_percent;
};

}  // namespace ocpp::hal
