#pragma once
// One simulated connector: the EV at the end of its cable, its contactor, lock and pilot, and an
// energy meter that integrates what flows over the injected clock's steady time. Energy is computed
// lazily at each change and each reading, so it is exact under a ManualClock and needs no timer.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ocpp/common/clock.hpp"
#include "ocpp/hal/hal.hpp"
#include "ocpp/hal/sim/sim_types.hpp"

namespace ocpp::hal::sim {

class SimConnector final : public ConnectorHardware {
 public:
  // What changed, for the owner's persistence: the physical state, or only the meter register.
  enum class Change { physical, meter };
  using ChangeHandler = std::function<void(Change)>;

  SimConnector(ConnectorId id, const Clock& clock, const SimOptions& options, ChangeHandler on_change);

  // ConnectorHardware: what the core drives.
  // nullopt while a PowerMeterFailure is injected (the register keeps counting meanwhile: the
  // meter's link is down, not the energy flow).
  std::optional<MeterReading> read_meter() override;
  // Does not move while a PowerSwitchFailure is injected (a welded or stuck contactor), and does
  // not close while the connector is unlocked (lock before power). A move is reported to the
  // power path handler at once.
  void set_contactor(bool closed) override;
  bool contactor_closed() const override { return contactor_closed_; }
  // Negative or NaN is taken as 0 (no energy offered).
  void set_current_limit(double amps) override;
  // An AC pile with a control pilot: below 6 A (10 % duty) the EV is paused (IEC 61851-1 annex A).
  double min_current_a() const override { return 6.0; }
  // Returns false, and does not move, while a ConnectorLockFailure is injected, or, for an
  // unlock, while the contactor is closed (a welded contact keeps the cable locked).
  bool set_locked(bool locked) override;
  // Told each time the contactor moves (SimPile passes it to HalListener::on_power_path).
  void set_power_path_handler(std::function<void(ConnectorId, bool)> handler) { on_power_path_ = std::move(handler); }
  PilotState pilot() const override;

  // The physical side, driven by SimPile's commands (which check the preconditions).
  ConnectorId id() const { return id_; }
  EvState ev_state() const { return ev_; }
  bool cable_plugged() const { return ev_ != EvState::Absent; }
  void set_ev_state(EvState ev);
  double wanted_power_w() const { return wanted_power_w_; }
  void set_wanted_power(double watts);
  bool locked() const { return locked_; }
  double current_limit_a() const { return current_limit_a_; }
  ErrorCode fault() const { return fault_; }
  const std::string& fault_info() const { return fault_info_; }
  void set_fault(ErrorCode code, std::string info);

  // The power flowing now, in W: min(wanted, limit x V x phases) while the contactor is closed,
  // the EV is ready (pilot C) and the limit is > 0; else 0.
  double power_w() const;
  // The register, brought up to now.
  double energy_wh();
  ConnectorStatus status();

  // Persistence: the register in mJ (an integer, so that saving and integrating never round).
  std::int64_t energy_mj();
  // Restores the physical state at start-up (before anyone listens). The contactor stays open and
  // the current limit 0: both are held by the controller's outputs, which a restart drops.
  void restore(EvState ev, double wanted_power_w, bool locked, std::int64_t energy_mj);

 private:
  // Adds the energy that flowed since the last settle at the power that was flowing. Must run
  // before anything that changes power_w().
  void settle();
  void changed(Change what);

  ConnectorId id_;
  const Clock& clock_;
  const SimOptions& options_;
  ChangeHandler on_change_;
  std::function<void(ConnectorId, bool)> on_power_path_;

  EvState ev_ = EvState::Absent;
  double wanted_power_w_;
  bool contactor_closed_ = false;
  bool locked_ = false;
  double current_limit_a_ = 0;
  ErrorCode fault_ = ErrorCode::NoError;
  std::string fault_info_;

  std::int64_t energy_mj_;
  SteadyTime settled_at_;
};

}  // namespace ocpp::hal::sim
