#pragma once
// The version-neutral vocabulary of the charge point core. The 1.6 and 2.0.1 adapters map these to
// their own messages; nothing here is named after one version's wire format.
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/common/clock.hpp"
#include "ocpp/hal/types.hpp"

namespace ocpp::cp {

// The hardware's vocabulary (hal/types.hpp) is the core's too.
using hal::ConnectorId;
using hal::ErrorCode;
using hal::MeterReading;

// What a connector is doing, as a driver and the CSMS see it (1.6 ChargePointStatus; the 2.0.1
// adapter maps it to ConnectorStatusEnumType plus TransactionEvent chargingState).
enum class ConnectorStatus {
  Available,
  Preparing,
  Charging,
  SuspendedEV,
  SuspendedEVSE,
  Finishing,
  Reserved,
  Unavailable,
  Faulted,
};
std::string_view to_string(ConnectorStatus s);

// Why a transaction stopped (1.6 Reason; 2.0.1 ReasonEnumType has the same values and more).
enum class StopReason {
  Local,
  Remote,
  EVDisconnected,
  DeAuthorized,
  EmergencyStop,
  HardReset,
  SoftReset,
  Reboot,
  PowerLoss,
  UnlockCommand,
  EnergyLimitReached,
  TimeLimitReached,
  Other,
};
std::string_view to_string(StopReason r);

enum class AuthorizationStatus { Accepted, Blocked, Expired, Invalid, ConcurrentTx };
std::string_view to_string(AuthorizationStatus s);
bool from_string(std::string_view text, AuthorizationStatus& out);

// What the CSMS (or the local list, or the cache) says of an id tag.
struct IdTagInfo {
  AuthorizationStatus status = AuthorizationStatus::Invalid;
  std::optional<SystemTime> expiry;
  std::optional<std::string> parent_id_tag;
};

}  // namespace ocpp::cp
