#pragma once
// The state of one connector (ConnectorState, types.hpp), derived from its inputs. Nobody sets a
// state by hand: the hardware, the authorization and transaction rules and the CSMS report what
// changed, and the state machine (Boost.MSM, kept in connector_state_machine.cpp so that only one
// file pays its compile cost) is the state. Its nine leaf states are the situations a driver can
// tell apart; state() reads the version-neutral ConnectorState from the leaf and the inputs, and
// each adapter renders that in its version (1.6 §4.9 ChargePointStatus; 2.0.1 G01
// ConnectorStatusEnumType and E01 chargingState).
//
// Derivation, in priority order:
//   1. Faulted while a fault is present, whatever else holds.
//   2. Unavailable while inoperative and no transaction runs.
//   3. A running transaction: Charging (energy offered, EV ready), SuspendedEV (energy offered, EV
//      not ready or unplugged), SuspendedEVSE (energy withheld).
//   4. No transaction: Finishing after a transaction stopped while the cable stays plugged (until it
//      is removed), else Preparing while plugged or while a session is authorized, else Reserved while
//      reserved, else Available.
// The leaf gives the availability (Faulted, Unavailable, Reserved, Available; Occupied for the
// others while an EV is there or a transaction runs) and the charging state; the session phase and
// the EVSE's withholding come from the inputs, so a fault during a transaction still tells it.
//
// How each input is read (inputs are levels, not counts, so a repeated input changes nothing):
//   - EvReady / EvSuspended (control pilot C / B) mean something only while plugged: they are
//     ignored while unplugged, and Unplugged (pilot A) makes the EV not ready.
//   - SessionAuthorized is a session waiting for its transaction (id presented before the cable).
//     TransactionStarted consumes it, so it is ignored while a transaction runs. It also ends
//     Finishing: a new user's session starts (1.6 §4.9, Finishing -> Preparing).
//   - TransactionStarted also ends the reservation (1.6 §5.13: the reservation is used by the
//     transaction of its id tag); a ReservationEnded still arriving afterwards is harmless.
//   - FaultRaised / FaultCleared say whether any fault is present; a caller that tracks several
//     error codes raises on the first and clears when the last one is gone.
//   - Inoperative during a transaction (1.6 §5.2 answers "Scheduled"; the caller normally sends the
//     input only when the change takes effect): the connector keeps the transaction's status, and
//     becomes Unavailable as soon as the transaction stops, even with the cable still plugged
//     (rule 2 outranks Finishing). If it is made operative again before the cable is removed, it
//     shows Finishing.
#include <memory>
#include <string_view>

#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

// One change of one input of a connector.
enum class ConnectorInput {
  Plugged,             // control pilot leaves A: a cable/EV is connected
  Unplugged,           // control pilot A
  EvReady,             // control pilot C while plugged: the EV asks for energy
  EvSuspended,         // control pilot B while plugged: the EV does not
  SessionAuthorized,   // an id was authorized, no transaction yet (e.g. waiting for the cable)
  SessionEnded,        // that authorization ended without a transaction (ConnectionTimeOut, cancel)
  TransactionStarted,  // a transaction runs on this connector
  TransactionStopped,  // it stopped
  EnergyOffered,       // the EVSE offers energy (the default)
  EnergyWithheld,      // it does not: id refused after an offline start, current limit 0, ...
  Operative,           // ChangeAvailability Operative (the default)
  Inoperative,         // ChangeAvailability Inoperative, when it takes effect
  Reserved,            // a reservation holds this connector
  ReservationEnded,    // it expired, was cancelled or was used
  FaultRaised,         // a fault is present
  FaultCleared,        // no fault is present any more
};
std::string_view to_string(ConnectorInput input);

// The status machine of one connector. Not thread-safe: it lives on the event loop (DESIGN
// principle 2). A moved-from machine may only be assigned to or destroyed.
class ConnectorStateMachine {
 public:
  // Starts Available: unplugged, operative, no fault, energy offered, nothing authorized or reserved.
  ConnectorStateMachine();
  ~ConnectorStateMachine();
  ConnectorStateMachine(ConnectorStateMachine&&) noexcept;
  ConnectorStateMachine& operator=(ConnectorStateMachine&&) noexcept;
  ConnectorStateMachine(const ConnectorStateMachine&) = delete;
  ConnectorStateMachine& operator=(const ConnectorStateMachine&) = delete;

  // Feeds one input; returns the state afterwards. An input that changes nothing is harmless.
  ConnectorState process(ConnectorInput input);
  ConnectorState state() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ocpp::cp
