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

// What a connector is doing, in detail: the status machine's output (connector_state_machine.hpp).
// It tells apart the moments of a session a driver sees (preparing, charging, suspended by the EV or
// by the pile, finishing). The 1.6 adapter reports it as it is (ChargePointStatus has the same
// values); the 2.0.1 adapter reports availability_of() and charging_state_of() below.
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

// Whether a connector can be used (2.0.1 ConnectorStatusEnumType and AvailabilityState; 1.6 has no
// such coarse view). Occupied: a cable is plugged in or a transaction runs.
enum class Availability { Available, Occupied, Reserved, Unavailable, Faulted };
std::string_view to_string(Availability a);
Availability availability_of(ConnectorStatus status, bool plugged);

// Where energy stands in a session (2.0.1 ChargingStateEnumType).
enum class ChargingState { Idle, EVConnected, Charging, SuspendedEV, SuspendedEVSE };
std::string_view to_string(ChargingState c);
ChargingState charging_state_of(ConnectorStatus status, bool plugged);

// Why a transaction stopped: the union of 1.6 Reason and 2.0.1 ReasonEnumType that this pile can
// cause. Each adapter spells it in its version (1.6 has no Timeout or StoppedByEV: Other; 2.0.1 has
// no HardReset or SoftReset: ImmediateReset).
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
  Timeout,      // 2.0.1 EVConnectionTimeOut: authorized, but no EV within the time allowed
  StoppedByEV,  // 2.0.1: the EV ended the session
  Other,        // keep last: readers loop up to it
};
std::string_view to_string(StopReason r);

enum class AuthorizationStatus { Accepted, Blocked, Expired, Invalid, ConcurrentTx };
std::string_view to_string(AuthorizationStatus s);
bool from_string(std::string_view text, AuthorizationStatus& out);

// Where an identifier came from: a card at the RFID reader, digits typed on the keypad, or a request of
// the CSMS (1.6 RemoteStartTransaction, 2.0.1 RequestStartTransaction).
enum class IdSource { Rfid, Keypad, Remote };

// The kind of an identifier, in 2.0.1 IdTokenEnumType spelling (1.6 has plain idTags and sends only
// the id). A card is ISO14443, a keypad code KeyCode; a remote start says its own type.
std::string default_token_type(IdSource source);

// What the CSMS (or the local list, or the cache) says of an id tag.
struct IdTagInfo {
  AuthorizationStatus status = AuthorizationStatus::Invalid;
  std::optional<SystemTime> expiry;
  std::optional<std::string> parent_id_tag;
};

}  // namespace ocpp::cp
