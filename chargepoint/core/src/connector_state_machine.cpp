// The connector status machine in Boost.MSM (functor front-end). This is the only file that includes
// MSM: build-notes, "Boost.MSM compile cost". Boost 1.74's MSM needs C++17 with GCC 12.
//
// Shape (each state names what the header's rules derive; rule numbers are those of the header):
//
//   Connector                      rules 1-2, and which of 3 or 4 applies
//   |- Derive (choice)             anonymous transitions, one per rule, mutually exclusive
//   |- Faulted                     rule 1
//   |- Unavailable                 rule 2
//   |- Idle (submachine)           rule 4: Derive (choice), Available, Preparing, Reserved, Finishing
//   `- InTransaction (submachine)  rule 3: Derive (choice), Charging, SuspendedEV, SuspendedEVSE
//
// Events are the inputs. The machine keeps the level of every input in an Inputs record; process()
// records the new level first and then dispatches the event, so every guard reads the inputs as
// they are after the change. A transition whose target is fixed by the rules (Available + Plugged
// -> Preparing) goes there directly; one whose target depends on the other inputs (FaultCleared,
// Operative, TransactionStopped, Unplugged from Preparing, ...) goes to its machine's Derive choice,
// whose guarded anonymous transitions pick the status. Entering a submachine starts at its Derive
// choice, so Idle and InTransaction always open on the status their inputs give.
//
// MSM tries the rows of one source and event one after the other until a guard accepts; the guards
// of each choice exclude one another, so the order of the rows does not matter.
#include "ocpp/cp/connector_state_machine.hpp"

#include <array>
#include <stdexcept>
#include <utility>

// MSM 1.74 includes two headers that Boost itself deprecates and would print a note for each on
// every build: boost/detail/no_exceptions_support.hpp, and boost/bind.hpp whose global _1, _2
// placeholders MSM's back-end uses. Both only silence the note.
#define BOOST_ALLOW_DEPRECATED_HEADERS
#define BOOST_BIND_GLOBAL_PLACEHOLDERS
#include <boost/version.hpp>
// Boost 1.85 and 1.86: MSM's front/states.hpp uses fusion::result_of::insert_range without including
// its header (boostorg/msm#94, included again from 1.87 on). Yocto releases may ship those Boosts,
// Debian 12 has 1.74. Included first, so that no order of MSM's own headers can trip over it.
#if BOOST_VERSION >= 108500
#include <boost/fusion/include/insert_range.hpp>
#endif
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>

namespace ocpp::cp {
namespace {

namespace msmb = boost::msm::back;
namespace msmf = boost::msm::front;
namespace mpl = boost::mpl;

// The level of each input, as last reported. The guards read it; nothing outside this file does.
struct Inputs {
  bool plugged = false;
  bool ev_ready = false;
  bool authorized = false;  // a session waits for its transaction
  bool transaction = false;
  bool finishing = false;  // a transaction stopped and the cable has not been removed since
  bool energy_offered = true;
  bool operative = true;
  bool reserved = false;
  bool fault = false;

  void record(ConnectorInput input) {
    switch (input) {
      case ConnectorInput::Plugged:
        plugged = true;
        break;
      case ConnectorInput::Unplugged:
        plugged = false;
        ev_ready = false;   // pilot A: no EV, so none that is ready
        finishing = false;  // 1.6 §4.9: Finishing until the cable is removed
        break;
      case ConnectorInput::EvReady:
        ev_ready = plugged;  // pilot C needs a plugged EV; a stale report while unplugged is ignored
        break;
      case ConnectorInput::EvSuspended:
        ev_ready = false;
        break;
      case ConnectorInput::SessionAuthorized:
        if (!transaction) {  // during a transaction the session is the transaction's
          authorized = true;
          finishing = false;  // 1.6 §4.9: a new user restarts a session, Finishing -> Preparing
        }
        break;
      case ConnectorInput::SessionEnded:
        authorized = false;  // 1.6 §4.9: ConnectionTimeOut or cancelled, Preparing -> Available
        break;
      case ConnectorInput::TransactionStarted:
        if (!transaction) {
          transaction = true;
          authorized = false;  // the session became this transaction
          reserved = false;    // 1.6 §5.13: the reservation ends when its id tag starts a transaction
          finishing = false;
        }
        break;
      case ConnectorInput::TransactionStopped:
        if (transaction) {
          transaction = false;
          finishing = plugged;  // 1.6 §4.9: Finishing while the cable is still plugged
        }
        break;
      case ConnectorInput::EnergyOffered:
        energy_offered = true;
        break;
      case ConnectorInput::EnergyWithheld:
        energy_offered = false;
        break;
      case ConnectorInput::Operative:
        operative = true;
        break;
      case ConnectorInput::Inoperative:
        operative = false;
        break;
      case ConnectorInput::Reserved:
        reserved = true;
        break;
      case ConnectorInput::ReservationEnded:
        reserved = false;
        break;
      case ConnectorInput::FaultRaised:
        fault = true;
        break;
      case ConnectorInput::FaultCleared:
        fault = false;
        break;
    }
  }
};

// The rules as guards. Within each group they exclude one another, in the header's priority order.
using Rule = bool (*)(const Inputs&);

// Connector: rules 1 and 2, then which of 3 or 4.
bool faulted(const Inputs& in) { return in.fault; }  // rule 1: whatever else holds
bool unavailable(const Inputs& in) {                 // rule 2; 1.6 §5.2: a running transaction keeps its status
  return !in.fault && !in.operative && !in.transaction;
}
bool in_transaction(const Inputs& in) { return !in.fault && in.transaction; }
bool idle(const Inputs& in) { return !in.fault && in.operative && !in.transaction; }

// InTransaction: rule 3.
bool charging(const Inputs& in) { return in.energy_offered && in.ev_ready; }
bool suspended_ev(const Inputs& in) { return in.energy_offered && !in.ev_ready; }  // pilot B, or unplugged
bool suspended_evse(const Inputs& in) { return !in.energy_offered; }

// Idle: rule 4.
bool finishing(const Inputs& in) { return in.finishing; }
bool preparing(const Inputs& in) { return !in.finishing && (in.plugged || in.authorized); }
bool reserved(const Inputs& in) { return !in.finishing && !in.plugged && !in.authorized && in.reserved; }
bool available(const Inputs& in) { return !in.finishing && !in.plugged && !in.authorized && !in.reserved; }

template <Rule R>
struct If {
  template <class Event, class Fsm, class Source, class Target>
  bool operator()(const Event&, Fsm& fsm, Source&, Target&) const {
    return R(*fsm.inputs);
  }
};

// Events: one per input.
namespace ev {
struct Plugged {};
struct Unplugged {};
struct EvReady {};
struct EvSuspended {};
struct SessionAuthorized {};
struct SessionEnded {};
struct TransactionStarted {};
struct TransactionStopped {};
struct EnergyOffered {};
struct EnergyWithheld {};
struct Operative {};
struct Inoperative {};
struct Reserved {};
struct ReservationEnded {};
struct FaultRaised {};
struct FaultCleared {};
}  // namespace ev

// States: one per status, plus each machine's Derive choice (left at once by an anonymous transition).
namespace st {
struct Derive : msmf::state<> {};
struct Available : msmf::state<> {};
struct Preparing : msmf::state<> {};
struct Reserved : msmf::state<> {};
struct Finishing : msmf::state<> {};
struct Charging : msmf::state<> {};
struct SuspendedEV : msmf::state<> {};
struct SuspendedEVSE : msmf::state<> {};
struct Unavailable : msmf::state<> {};
struct Faulted : msmf::state<> {};
}  // namespace st

using msmf::none;
using msmf::Row;

template <class Derived>
struct MachineDef : msmf::state_machine_def<Derived> {
  using no_exception_thrown = int;  // the guards do not throw: no try/catch around each event
  using no_message_queue = int;     // nothing is posted from inside a transition
  using initial_state = st::Derive;

  // An input that changes nothing in the current state is harmless (e.g. Unplugged twice).
  template <class Fsm, class Event>
  void no_transition(const Event&, Fsm&, int) {}

  const Inputs* inputs = nullptr;  // owned by the top machine
};

// Rule 4: no transaction runs, operative, no fault.
struct IdleDef : MachineDef<IdleDef> {
  struct transition_table
      : mpl::vector<
            //  source          event                  target          action  guard
            Row<st::Derive,    none,                  st::Finishing,  none,   If<finishing>>,
            Row<st::Derive,    none,                  st::Preparing,  none,   If<preparing>>,
            Row<st::Derive,    none,                  st::Reserved,   none,   If<reserved>>,
            Row<st::Derive,    none,                  st::Available,  none,   If<available>>,
            // 1.6 §4.9: usage initiated by a cable or an id
            Row<st::Available, ev::Plugged,           st::Preparing,  none,   none>,
            Row<st::Available, ev::SessionAuthorized, st::Preparing,  none,   none>,
            Row<st::Available, ev::Reserved,          st::Reserved,   none,   none>,
            // 1.6 §4.9: the reserved id (or its cable) arrives; the reservation ends
            Row<st::Reserved,  ev::Plugged,           st::Preparing,  none,   none>,
            Row<st::Reserved,  ev::SessionAuthorized, st::Preparing,  none,   none>,
            Row<st::Reserved,  ev::ReservationEnded,  st::Available,  none,   none>,
            // 1.6 §4.9: intended usage ended (cable out, ConnectionTimeOut); the session or the
            // reservation may still hold the connector
            Row<st::Preparing, ev::Unplugged,         st::Derive,     none,   none>,
            Row<st::Preparing, ev::SessionEnded,      st::Derive,     none,   none>,
            // 1.6 §4.9: Finishing until the cable is removed, or a new user's session starts
            Row<st::Finishing, ev::Unplugged,         st::Derive,     none,   none>,
            Row<st::Finishing, ev::SessionAuthorized, st::Preparing,  none,   none>> {};
};
using Idle = msmb::state_machine<IdleDef>;

// Rule 3: a transaction runs, no fault.
struct TransactionDef : MachineDef<TransactionDef> {
  struct transition_table
      : mpl::vector<
            //  source              event               target              action  guard
            Row<st::Derive,        none,               st::Charging,       none,   If<charging>>,
            Row<st::Derive,        none,               st::SuspendedEV,    none,   If<suspended_ev>>,
            Row<st::Derive,        none,               st::SuspendedEVSE,  none,   If<suspended_evse>>,
            // 1.6 ChargePointStatus SuspendedEV: the EV stops asking (pilot B) or is unplugged
            Row<st::Charging,      ev::EvSuspended,    st::SuspendedEV,    none,   none>,
            Row<st::Charging,      ev::Unplugged,      st::SuspendedEV,    none,   none>,
            Row<st::SuspendedEV,   ev::EvReady,        st::Charging,       none,   If<charging>>,
            // 1.6 ChargePointStatus SuspendedEVSE: the EVSE withholds energy, which outranks the EV
            Row<st::Charging,      ev::EnergyWithheld, st::SuspendedEVSE,  none,   none>,
            Row<st::SuspendedEV,   ev::EnergyWithheld, st::SuspendedEVSE,  none,   none>,
            Row<st::SuspendedEVSE, ev::EnergyOffered,  st::Derive,         none,   none>> {};
};
using InTransaction = msmb::state_machine<TransactionDef>;

// Rules 1 and 2, and the way into rules 3 and 4.
struct ConnectorDef : MachineDef<ConnectorDef> {
  struct transition_table
      : mpl::vector<
            //  source              event                   target            action  guard
            Row<st::Derive,        none,                   st::Faulted,      none,   If<faulted>>,
            Row<st::Derive,        none,                   st::Unavailable,  none,   If<unavailable>>,
            Row<st::Derive,        none,                   InTransaction,    none,   If<in_transaction>>,
            Row<st::Derive,        none,                   Idle,             none,   If<idle>>,
            // 1.6 §4.9: any status -> Faulted; when the fault clears, the inputs decide
            Row<Idle,              ev::FaultRaised,        st::Faulted,      none,   none>,
            Row<InTransaction,     ev::FaultRaised,        st::Faulted,      none,   none>,
            Row<st::Unavailable,   ev::FaultRaised,        st::Faulted,      none,   none>,
            Row<st::Faulted,       ev::FaultCleared,       st::Derive,       none,   none>,
            // 1.6 §5.2: Inoperative takes effect at once without a transaction; during one the
            // transaction keeps its status and Unavailable follows when it stops (Derive below)
            Row<Idle,              ev::Inoperative,        st::Unavailable,  none,   none>,
            Row<st::Unavailable,   ev::Operative,          st::Derive,       none,   none>,
            // 1.6 §4.9: a transaction starts or stops; one started while inoperative keeps running
            // (rule 2 applies only without a transaction)
            Row<Idle,              ev::TransactionStarted, InTransaction,    none,   none>,
            Row<st::Unavailable,   ev::TransactionStarted, InTransaction,    none,   none>,
            Row<InTransaction,     ev::TransactionStopped, st::Derive,       none,   none>> {};
};
using Connector = msmb::state_machine<ConnectorDef>;

template <class State, class Machine>
bool is_in(const Machine& machine) {
  return machine.current_state()[0] == msmb::get_state_id<typename Machine::stt, State>::value;
}

constexpr std::array<std::pair<ConnectorInput, std::string_view>, 16> kInputNames{{
    {ConnectorInput::Plugged, "Plugged"},
    {ConnectorInput::Unplugged, "Unplugged"},
    {ConnectorInput::EvReady, "EvReady"},
    {ConnectorInput::EvSuspended, "EvSuspended"},
    {ConnectorInput::SessionAuthorized, "SessionAuthorized"},
    {ConnectorInput::SessionEnded, "SessionEnded"},
    {ConnectorInput::TransactionStarted, "TransactionStarted"},
    {ConnectorInput::TransactionStopped, "TransactionStopped"},
    {ConnectorInput::EnergyOffered, "EnergyOffered"},
    {ConnectorInput::EnergyWithheld, "EnergyWithheld"},
    {ConnectorInput::Operative, "Operative"},
    {ConnectorInput::Inoperative, "Inoperative"},
    {ConnectorInput::Reserved, "Reserved"},
    {ConnectorInput::ReservationEnded, "ReservationEnded"},
    {ConnectorInput::FaultRaised, "FaultRaised"},
    {ConnectorInput::FaultCleared, "FaultCleared"},
}};

}  // namespace

std::string_view to_string(ConnectorInput input) {
  for (const auto& [value, name] : kInputNames) {
    if (value == input) return name;
  }
  return "?";
}

class ConnectorStateMachine::Impl {
 public:
  Inputs inputs;
  Connector machine;

  Impl() {
    // The guards of every (sub)machine read this Impl's record; Impl lives on the heap and never
    // moves, so the pointers stay valid when the ConnectorStateMachine is moved.
    machine.inputs = &inputs;
    machine.get_state<Idle&>().inputs = &inputs;
    machine.get_state<InTransaction&>().inputs = &inputs;
    machine.start();  // Derive -> Idle -> Derive -> Available
  }

  void dispatch(ConnectorInput input) {
    switch (input) {
      case ConnectorInput::Plugged: machine.process_event(ev::Plugged{}); break;
      case ConnectorInput::Unplugged: machine.process_event(ev::Unplugged{}); break;
      case ConnectorInput::EvReady: machine.process_event(ev::EvReady{}); break;
      case ConnectorInput::EvSuspended: machine.process_event(ev::EvSuspended{}); break;
      case ConnectorInput::SessionAuthorized: machine.process_event(ev::SessionAuthorized{}); break;
      case ConnectorInput::SessionEnded: machine.process_event(ev::SessionEnded{}); break;
      case ConnectorInput::TransactionStarted: machine.process_event(ev::TransactionStarted{}); break;
      case ConnectorInput::TransactionStopped: machine.process_event(ev::TransactionStopped{}); break;
      case ConnectorInput::EnergyOffered: machine.process_event(ev::EnergyOffered{}); break;
      case ConnectorInput::EnergyWithheld: machine.process_event(ev::EnergyWithheld{}); break;
      case ConnectorInput::Operative: machine.process_event(ev::Operative{}); break;
      case ConnectorInput::Inoperative: machine.process_event(ev::Inoperative{}); break;
      case ConnectorInput::Reserved: machine.process_event(ev::Reserved{}); break;
      case ConnectorInput::ReservationEnded: machine.process_event(ev::ReservationEnded{}); break;
      case ConnectorInput::FaultRaised: machine.process_event(ev::FaultRaised{}); break;
      case ConnectorInput::FaultCleared: machine.process_event(ev::FaultCleared{}); break;
    }
  }

  // The state is read from the active leaf state and the inputs. A Derive choice is never active
  // between two events: the guards of each choice cover every combination of inputs.
  ConnectorState state() const {
    ConnectorState s;
    s.availability = availability();
    s.charging = charging_state();
    // The session, whatever rule 1 or 2 shows on top of it (a fault during a transaction).
    if (inputs.transaction) {
      s.session = SessionPhase::Transaction;
    } else if (inputs.finishing) {
      s.session = SessionPhase::Finishing;
    } else if (inputs.plugged || inputs.authorized) {
      s.session = SessionPhase::Preparing;
    }
    s.energy_withheld = inputs.transaction && !inputs.energy_offered;
    return s;
  }

 private:
  Availability availability() const {
    if (is_in<st::Faulted>(machine)) return Availability::Faulted;
    if (is_in<st::Unavailable>(machine)) return Availability::Unavailable;
    if (is_in<InTransaction>(machine)) return Availability::Occupied;
    const auto& idle = machine.get_state<const Idle&>();
    if (is_in<st::Finishing>(idle)) return Availability::Occupied;
    // An id authorized before the cable is in leaves the connector free for the eye (2.0.1 G01:
    // Occupied means an EV is connected or a transaction runs).
    if (is_in<st::Preparing>(idle)) return inputs.plugged ? Availability::Occupied : Availability::Available;
    if (is_in<st::Reserved>(idle)) return Availability::Reserved;
    if (is_in<st::Available>(idle)) return Availability::Available;
    throw std::logic_error("connector state machine rests in a Derive choice: a guard gap");
  }

  // No EV, no energy state: a transaction that goes on after the cable left is Idle (2.0.1 E10).
  ChargingState charging_state() const {
    if (!inputs.plugged) return ChargingState::Idle;
    if (is_in<InTransaction>(machine)) {
      const auto& tx = machine.get_state<const InTransaction&>();
      if (is_in<st::Charging>(tx)) return ChargingState::Charging;
      if (is_in<st::SuspendedEV>(tx)) return ChargingState::SuspendedEV;
      if (is_in<st::SuspendedEVSE>(tx)) return ChargingState::SuspendedEVSE;
      throw std::logic_error("connector state machine rests in a Derive choice: a guard gap");
    }
    return ChargingState::EVConnected;
  }
};

ConnectorStateMachine::ConnectorStateMachine() : impl_(std::make_unique<Impl>()) {}
ConnectorStateMachine::~ConnectorStateMachine() = default;
ConnectorStateMachine::ConnectorStateMachine(ConnectorStateMachine&&) noexcept = default;
ConnectorStateMachine& ConnectorStateMachine::operator=(ConnectorStateMachine&&) noexcept = default;

ConnectorState ConnectorStateMachine::process(ConnectorInput input) {
  impl_->inputs.record(input);  // first the new level, so that the guards read it
  impl_->dispatch(input);
  return impl_->state();
}

ConnectorState ConnectorStateMachine::state() const { return impl_->state(); }

}  // namespace ocpp::cp
