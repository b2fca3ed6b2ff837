#pragma once
// The simulated pile (DESIGN.md, "hal/": sim/): N connectors, a display, and the commands that
// `ocpp-cpctl` sends through the daemon to act as the driver, the EV and the hardware (plug, unplug,
// ev charge|suspend, set-power, fault, clear-fault, present-id, enter-code, stop).
//
// Everything runs on the event loop thread (DESIGN.md principle 2); nothing here is thread-safe.
// Listener events are delivered synchronously from within the command, so when a command returns,
// the core has already reacted to it.
//
// Physical state (cable, EV, wanted power, lock, energy register) survives a restart of the
// process when SimOptions::state_file is set, as real hardware does when only the controller
// restarts. The contactor and current limit do not: the controller's outputs hold them, so they
// drop (open, 0 A) with it. Injected faults do not either: they are test conditions of one run.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/hal.hpp"
#include "ocpp/hal/sim/sim_connector.hpp"
#include "ocpp/hal/logged_display.hpp"
#include "ocpp/hal/sim/sim_types.hpp"

namespace ocpp::hal::sim {

class SimPile final : public Hal {
 public:
  // Throws std::invalid_argument for connectors < 1, phases other than 1 or 3, or a voltage,
  // default power or initial register that is not a finite number (>0 for the voltage, >= 0 for
  // the others). A missing or corrupt state file is not an error: the pile starts fresh and says so.
  SimPile(EventLoop& loop, int connectors, SimOptions options = {});
  // Brings the registers up to now and saves them: a clean stop loses no energy.
  ~SimPile() override;
  SimPile(const SimPile&) = delete;
  SimPile& operator=(const SimPile&) = delete;

  // Hal
  int connector_count() const override { return static_cast<int>(connectors_.size()); }
  // Throws std::out_of_range outside 1..connector_count().
  ConnectorHardware& connector(ConnectorId id) override { return sim_connector(id); }
  Display& display() override { return display_; }
  void set_listener(HalListener* listener) override { listener_ = listener; }

  SimConnector& sim_connector(ConnectorId id);
  const LoggedDisplay& sim_display() const { return display_; }

  // Commands. Each returns "" on success, or why it was refused (for `ocpp-cpctl`, which prints it
  // and exits non-zero). A refused command changes nothing and tells the listener nothing.
  // Connectors are 1..N; only fault and clear_fault also take 0, the whole pile.

  // A cable with an EV is plugged: pilot A -> B.
  std::string plug(ConnectorId c);
  // The cable is pulled out: pilot -> A. See SimOptions::lock_holds_cable for the lock.
  std::string unplug(ConnectorId c);
  // The EV asks for energy: pilot B -> C. Already C: nothing to do, not refused.
  std::string ev_charge(ConnectorId c);
  // The EV stops asking: pilot C -> B. Already B: nothing to do, not refused.
  std::string ev_suspend(ConnectorId c);
  // What the EV wants to draw, in W (>= 0); kept for the next EV too, since it is a test setting.
  std::string set_power(ConnectorId c, double watts);
  // A fault appears (replacing any previous one of that connector).
  std::string fault(ConnectorId c, ErrorCode code, std::string info = {});
  // The same, by the 1.6 ChargePointErrorCode name (as `ocpp-cpctl fault N ERRORCODE` types it).
  std::string fault(ConnectorId c, std::string_view code_name, std::string info = {});
  // The fault goes away. No fault: nothing to do, not refused, and the listener hears nothing.
  std::string clear_fault(ConnectorId c);
  // An RFID card (or other identifier) at the reader of connector c; must not be empty.
  std::string present_id(ConnectorId c, const std::string& id_tag);
  // A code typed on the keypad and confirmed; digits only, not empty.
  std::string enter_code(ConnectorId c, const std::string& code);
  // The local stop button.
  std::string press_stop(ConnectorId c);

  // Every connector, registers brought up to now.
  PileStatus status();

 private:
  // "" when c is a connector (1..N), else why not.
  std::string check_connector(ConnectorId c) const;
  // Saves the physical state if it changed since the last save (and, for meter-only changes, if
  // meter_save_interval allows). Errors are logged, never thrown: the pile keeps running.
  void persist(SimConnector::Change what);
  void load_state();

  EventLoop& loop_;
  const SimOptions options_;
  HalListener* listener_ = nullptr;
  LoggedDisplay display_{"sim"};
  std::vector<std::unique_ptr<SimConnector>> connectors_;
  ErrorCode pile_fault_ = ErrorCode::NoError;
  std::string pile_fault_info_;

  std::string saved_;  // what the state file holds now, to skip writes that change nothing
  SteadyTime saved_at_{};
  bool save_failing_ = false;  // to log a failing save once, not at every reading
};

}  // namespace ocpp::hal::sim
