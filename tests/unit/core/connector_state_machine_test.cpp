#include "ocpp/cp/connector_state_machine.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <queue>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "status_words.hpp"

namespace ocpp::cp {
namespace {

using In = ConnectorInput;
using S = Word;

// The machine read as words (summary() of its state): the view of the rules the header states.
class Machine {
 public:
  S process(In input) { return word_of(machine_.process(input)); }
  S status() const { return word_of(machine_.state()); }
  ConnectorState state() const { return machine_.state(); }

 private:
  ConnectorStateMachine machine_;
};

constexpr std::array<In, 16> kAllInputs{
    In::Plugged,        In::Unplugged,          In::EvReady,        In::EvSuspended,
    In::SessionAuthorized, In::SessionEnded,    In::TransactionStarted, In::TransactionStopped,
    In::EnergyOffered,  In::EnergyWithheld,     In::Operative,      In::Inoperative,
    In::Reserved,       In::ReservationEnded,   In::FaultRaised,    In::FaultCleared,
};

// Feeds the inputs in order and returns the status after the last one.
S feed(Machine& machine, std::initializer_list<In> inputs) {
  for (In input : inputs) machine.process(input);
  return machine.status();
}

std::string names(const std::vector<In>& inputs) {
  std::ostringstream out;
  for (std::size_t i = 0; i < inputs.size(); ++i) out << (i ? ", " : "") << to_string(inputs[i]);
  return out.str();
}

}  // namespace

namespace {

// ---------------------------------------------------------------------------------------------
// The transitions a driver or the CSMS sees (1.6 §4.9 StatusNotification).

TEST(ConnectorStateMachine, StartsAvailable) {
  Machine m;
  EXPECT_EQ(m.status(), S::Available);
}

TEST(ConnectorStateMachine, PluggingInPreparesAndUnpluggingMakesAvailableAgain) {
  Machine m;
  EXPECT_EQ(m.process(In::Plugged), S::Preparing);
  EXPECT_EQ(m.process(In::Unplugged), S::Available);
}

TEST(ConnectorStateMachine, IdPresentedFirstPreparesAndThePlugKeepsItPreparing) {
  Machine m;
  EXPECT_EQ(m.process(In::SessionAuthorized), S::Preparing);
  // One word, two states: free for the eye until the EV is there (2.0.1 G01 Available, then
  // Occupied), so the core reports the plug although the word stays.
  EXPECT_EQ(m.state().availability, Availability::Available);
  EXPECT_EQ(m.state().session, SessionPhase::Preparing);
  EXPECT_EQ(m.process(In::Plugged), S::Preparing);
  EXPECT_EQ(m.state().availability, Availability::Occupied);
  EXPECT_EQ(m.state().charging, ChargingState::EVConnected);
}

TEST(ConnectorStateMachine, ConnectionTimeOutWithoutCableMakesAvailable) {
  Machine m;
  EXPECT_EQ(m.process(In::SessionAuthorized), S::Preparing);
  EXPECT_EQ(m.process(In::SessionEnded), S::Available);
}

TEST(ConnectorStateMachine, CancelledSessionKeepsPreparingWhileTheCableIsIn) {
  Machine m;
  feed(m, {In::Plugged, In::SessionAuthorized});
  EXPECT_EQ(m.process(In::SessionEnded), S::Preparing);
  EXPECT_EQ(m.process(In::Unplugged), S::Available);
}

TEST(ConnectorStateMachine, UnpluggingAfterTheIdKeepsPreparingUntilTheSessionEnds) {
  Machine m;
  feed(m, {In::SessionAuthorized, In::Plugged});
  EXPECT_EQ(m.process(In::Unplugged), S::Preparing);
  EXPECT_EQ(m.process(In::SessionEnded), S::Available);
}

TEST(ConnectorStateMachine, TransactionWithTheEvReadyCharges) {
  Machine m;
  feed(m, {In::Plugged, In::SessionAuthorized, In::EvReady});
  EXPECT_EQ(m.process(In::TransactionStarted), S::Charging);
}

TEST(ConnectorStateMachine, TransactionWaitsForTheEvThenCharges) {
  Machine m;
  feed(m, {In::Plugged, In::SessionAuthorized});
  EXPECT_EQ(m.process(In::TransactionStarted), S::SuspendedEV);  // pilot B: EV not asking yet
  EXPECT_EQ(m.process(In::EvReady), S::Charging);
}

TEST(ConnectorStateMachine, EvSuspendingAndResuming) {
  Machine m;
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted});
  EXPECT_EQ(m.process(In::EvSuspended), S::SuspendedEV);
  EXPECT_EQ(m.process(In::EvReady), S::Charging);
}

TEST(ConnectorStateMachine, EnergyWithheldSuspendsOnTheEvseSideWhateverTheEvDoes) {
  Machine m;
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted});
  EXPECT_EQ(m.process(In::EnergyWithheld), S::SuspendedEVSE);
  EXPECT_EQ(m.process(In::EvSuspended), S::SuspendedEVSE);
  EXPECT_EQ(m.process(In::EnergyOffered), S::SuspendedEV);
  EXPECT_EQ(m.process(In::EnergyWithheld), S::SuspendedEVSE);
  EXPECT_EQ(m.process(In::EvReady), S::SuspendedEVSE);
  EXPECT_EQ(m.process(In::EnergyOffered), S::Charging);
}

TEST(ConnectorStateMachine, TransactionStoppedWithTheCableInFinishesUntilUnplugged) {
  Machine m;
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted});
  EXPECT_EQ(m.process(In::TransactionStopped), S::Finishing);
  EXPECT_EQ(m.process(In::EvSuspended), S::Finishing);
  EXPECT_EQ(m.process(In::Plugged), S::Finishing);
  EXPECT_EQ(m.process(In::Unplugged), S::Available);
}

TEST(ConnectorStateMachine, UnpluggingDuringATransactionSuspendsItAndItsStopMakesAvailable) {
  Machine m;
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted});
  EXPECT_EQ(m.process(In::Unplugged), S::SuspendedEV);
  EXPECT_EQ(m.process(In::TransactionStopped), S::Available);
}

TEST(ConnectorStateMachine, NewUserInFinishingPrepares) {
  Machine m;
  feed(m, {In::Plugged, In::TransactionStarted, In::TransactionStopped});
  ASSERT_EQ(m.status(), S::Finishing);
  EXPECT_EQ(m.process(In::SessionAuthorized), S::Preparing);
  EXPECT_EQ(m.process(In::SessionEnded), S::Preparing);  // cable still in
  EXPECT_EQ(m.process(In::Unplugged), S::Available);
}

TEST(ConnectorStateMachine, ReservedUntilItsCableOrIdArrives) {
  Machine m;
  EXPECT_EQ(m.process(In::Reserved), S::Reserved);
  EXPECT_EQ(m.process(In::Plugged), S::Preparing);
  EXPECT_EQ(m.process(In::Unplugged), S::Reserved);
  EXPECT_EQ(m.process(In::SessionAuthorized), S::Preparing);
  EXPECT_EQ(m.process(In::SessionEnded), S::Reserved);
  EXPECT_EQ(m.process(In::ReservationEnded), S::Available);
}

TEST(ConnectorStateMachine, TransactionUsesTheReservation) {
  Machine m;
  feed(m, {In::Reserved, In::Plugged, In::TransactionStarted, In::TransactionStopped});
  EXPECT_EQ(m.process(In::Unplugged), S::Available);
}

TEST(ConnectorStateMachine, InoperativeMakesUnavailableAndOperativeRestoresTheDerivedStatus) {
  Machine m;
  EXPECT_EQ(m.process(In::Inoperative), S::Unavailable);
  EXPECT_EQ(m.process(In::Plugged), S::Unavailable);
  EXPECT_EQ(m.process(In::Operative), S::Preparing);
  EXPECT_EQ(m.process(In::Inoperative), S::Unavailable);
  EXPECT_EQ(m.process(In::Unplugged), S::Unavailable);
  EXPECT_EQ(m.process(In::Reserved), S::Unavailable);
  EXPECT_EQ(m.process(In::Operative), S::Reserved);
}

// Documented rule: inoperative during a transaction keeps the transaction's status; Unavailable
// follows as soon as the transaction stops, even with the cable still in; operative again before
// the cable is removed shows Finishing.
TEST(ConnectorStateMachine, InoperativeDuringATransactionTakesEffectWhenItStops) {
  Machine m;
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted});
  EXPECT_EQ(m.process(In::Inoperative), S::Charging);
  EXPECT_EQ(m.process(In::EvSuspended), S::SuspendedEV);
  EXPECT_EQ(m.process(In::EnergyWithheld), S::SuspendedEVSE);
  EXPECT_EQ(m.process(In::TransactionStopped), S::Unavailable);
  EXPECT_EQ(m.process(In::Operative), S::Finishing);
  EXPECT_EQ(m.process(In::Unplugged), S::Available);
}

TEST(ConnectorStateMachine, InoperativeDuringATransactionThenUnpluggedBeforeTheStop) {
  Machine m;
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted, In::Inoperative, In::Unplugged});
  ASSERT_EQ(m.status(), S::SuspendedEV);
  EXPECT_EQ(m.process(In::TransactionStopped), S::Unavailable);
  EXPECT_EQ(m.process(In::Operative), S::Available);
}

TEST(ConnectorStateMachine, TransactionStartedWhileInoperativeShowsTheTransaction) {
  Machine m;
  feed(m, {In::Inoperative, In::Plugged, In::EvReady});
  ASSERT_EQ(m.status(), S::Unavailable);
  EXPECT_EQ(m.process(In::TransactionStarted), S::Charging);  // rule 2 holds only without one
  EXPECT_EQ(m.process(In::TransactionStopped), S::Unavailable);
}

// Fault from every other status, and back to that status when it clears.
struct Reach {
  S status;
  std::vector<In> path;
};

void PrintTo(const Reach& reach, std::ostream* os) {
  *os << to_string(reach.status) << " after [" << names(reach.path) << "]";
}

class FaultFromEveryStatus : public ::testing::TestWithParam<Reach> {};

TEST_P(FaultFromEveryStatus, FaultsAndReturnsToTheDerivedStatusOnClear) {
  const Reach& reach = GetParam();
  Machine m;
  for (In input : reach.path) m.process(input);
  ASSERT_EQ(m.status(), reach.status) << names(reach.path);
  EXPECT_EQ(m.process(In::FaultRaised), S::Faulted);
  EXPECT_EQ(m.process(In::FaultRaised), S::Faulted);  // still the same fault: harmless
  EXPECT_EQ(m.process(In::FaultCleared), reach.status);
}

INSTANTIATE_TEST_SUITE_P(
    ConnectorStateMachine, FaultFromEveryStatus,
    ::testing::Values(
        Reach{S::Available, {}},
        Reach{S::Preparing, {In::Plugged}},
        Reach{S::Charging, {In::Plugged, In::EvReady, In::TransactionStarted}},
        Reach{S::SuspendedEV, {In::Plugged, In::TransactionStarted}},
        Reach{S::SuspendedEVSE, {In::Plugged, In::EvReady, In::TransactionStarted, In::EnergyWithheld}},
        Reach{S::Finishing, {In::Plugged, In::TransactionStarted, In::TransactionStopped}},
        Reach{S::Reserved, {In::Reserved}},
        Reach{S::Unavailable, {In::Inoperative}}),
    [](const ::testing::TestParamInfo<Reach>& param_info) {
      return std::string(to_string(param_info.param.status));
    });

TEST(ConnectorStateMachine, FaultOutranksEverythingAndTheInputsDecideAfterIt) {
  Machine m;
  EXPECT_EQ(m.process(In::FaultRaised), S::Faulted);
  EXPECT_EQ(feed(m, {In::Plugged, In::SessionAuthorized, In::TransactionStarted, In::EvReady}), S::Faulted);
  EXPECT_EQ(m.process(In::FaultCleared), S::Charging);  // plugged, transaction, EV ready
}

TEST(ConnectorStateMachine, FaultOutranksInoperativeWhichFollowsWhenItClears) {
  Machine m;
  feed(m, {In::Inoperative, In::FaultRaised});
  ASSERT_EQ(m.status(), S::Faulted);
  EXPECT_EQ(m.process(In::FaultCleared), S::Unavailable);
}

TEST(ConnectorStateMachine, TransactionStoppedDuringAFaultFinishesAfterIt) {
  Machine m;
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted, In::FaultRaised, In::TransactionStopped});
  ASSERT_EQ(m.status(), S::Faulted);
  EXPECT_EQ(m.process(In::FaultCleared), S::Finishing);
}

TEST(ConnectorStateMachine, InputsThatChangeNothingAreHarmless) {
  Machine m;
  EXPECT_EQ(feed(m, {In::Unplugged, In::Unplugged, In::TransactionStopped, In::SessionEnded,
                     In::ReservationEnded, In::Operative, In::EnergyOffered, In::FaultCleared,
                     In::EvSuspended}),
            S::Available);
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted});
  EXPECT_EQ(feed(m, {In::Plugged, In::TransactionStarted, In::EvReady, In::SessionAuthorized}), S::Charging);
}

TEST(ConnectorStateMachine, EvReadyWhileUnpluggedIsIgnored) {
  Machine m;
  EXPECT_EQ(m.process(In::EvReady), S::Available);
  EXPECT_EQ(feed(m, {In::Plugged, In::TransactionStarted}), S::SuspendedEV);
}

TEST(ConnectorStateMachine, AMovedMachineKeepsItsStatus) {
  Machine m;
  feed(m, {In::Plugged, In::EvReady, In::TransactionStarted});
  Machine moved(std::move(m));
  EXPECT_EQ(moved.status(), S::Charging);
  EXPECT_EQ(moved.process(In::EvSuspended), S::SuspendedEV);
  Machine other;
  other = std::move(moved);
  EXPECT_EQ(other.process(In::TransactionStopped), S::Finishing);
}

TEST(ConnectorStateMachine, InputsHaveNames) {
  std::set<std::string> seen;
  for (In input : kAllInputs) seen.insert(std::string(to_string(input)));
  EXPECT_EQ(seen.size(), kAllInputs.size());
  EXPECT_EQ(seen.count("?"), 0u);
  EXPECT_EQ(to_string(In::SessionAuthorized), "SessionAuthorized");
}

// ---------------------------------------------------------------------------------------------
// Property: after every input, the machine's status is what the rules derive from the inputs so
// far. The reference below is written from the rules (header and 1.6 §4.9), not from the machine.

struct Reference {
  bool cable_in = false;
  bool ev_asks_for_energy = false;   // pilot C
  bool id_waiting_for_tx = false;    // authorized, no transaction yet
  bool tx_running = false;
  bool stopped_with_cable_in = false;
  bool evse_offers_energy = true;
  bool inoperative = false;
  bool reservation = false;
  bool fault = false;

  void apply(In input) {
    switch (input) {
      case In::Plugged: cable_in = true; break;
      case In::Unplugged:
        cable_in = false;
        ev_asks_for_energy = false;
        stopped_with_cable_in = false;
        break;
      case In::EvReady:
        if (cable_in) ev_asks_for_energy = true;
        break;
      case In::EvSuspended: ev_asks_for_energy = false; break;
      case In::SessionAuthorized:
        if (tx_running) break;
        id_waiting_for_tx = true;
        stopped_with_cable_in = false;
        break;
      case In::SessionEnded: id_waiting_for_tx = false; break;
      case In::TransactionStarted:
        if (tx_running) break;
        tx_running = true;
        id_waiting_for_tx = false;
        reservation = false;
        stopped_with_cable_in = false;
        break;
      case In::TransactionStopped:
        if (!tx_running) break;
        tx_running = false;
        stopped_with_cable_in = cable_in;
        break;
      case In::EnergyOffered: evse_offers_energy = true; break;
      case In::EnergyWithheld: evse_offers_energy = false; break;
      case In::Operative: inoperative = false; break;
      case In::Inoperative: inoperative = true; break;
      case In::Reserved: reservation = true; break;
      case In::ReservationEnded: reservation = false; break;
      case In::FaultRaised: fault = true; break;
      case In::FaultCleared: fault = false; break;
    }
  }

  S derive() const {
    if (fault) return S::Faulted;                         // rule 1
    if (inoperative && !tx_running) return S::Unavailable;  // rule 2
    if (tx_running) {                                     // rule 3
      if (!evse_offers_energy) return S::SuspendedEVSE;
      return ev_asks_for_energy ? S::Charging : S::SuspendedEV;
    }
    if (stopped_with_cable_in) return S::Finishing;       // rule 4
    if (cable_in || id_waiting_for_tx) return S::Preparing;
    if (reservation) return S::Reserved;
    return S::Available;
  }

  // The whole version-neutral state (types.hpp), from the same rules.
  ConnectorState derive_state() const {
    ConnectorState st;
    if (fault) {
      st.availability = Availability::Faulted;
    } else if (inoperative && !tx_running) {
      st.availability = Availability::Unavailable;
    } else if (tx_running || stopped_with_cable_in || cable_in) {
      st.availability = Availability::Occupied;  // G01: an EV is there or a transaction runs
    } else if (!id_waiting_for_tx && reservation) {
      st.availability = Availability::Reserved;
    }
    if (cable_in) {
      st.charging = ChargingState::EVConnected;
      if (tx_running && !fault) {
        if (!evse_offers_energy) {
          st.charging = ChargingState::SuspendedEVSE;
        } else {
          st.charging = ev_asks_for_energy ? ChargingState::Charging : ChargingState::SuspendedEV;
        }
      }
    }
    if (tx_running) {
      st.session = SessionPhase::Transaction;
    } else if (stopped_with_cable_in) {
      st.session = SessionPhase::Finishing;
    } else if (cable_in || id_waiting_for_tx) {
      st.session = SessionPhase::Preparing;
    }
    st.energy_withheld = tx_running && !evse_offers_energy;
    return st;
  }

  std::uint32_t key() const {
    const bool bits[] = {cable_in,           ev_asks_for_energy, id_waiting_for_tx,
                         tx_running,         stopped_with_cable_in, evse_offers_energy,
                         inoperative,        reservation,        fault};
    std::uint32_t k = 0;
    for (bool b : bits) k = (k << 1) | (b ? 1u : 0u);
    return k;
  }
};

std::uint64_t base_seed() {
  // OCPP_FSM_SEED=N replays a failure; by default the run is the same every time.
  if (const char* env = std::getenv("OCPP_FSM_SEED")) return std::strtoull(env, nullptr, 10);
  return 20240611;
}

TEST(ConnectorStateMachineProperty, RandomInputSequencesMatchTheRules) {
  constexpr int kSequences = 4000;
  constexpr int kMaxLength = 80;
  const std::uint64_t base = base_seed();
  std::set<std::pair<S, In>> covered;  // (status, input) pairs exercised
  for (int i = 0; i < kSequences; ++i) {
    const std::uint64_t seed = base + static_cast<std::uint64_t>(i);
    std::mt19937_64 rng(seed);
    std::uniform_int_distribution<std::size_t> pick(0, kAllInputs.size() - 1);
    std::uniform_int_distribution<int> length(1, kMaxLength);
    Machine machine;
    Reference reference;
    std::vector<In> history;
    const int n = length(rng);
    for (int step = 0; step < n; ++step) {
      const In input = kAllInputs[pick(rng)];
      history.push_back(input);
      covered.insert({machine.status(), input});
      reference.apply(input);
      const S got = machine.process(input);
      if (got != reference.derive() || machine.status() != got) {
        ADD_FAILURE() << "seed " << seed << " (OCPP_FSM_SEED=" << seed << " replays it first), step "
                      << step << ": machine says " << to_string(got) << ", rules say "
                      << to_string(reference.derive()) << "\ninputs: " << names(history);
        return;
      }
    }
  }
  // The generator reached every status and fed every input in each of them.
  EXPECT_EQ(covered.size(), 9u * kAllInputs.size()) << "base seed " << base;
}

// Every combination of inputs that can be reached, with every input from there: the shortest
// input sequence to each combination is found breadth-first on the reference, then replayed.
TEST(ConnectorStateMachineProperty, EveryReachableCombinationOfInputsMatchesTheRules) {
  std::map<std::uint32_t, std::vector<In>> path_to;
  std::queue<std::pair<Reference, std::vector<In>>> todo;
  todo.push({Reference{}, {}});
  path_to[Reference{}.key()] = {};
  while (!todo.empty()) {
    auto [ref, path] = todo.front();
    todo.pop();
    for (In input : kAllInputs) {
      Reference next = ref;
      next.apply(input);
      std::vector<In> longer = path;
      longer.push_back(input);

      Machine machine;
      for (In step : longer) machine.process(step);
      ASSERT_EQ(machine.status(), next.derive()) << "inputs: " << names(longer);
      ASSERT_EQ(machine.state(), next.derive_state()) << "inputs: " << names(longer);

      if (path_to.emplace(next.key(), longer).second) todo.push({next, longer});
    }
  }
  EXPECT_GT(path_to.size(), 100u);  // sanity: the search went far
}

}  // namespace
}  // namespace ocpp::cp
