#include "ocpp/hal/sim/sim_pile.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <utility>

#include "ocpp/common/log.hpp"
#include "state_file.hpp"
#include "names.hpp"

namespace ocpp::hal::sim {
namespace {

using detail::connector_name;
// Faults may also concern the whole pile.
std::string fault_target(ConnectorId id) { return id == 0 ? std::string("pile") : connector_name(id); }

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

const SimOptions& checked(const SimOptions& o) {
  if (o.phases != 1 && o.phases != 3) throw std::invalid_argument("sim: phases must be 1 or 3");
  if (!std::isfinite(o.voltage_v) || o.voltage_v <= 0) throw std::invalid_argument("sim: voltage_v must be > 0");
  if (!std::isfinite(o.default_power_w) || o.default_power_w < 0) {
    throw std::invalid_argument("sim: default_power_w must be >= 0");
  }
  if (!std::isfinite(o.initial_energy_wh) || o.initial_energy_wh < 0 || o.initial_energy_wh > 1e12) {
    throw std::invalid_argument("sim: initial_energy_wh must be in 0..1e12");
  }
  return o;
}

// Moves the EV of connector k to `ev` and tells the listener if the pilot changed.
void move_ev(SimConnector& k, EvState ev, HalListener* listener) {
  const PilotState before = k.pilot();
  k.set_ev_state(ev);
  const PilotState after = k.pilot();
  if (after == before) return;
  log::info("sim", connector_name(k.id()) + ": pilot " + std::string(to_string(before)) + " -> " +
                       std::string(to_string(after)) + " (EV " + std::string(to_string(ev)) + ")");
  if (listener) listener->on_pilot_changed(k.id(), after);
}

}  // namespace

SimPile::SimPile(EventLoop& loop, int connectors, SimOptions options)
    : loop_(loop), options_(checked(options)) {
  if (connectors < 1) throw std::invalid_argument("sim: a pile has at least 1 connector");
  connectors_.reserve(static_cast<std::size_t>(connectors));
  for (ConnectorId id = 1; id <= connectors; ++id) {
    connectors_.push_back(std::make_unique<SimConnector>(id, loop_.clock(), options_,
                                                         [this](SimConnector::Change what) { persist(what); }));
    connectors_.back()->set_power_path_handler([this](ConnectorId c, bool closed) {
      if (listener_) listener_->on_power_path(c, closed);
    });
  }
  if (!options_.state_file.empty()) {
    load_state();
    // A fresh start writes its state at once, so that the file is valid from here on.
    persist(SimConnector::Change::physical);
  }
}

SimPile::~SimPile() {
  try {
    persist(SimConnector::Change::physical);
  } catch (const std::exception& e) {
    log::error("sim", std::string("cannot save the pile's state at exit: ") + e.what());
  }
}

void SimPile::load_state() {
  const std::string& path = options_.state_file;
  std::string content;
  std::string error;
  switch (detail::read_file(path, content, error)) {
    case detail::ReadResult::missing:
      log::info("sim", "no state file " + path + " yet: the pile starts fresh");
      return;
    case detail::ReadResult::failed:
      log::warn("sim", error + ": the pile starts fresh");
      return;
    case detail::ReadResult::ok:
      break;
  }
  const auto saved = detail::parse_state(content, error);
  if (!saved) {
    // Kept aside rather than overwritten, so that whoever looks into it can.
    const std::string aside = path + ".corrupt";
    std::error_code ec;
    std::filesystem::rename(path, aside, ec);
    log::warn("sim", "state file " + path + " is unusable (" + error + "): the pile starts fresh" +
                         (ec ? std::string{} : "; the bad file is kept as " + aside));
    return;
  }
  for (const auto& s : *saved) {
    if (s.id < 1 || s.id > connector_count()) {
      // The pile was reconfigured with fewer connectors.
      log::warn("sim", "state file " + path + " has " + connector_name(s.id) + ", which this pile (" +
                           std::to_string(connector_count()) + " connectors) does not have: ignored");
      continue;
    }
    connectors_[static_cast<std::size_t>(s.id - 1)]->restore(s.ev, s.wanted_power_w, s.locked, s.energy_mj);
  }
  log::info("sim", "physical state restored from " + path);
}

void SimPile::persist(SimConnector::Change what) {
  if (options_.state_file.empty()) return;
  const SteadyTime now = loop_.clock().steady_now();
  if (what == SimConnector::Change::meter && options_.meter_save_interval.count() > 0 && !saved_.empty() &&
      now - saved_at_ < options_.meter_save_interval) {
    return;
  }
  std::vector<detail::SavedConnector> state;
  state.reserve(connectors_.size());
  for (const auto& c : connectors_) {
    state.push_back({c->id(), c->ev_state(), c->wanted_power_w(), c->locked(), c->energy_mj()});
  }
  std::string text = detail::render_state(state);
  if (text == saved_) return;
  std::string error;
  if (!detail::write_file_atomically(options_.state_file, text, error)) {
    if (!save_failing_) log::error("sim", "cannot save the pile's state: " + error + " (retried at each change)");
    save_failing_ = true;
    return;
  }
  if (save_failing_) log::info("sim", "the pile's state is saved again to " + options_.state_file);
  save_failing_ = false;
  saved_ = std::move(text);
  saved_at_ = now;
}

std::string SimPile::check_connector(ConnectorId c) const {
  const int n = connector_count();
  if (c == 0) {
    return "connector 0 is the whole pile; this command needs a connector " +
           (n == 1 ? std::string("1") : "1.." + std::to_string(n));
  }
  if (c < 0 || c > n) return connector_name(c) + " does not exist (this pile has " + std::to_string(n) + ")";
  return {};
}

SimConnector& SimPile::sim_connector(ConnectorId id) {
  if (const std::string error = check_connector(id); !error.empty()) throw std::out_of_range(error);
  return *connectors_[static_cast<std::size_t>(id - 1)];
}

std::string SimPile::plug(ConnectorId c) {
  if (std::string error = check_connector(c); !error.empty()) return error;
  SimConnector& k = sim_connector(c);
  if (k.cable_plugged()) return connector_name(c) + " already has a cable plugged";
  move_ev(k, EvState::Connected, listener_);
  return {};
}

std::string SimPile::unplug(ConnectorId c) {
  if (std::string error = check_connector(c); !error.empty()) return error;
  SimConnector& k = sim_connector(c);
  if (!k.cable_plugged()) return connector_name(c) + " has no cable plugged";
  if (options_.lock_holds_cable && k.locked()) return connector_name(c) + " is locked";
  move_ev(k, EvState::Absent, listener_);
  return {};
}

std::string SimPile::ev_charge(ConnectorId c) {
  if (std::string error = check_connector(c); !error.empty()) return error;
  SimConnector& k = sim_connector(c);
  if (!k.cable_plugged()) return connector_name(c) + " has no cable plugged";
  move_ev(k, EvState::Ready, listener_);
  return {};
}

std::string SimPile::ev_suspend(ConnectorId c) {
  if (std::string error = check_connector(c); !error.empty()) return error;
  SimConnector& k = sim_connector(c);
  if (!k.cable_plugged()) return connector_name(c) + " has no cable plugged";
  move_ev(k, EvState::Connected, listener_);
  return {};
}

std::string SimPile::set_power(ConnectorId c, double watts) {
  if (std::string error = check_connector(c); !error.empty()) return error;
  if (!std::isfinite(watts) || watts < 0) return "power must be a number of watts >= 0 (got " + number(watts) + ")";
  SimConnector& k = sim_connector(c);
  k.set_wanted_power(watts);
  log::info("sim", connector_name(c) + ": the EV wants " + number(watts) + " W");
  return {};
}

std::string SimPile::fault(ConnectorId c, ErrorCode code, std::string info) {
  if (c != 0) {
    if (std::string error = check_connector(c); !error.empty()) return error;
  }
  if (code == ErrorCode::NoError) return "NoError is not a fault; use clear-fault to clear one";
  if (c == 0) {
    pile_fault_ = code;
    pile_fault_info_ = info;
  } else {
    sim_connector(c).set_fault(code, info);
  }
  log::warn("sim", fault_target(c) + ": fault " + std::string(to_string(code)) + (info.empty() ? "" : " (" + info + ")"));
  if (listener_) listener_->on_fault(c, code, info);
  return {};
}

std::string SimPile::fault(ConnectorId c, std::string_view code_name, std::string info) {
  ErrorCode code{};
  if (!from_string(code_name, code)) {
    return "unknown error code '" + std::string(code_name) +
           "' (expected a 1.6 ChargePointErrorCode such as GroundFailure or PowerMeterFailure)";
  }
  return fault(c, code, std::move(info));
}

std::string SimPile::clear_fault(ConnectorId c) {
  if (c != 0) {
    if (std::string error = check_connector(c); !error.empty()) return error;
  }
  if (c == 0) {
    if (pile_fault_ == ErrorCode::NoError) return {};
    pile_fault_ = ErrorCode::NoError;
    pile_fault_info_.clear();
  } else {
    SimConnector& k = sim_connector(c);
    if (k.fault() == ErrorCode::NoError) return {};
    k.set_fault(ErrorCode::NoError, {});
  }
  log::info("sim", fault_target(c) + ": fault cleared");
  if (listener_) listener_->on_fault(c, ErrorCode::NoError, {});
  return {};
}

std::string SimPile::present_id(ConnectorId c, const std::string& id_tag) {
  if (std::string error = check_connector(c); !error.empty()) return error;
  if (id_tag.empty()) return "the id tag is empty";
  log::info("sim", connector_name(c) + ": id presented: " + id_tag);
  if (listener_) listener_->on_id_presented(c, id_tag);
  return {};
}

std::string SimPile::enter_code(ConnectorId c, const std::string& code) {
  if (std::string error = check_connector(c); !error.empty()) return error;
  if (code.empty()) return "the code is empty";
  if (!std::all_of(code.begin(), code.end(), [](char d) { return d >= '0' && d <= '9'; })) {
    return "the code must be digits only (a keypad has nothing else)";
  }
  // An unused offline code is as good as a payment: its digits stay out of the log.
  log::info("sim", connector_name(c) + ": code entered (" + std::to_string(code.size()) + " digits)");
  if (listener_) listener_->on_code_entered(c, code);
  return {};
}

std::string SimPile::press_stop(ConnectorId c) {
  if (std::string error = check_connector(c); !error.empty()) return error;
  log::info("sim", connector_name(c) + ": stop button pressed");
  if (listener_) listener_->on_stop_pressed(c);
  return {};
}

PileStatus SimPile::status() {
  PileStatus s;
  s.fault = pile_fault_;
  s.fault_info = pile_fault_info_;
  s.display_text = display_.text(0);
  for (const auto& c : connectors_) {
    ConnectorStatus cs = c->status();
    cs.display_text = display_.text(c->id());
    s.connectors.push_back(std::move(cs));
  }
  // The registers shown here count as seen: keep them durable like a meter reading.
  persist(SimConnector::Change::meter);
  return s;
}

}  // namespace ocpp::hal::sim
