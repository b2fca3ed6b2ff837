#pragma once
// A pile whose hardware speaks published protocols (issue 7; docs/configuration.md, "The modbus
// driver"): energy meters and the I/O board (docs/io-board-modbus.md) on Modbus RTU or TCP buses,
// and, for DC connectors, power stage modules on CAN (docs/power-stage-can.md).
//
// Threads: one per Modbus bus and one per CAN interface, each posting to the event loop; all
// else, listener calls included, runs on the loop thread (DESIGN.md principle 2).
//
// Faults: each connector (and the pile, connector 0) reports the most serious fault of its
// sources (FaultSet) through HalListener::on_fault, and NoError when the last one clears. The
// `info` it gives is a short reason within 1.6's 50 characters; the full one is logged and kept
// in fault(id).detail (issue 14).
//
// The power path: HalListener::on_power_path follows the I/O board's contactor feedback.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/can/can_bus.hpp"
#include "ocpp/hal/can/power_stage.hpp"
#include "ocpp/hal/hal.hpp"
#include "ocpp/hal/modbus/fault_set.hpp"
#include "ocpp/hal/modbus/io_board.hpp"
#include "ocpp/hal/logged_display.hpp"
#include "ocpp/hal/modbus/modbus_bus.hpp"
#include "ocpp/hal/modbus/modbus_connector.hpp"
#include "ocpp/hal/modbus/modbus_meter.hpp"

namespace ocpp::hal::modbus {

struct MeterSetup {
  ConnectorId connector = 1;
  std::string bus;    // a BusConfig name
  std::string model;  // a model name (looked up in meter_dirs) or a path to a map file
  MeterConfig config;
};

struct IoBoardSetup {
  std::string bus;
  IoBoardConfig config;  // config.connectors is the pile's connector count
  double max_current_a = 32;  // what the cables and the installation carry
};

struct PowerStageSetup {
  ConnectorId connector = 1;
  can::PowerStageConfig config;
  double voltage_v = 400;  // the output voltage set when the connector's contactor closes
};

struct PileConfig {
  std::vector<BusConfig> buses;
  std::vector<std::string> meter_dirs;  // empty: default_meter_dirs()
  std::vector<MeterSetup> meters;       // one per connector
  IoBoardSetup io_board;
  std::string can_interface;            // needed with power stages
  std::vector<PowerStageSetup> power_stages;  // at most one per connector
};

// Makes the CAN bus of an interface; the default opens a SocketCanBus.
using CanBusFactory = std::function<std::unique_ptr<can::CanBus>(EventLoop& loop, const std::string& interface)>;

class ModbusPile final : public Hal, private IoBoardListener {
 public:
  // Builds every device, reads each once and waits for the answers (so that the core starts on
  // real pilot states and meter registers; a device that does not answer costs its bus's
  // response timeout), then polls. Call it before the event loop runs.
  // Throws std::invalid_argument for a configuration that cannot work (naming what is wrong),
  // MeterModelError for a meter map that cannot be found or used, std::runtime_error for a CAN
  // interface that cannot be opened.
  ModbusPile(EventLoop& loop, PileConfig config, CanBusFactory can_factory = {});
  ~ModbusPile() override;
  ModbusPile(const ModbusPile&) = delete;
  ModbusPile& operator=(const ModbusPile&) = delete;

  // Hal
  int connector_count() const override { return static_cast<int>(connectors_.size()); }
  // Throws std::out_of_range outside 1..connector_count().
  ConnectorHardware& connector(ConnectorId id) override { return modbus_connector(id); }
  Display& display() override { return display_; }
  // Faults already present are told to the new listener at once.
  void set_listener(HalListener* listener) override;

  ModbusConnector& modbus_connector(ConnectorId id);
  const LoggedDisplay& log_display() const { return display_; }
  IoBoard& io_board() { return *board_; }
  // The fault connector `id` reports now (0: the pile), with its full text in `detail`.
  const Fault& fault(ConnectorId id) const;
  ModbusBus& bus(const std::string& name);

 private:
  // IoBoardListener
  void board_pilot(ConnectorId c, PilotState state) override;
  void board_id(ConnectorId c, const std::string& uid_hex) override;
  void board_code(ConnectorId c, const std::string& digits) override;
  void board_stop(ConnectorId c) override;
  void board_fault(ConnectorId c, FaultSource source, ErrorCode code, const std::string& info,
                   const std::string& detail) override;
  void board_power_path(ConnectorId c, bool closed) override;

  // `info` longer than kMaxInfo (the meters' and power stages' texts) becomes the source's short
  // reason, and the long text its detail.
  void report(ConnectorId c, FaultSource source, ErrorCode code, const std::string& info, const std::string& detail = {});
  void stage_fault(ConnectorId c, ErrorCode code, const std::string& info);

  EventLoop& loop_;
  HalListener* listener_ = nullptr;
  LoggedDisplay display_{"display"};
  std::vector<FaultSet> faults_;  // 0: the pile, 1..N: connectors
  std::map<std::string, std::unique_ptr<ModbusBus>> buses_;
  std::unique_ptr<IoBoard> board_;
  std::vector<std::unique_ptr<ModbusMeter>> meters_;  // index connector - 1
  std::unique_ptr<can::CanBus> can_bus_;
  std::vector<std::unique_ptr<can::PowerStage>> stages_;  // index connector - 1, null for AC
  std::vector<std::unique_ptr<ModbusConnector>> connectors_;
};

}  // namespace ocpp::hal::modbus
