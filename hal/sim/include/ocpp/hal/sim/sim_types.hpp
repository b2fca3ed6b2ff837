#pragma once
// The vocabulary of the simulated pile: its options and the snapshot `ocpp-cpctl status` shows.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/hal/hal.hpp"
#include "ocpp/hal/types.hpp"

namespace ocpp::hal::sim {

struct SimOptions {
  // Where the physical state (cable, EV, wanted power, lock, energy register) is kept across a
  // restart of the charge point process. Empty: nothing is kept.
  std::string state_file;
  // The energy register of every connector at a fresh start (no or unusable state file), in Wh.
  // A realistic pile starts far from 0 (e.g. 1234567) so that meter values are absolute.
  double initial_energy_wh = 0;
  // What a newly simulated EV wants to draw, in W (`ocpp-cpctl set-power` changes it).
  double default_power_w = 7400;
  // The supply: 1 or 3 phases at voltage_v each. The EV balances its draw over the phases, so the
  // most it may draw is current limit x voltage_v x phases.
  int phases = 3;
  double voltage_v = 230;
  // false (default): `unplug` models the driver pulling the cable out of the EV, which works
  // whatever the pile's lock does (that is why 1.6 has UnlockConnectorOnEVSideDisconnect).
  // true: `unplug` models pulling the cable out of the pile's socket, refused while it is locked.
  bool lock_holds_cable = false;
  // 0: every meter reading is durable in state_file before it is returned, so the register never
  // goes below a value anyone has seen, even after a SIGKILL. > 0: meter-only updates are written
  // at most this often (for slow flash), and up to that much energy may be lost in a kill.
  std::chrono::milliseconds meter_save_interval{0};
  // How many times faster than real time the simulated meters count (demos and tests: a capped
  // session ends in seconds, not hours). Power readings stay what the EV draws.
  double meter_speedup = 1;
};

// What the simulated EV does; with the cable this decides the control pilot (IEC 61851-1).
enum class EvState {
  Absent,     // no cable plugged: pilot A
  Connected,  // plugged, not asking for energy: pilot B
  Ready,      // plugged and asking for energy: pilot C
};
std::string_view to_string(EvState s);
bool from_string(std::string_view text, EvState& out);

// One connector as `ocpp-cpctl status` shows it; the daemon formats it.
struct ConnectorStatus {
  ConnectorId id = 0;
  bool cable_plugged = false;
  PilotState pilot = PilotState::A;
  bool contactor_closed = false;
  bool locked = false;
  double current_limit_a = 0;
  double wanted_power_w = 0;  // what the EV would draw if allowed
  double power_w = 0;         // what flows now
  double energy_wh = 0;       // the register (also while the meter is failed: it is the truth)
  ErrorCode fault = ErrorCode::NoError;
  std::string fault_info;
  std::string display_text;  // the last line shown for this connector
};

struct PileStatus {
  ErrorCode fault = ErrorCode::NoError;  // a fault of the whole pile (connector 0)
  std::string fault_info;
  std::string display_text;  // the last line shown for the whole pile
  std::vector<ConnectorStatus> connectors;
};

}  // namespace ocpp::hal::sim
