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

// Whether a connector can be used. Occupied: an EV is connected or a transaction runs (2.0.1 Part 2
// G01: ConnectorStatusEnumType; a driver's id authorized before the cable leaves it Available).
enum class Availability { Available, Occupied, Reserved, Unavailable, Faulted };
std::string_view to_string(Availability a);

// Where energy stands: Idle without an EV (also in a transaction that goes on after the cable left,
// 2.0.1 E10), EVConnected with an EV and no energy offered for a transaction, else whether it flows
// or which side holds it back.
enum class ChargingState { Idle, EVConnected, Charging, SuspendedEV, SuspendedEVSE };
std::string_view to_string(ChargingState c);

// Where the session on a connector stands, which neither of the two above says: a session being
// set up (a cable in, or an id authorized, no transaction yet), a transaction running, or one that
// has ended while the cable is still in.
enum class SessionPhase { None, Preparing, Transaction, Finishing };
std::string_view to_string(SessionPhase p);

// The state of a connector (or of the station, connector 0: only its availability), derived from its
// inputs by its state machine (connector_state_machine.hpp). Each adapter renders it in its version:
// 1.6 as one ChargePointStatus (§4.9), 2.0.1 as ConnectorStatusEnumType (G01) plus the
// transaction's chargingState (E01-E03).
struct ConnectorState {
  Availability availability = Availability::Available;
  ChargingState charging = ChargingState::Idle;
  SessionPhase session = SessionPhase::None;
  // The EVSE holds energy back (a current limit of 0, an id refused after an offline start), even
  // when no EV is there to be told (charging is then Idle).
  bool energy_withheld = false;

  bool operator==(const ConnectorState& o) const {
    return availability == o.availability && charging == o.charging && session == o.session &&
           energy_withheld == o.energy_withheld;
  }
  bool operator!=(const ConnectorState& o) const { return !(*this == o); }
};
// One word for people: the `status` of `ocpp-cpctl status`, log lines and refusals (Available,
// Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing, Reserved, Unavailable, Faulted).
// It names what the driver sees, most telling part first. 1.6 made its ChargePointStatus for the
// same purpose, so the 1.6 adapter reports this word (§4.9); 2.0.1 reports the parts.
std::string_view summary(const ConnectorState& s);
// The state as a line for logs: "Occupied, Charging, transaction".
std::string describe(const ConnectorState& s);

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
  MasterPass,   // 2.0.1 C16: a master pass stopped it (1.6 has no master pass: Other)
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
