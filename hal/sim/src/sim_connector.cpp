#include "ocpp/hal/sim/sim_connector.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <utility>

#include "ocpp/common/log.hpp"
#include "names.hpp"

namespace ocpp::hal::sim {
namespace {

constexpr double kMjPerWh = 3.6e6;  // 1 Wh = 3600 J = 3.6e6 mJ

using detail::connector_name;

}  // namespace

SimConnector::SimConnector(ConnectorId id, const Clock& clock, const SimOptions& options,
                           ChangeHandler on_change)
    : id_(id),
      clock_(clock),
      options_(options),
      on_change_(std::move(on_change)),
      wanted_power_w_(options.default_power_w),
      energy_mj_(std::llround(options.initial_energy_wh * kMjPerWh)),
      settled_at_(clock.steady_now()) {}

void SimConnector::settle() {
  const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(clock_.steady_now() - settled_at_);
  if (elapsed.count() <= 0) return;
  // W x ms = mJ. With whole watts the product is an exact integer, so 7400 W for 30 min is
  // 3700 Wh exactly however the interval is cut into readings.
  energy_mj_ += std::llround(power_w() * options_.meter_speedup * static_cast<double>(elapsed.count()));
  // Advancing by whole milliseconds keeps the sub-millisecond rest for the next settle, so a real
  // clock loses nothing to truncation either.
  settled_at_ += elapsed;
}

void SimConnector::changed(Change what) {
  if (on_change_) on_change_(what);
}

double SimConnector::power_w() const {
  if (!contactor_closed_ || ev_ != EvState::Ready || current_limit_a_ <= 0) return 0;
  const double offered = current_limit_a_ * options_.voltage_v * options_.phases;
  return std::min(wanted_power_w_, offered);
}

std::optional<MeterReading> SimConnector::read_meter() {
  settle();
  // The meter's link is down; the energy still flows and the register keeps counting.
  if (fault_ == ErrorCode::PowerMeterFailure) return std::nullopt;
  MeterReading reading;
  reading.energy_wh = static_cast<double>(energy_mj_) / kMjPerWh;
  const double watts = power_w();
  reading.power_w = watts;
  const double amps = watts / (options_.voltage_v * options_.phases);
  for (int phase = 0; phase < options_.phases && phase < 3; ++phase) {
    reading.current_a[phase] = amps;
    reading.voltage_v[phase] = options_.voltage_v;
  }
  // Saved before it is returned: after a kill the register is never below a value someone saw.
  changed(Change::meter);
  return reading;
}

void SimConnector::set_contactor(bool closed) {
  if (closed == contactor_closed_) return;
  if (fault_ == ErrorCode::PowerSwitchFailure) {
    log::warn("sim", connector_name(id_) + ": contactor did not " + (closed ? "close" : "open") +
                         " (PowerSwitchFailure injected)");
    return;
  }
  if (closed && !locked_) {
    // IEC 61851-1, socket-outlets: the plug is locked before the socket is energised (issue 14).
    log::warn("sim", connector_name(id_) + ": contactor not closed: the connector is not locked");
    return;
  }
  settle();
  contactor_closed_ = closed;
  log::info("sim", connector_name(id_) + ": contactor " + (closed ? "closed" : "opened"));
  // The contactor is not persisted, but opening it ends a flow: the final register is saved now.
  changed(Change::physical);
  // The simulated auxiliary contact follows at once.
  if (on_power_path_) on_power_path_(id_, closed);
}

void SimConnector::set_current_limit(double amps) {
  if (!(amps > 0)) amps = 0;  // also NaN: no energy offered
  if (amps == current_limit_a_) return;
  settle();
  current_limit_a_ = amps;
  log::debug("sim", connector_name(id_) + ": current limit " + std::to_string(amps) + " A");
  changed(Change::meter);
}

bool SimConnector::set_locked(bool locked) {
  if (fault_ == ErrorCode::ConnectorLockFailure) {
    log::warn("sim", connector_name(id_) + ": lock did not move (ConnectorLockFailure injected)");
    return false;
  }
  if (locked == locked_) return true;
  if (!locked && contactor_closed_) {
    // Issue 14: never unlocked while the socket is live (a welded contact stays closed).
    log::warn("sim", connector_name(id_) + ": not unlocked: the contactor is closed");
    return false;
  }
  locked_ = locked;
  log::info("sim", connector_name(id_) + (locked ? ": locked" : ": unlocked"));
  changed(Change::physical);
  return true;
}

PilotState SimConnector::pilot() const {
  switch (ev_) {
    case EvState::Absent: return PilotState::A;
    case EvState::Connected: return PilotState::B;
    case EvState::Ready: return PilotState::C;
  }
  return PilotState::A;
}

void SimConnector::set_ev_state(EvState ev) {
  if (ev == ev_) return;
  settle();
  ev_ = ev;
  changed(Change::physical);
}

void SimConnector::set_wanted_power(double watts) {
  if (watts == wanted_power_w_) return;
  settle();
  wanted_power_w_ = watts;
  changed(Change::physical);
}

void SimConnector::set_fault(ErrorCode code, std::string info) {
  // Faults change no power (the core opens the contactor if it must), so nothing to settle.
  fault_ = code;
  fault_info_ = std::move(info);
}

double SimConnector::energy_wh() { return static_cast<double>(energy_mj()) / kMjPerWh; }

std::int64_t SimConnector::energy_mj() {
  settle();
  return energy_mj_;
}

ConnectorStatus SimConnector::status() {
  ConnectorStatus s;
  s.id = id_;
  s.cable_plugged = cable_plugged();
  s.pilot = pilot();
  s.contactor_closed = contactor_closed_;
  s.locked = locked_;
  s.current_limit_a = current_limit_a_;
  s.wanted_power_w = wanted_power_w_;
  s.power_w = power_w();
  s.energy_wh = energy_wh();
  s.fault = fault_;
  s.fault_info = fault_info_;
  return s;
}

void SimConnector::restore(EvState ev, double wanted_power_w, bool locked, std::int64_t energy_mj) {
  ev_ = ev;
  wanted_power_w_ = wanted_power_w;
  locked_ = locked;
  energy_mj_ = energy_mj;
  settled_at_ = clock_.steady_now();
}

}  // namespace ocpp::hal::sim
