#include "ocpp/hal/modbus/modbus_pile.hpp"

#include <set>
#include <stdexcept>

#include "ocpp/common/log.hpp"
#include "ocpp/hal/can/socket_can_bus.hpp"
#include "ocpp/hal/modbus/meter_model.hpp"

namespace ocpp::hal::modbus {
namespace {

std::string connector_name(ConnectorId c) { return "connector " + std::to_string(c); }

void check_connector(ConnectorId c, int count, const std::string& what) {
  if (c < 1 || c > count) {
    throw std::invalid_argument(what + ": " + connector_name(c) + " does not exist (the I/O board serves " +
                                std::to_string(count) + ")");
  }
}

// A reason that fits OCPP 1.6's 50-character info for the sources whose own text may not.
std::string short_reason(FaultSource s) {
  switch (s) {
    case FaultSource::board_silent: return "I/O board does not answer";
    case FaultSource::emergency_stop: return "emergency stop pressed";
    case FaultSource::power_stage_silent: return "power stage does not answer";
    case FaultSource::contactor: return "contactor fault";
    case FaultSource::residual_current: return "residual current device tripped";
    case FaultSource::over_current: return "over-current";
    case FaultSource::power_stage: return "power stage fault";
    case FaultSource::over_temperature: return "over-temperature";
    case FaultSource::meter_silent: return "meter does not answer";
    case FaultSource::meter_implausible: return "meter reading implausible";
    case FaultSource::lock: return "lock fault";
    case FaultSource::reader: return "RFID reader not working";
    case FaultSource::count_: break;
  }
  return "hardware fault";
}

}  // namespace

ModbusPile::ModbusPile(EventLoop& loop, PileConfig config, CanBusFactory can_factory) : loop_(loop) {
  const int n = config.io_board.config.connectors;
  if (n < 1) throw std::invalid_argument("io_board: a pile has at least 1 connector");
  faults_.resize(static_cast<std::size_t>(n + 1));

  if (config.buses.empty()) throw std::invalid_argument("buses: at least one Modbus bus is needed");
  for (auto& b : config.buses) {
    if (b.name.empty()) throw std::invalid_argument("buses: a bus needs a name");
    const std::string name = b.name;
    if (buses_.count(name) != 0) throw std::invalid_argument("buses: two buses are named " + name);
    buses_.emplace(name, std::make_unique<ModbusBus>(loop, std::move(b)));
  }

  board_ = std::make_unique<IoBoard>(loop, bus(config.io_board.bus), config.io_board.config,
                                     static_cast<IoBoardListener&>(*this));

  const auto dirs = config.meter_dirs.empty() ? default_meter_dirs() : config.meter_dirs;
  meters_.resize(static_cast<std::size_t>(n));
  for (auto& m : config.meters) {
    check_connector(m.connector, n, "meters");
    auto& slot = meters_[static_cast<std::size_t>(m.connector - 1)];
    if (slot) throw std::invalid_argument("meters: " + connector_name(m.connector) + " has two meters");
    MeterModel model = load_meter_model(find_meter_model(m.model, dirs));
    if (m.config.label == "meter") m.config.label = "meter of " + connector_name(m.connector);
    const ConnectorId c = m.connector;
    slot = std::make_unique<ModbusMeter>(loop, bus(m.bus), std::move(model), m.config,
                                         [this, c](FaultSource s, ErrorCode code, const std::string& info) { report(c, s, code, info); });
  }
  for (ConnectorId c = 1; c <= n; ++c) {
    if (!meters_[static_cast<std::size_t>(c - 1)]) {
      throw std::invalid_argument("meters: " + connector_name(c) + " has no meter (every connector needs one)");
    }
  }

  stages_.resize(static_cast<std::size_t>(n));
  if (!config.power_stages.empty()) {
    if (config.can_interface.empty()) throw std::invalid_argument("power_stage: the CAN interface is missing");
    can_bus_ = can_factory ? can_factory(loop, config.can_interface)
                           : std::make_unique<can::SocketCanBus>(loop, config.can_interface);
    std::set<int> nodes;
    for (const auto& s : config.power_stages) {
      check_connector(s.connector, n, "power_stage");
      auto& slot = stages_[static_cast<std::size_t>(s.connector - 1)];
      if (slot) throw std::invalid_argument("power_stage: " + connector_name(s.connector) + " has two modules");
      if (!nodes.insert(s.config.node).second) {
        throw std::invalid_argument("power_stage: two modules have node " + std::to_string(s.config.node));
      }
      const ConnectorId c = s.connector;
      slot = std::make_unique<can::PowerStage>(loop, *can_bus_, s.config,
                                               [this, c](ErrorCode code, const std::string& info) { stage_fault(c, code, info); });
    }
  }

  for (ConnectorId c = 1; c <= n; ++c) {
    const auto i = static_cast<std::size_t>(c - 1);
    double voltage = 0;
    for (const auto& s : config.power_stages) {
      if (s.connector == c) voltage = s.voltage_v;
    }
    connectors_.push_back(std::make_unique<ModbusConnector>(c, *board_, *meters_[i], stages_[i].get(), faults_[i + 1],
                                                            config.io_board.max_current_a, voltage));
  }

  // The start-up state, read before anyone asks for it; then the polls run on the loop.
  board_->read_now();
  for (auto& m : meters_) m->read_now();
  board_->start();
  for (auto& m : meters_) m->start();
  log::info("modbus", "pile with " + std::to_string(n) + " connectors on " + std::to_string(buses_.size()) + " Modbus bus" +
                          (buses_.size() == 1 ? "" : "es") +
                          (can_bus_ ? ", power stages on " + can_bus_->describe() : std::string()));
}

ModbusPile::~ModbusPile() {
  // Devices first, their buses after: a bus's thread may still be running a device's job.
  connectors_.clear();
  stages_.clear();
  can_bus_.reset();
  meters_.clear();
  board_.reset();
  buses_.clear();
}

ModbusBus& ModbusPile::bus(const std::string& name) {
  const auto it = buses_.find(name);
  if (it == buses_.end()) {
    std::string known;
    for (const auto& [n, b] : buses_) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("no Modbus bus named \"" + name + "\" (buses: " + known + ")");
  }
  return *it->second;
}

ModbusConnector& ModbusPile::modbus_connector(ConnectorId id) {
  if (id < 1 || id > connector_count()) {
    throw std::out_of_range(connector_name(id) + " does not exist (this pile has " + std::to_string(connector_count()) + ")");
  }
  return *connectors_[static_cast<std::size_t>(id - 1)];
}

const Fault& ModbusPile::fault(ConnectorId id) const { return faults_.at(static_cast<std::size_t>(id)).reported(); }

void ModbusPile::set_listener(HalListener* listener) {
  listener_ = listener;
  if (listener_ == nullptr) return;
  for (std::size_t c = 0; c < faults_.size(); ++c) {
    const Fault& f = faults_[c].reported();
    if (f.code != ErrorCode::NoError) listener_->on_fault(static_cast<ConnectorId>(c), f.code, f.info);
  }
}

void ModbusPile::report(ConnectorId c, FaultSource source, ErrorCode code, const std::string& info, const std::string& detail) {
  const bool too_long = info.size() > kMaxInfo;
  const auto changed = faults_.at(static_cast<std::size_t>(c))
                           .set(source, code, too_long ? short_reason(source) : info, detail.empty() ? info : detail);
  if (changed && listener_ != nullptr) listener_->on_fault(c, changed->code, changed->info);
}

void ModbusPile::stage_fault(ConnectorId c, ErrorCode code, const std::string& info) {
  const can::PowerStage& stage = *stages_[static_cast<std::size_t>(c - 1)];
  if (code == ErrorCode::NoError) {
    report(c, FaultSource::power_stage_silent, ErrorCode::NoError, {});
    report(c, FaultSource::power_stage, ErrorCode::NoError, {});
    return;
  }
  if (!stage.alive()) {
    // docs/power-stage-can.md §7: a silent module's output is commanded off (the driver did) and
    // the connector's contactor opens, whatever the core does next.
    board_->command_contactor(c, false);
    report(c, FaultSource::power_stage, ErrorCode::NoError, {});
    report(c, FaultSource::power_stage_silent, code, info);
  } else {
    report(c, FaultSource::power_stage_silent, ErrorCode::NoError, {});
    report(c, FaultSource::power_stage, code, info);
  }
}

void ModbusPile::board_pilot(ConnectorId c, PilotState state) {
  if (listener_ != nullptr) listener_->on_pilot_changed(c, state);
}

void ModbusPile::board_id(ConnectorId c, const std::string& uid_hex) {
  if (listener_ != nullptr) listener_->on_id_presented(c, uid_hex);
}

void ModbusPile::board_code(ConnectorId c, const std::string& digits) {
  if (listener_ != nullptr) listener_->on_code_entered(c, digits);
}

void ModbusPile::board_stop(ConnectorId c) {
  if (listener_ != nullptr) listener_->on_stop_pressed(c);
}

void ModbusPile::board_fault(ConnectorId c, FaultSource source, ErrorCode code, const std::string& info,
                             const std::string& detail) {
  report(c, source, code, info, detail);
}

void ModbusPile::board_power_path(ConnectorId c, bool closed) {
  if (listener_ != nullptr) listener_->on_power_path(c, closed);
}

}  // namespace ocpp::hal::modbus
