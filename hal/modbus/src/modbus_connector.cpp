#include "ocpp/hal/modbus/modbus_connector.hpp"

#include <algorithm>

#include "ocpp/hal/modbus/io_board_map.hpp"

namespace ocpp::hal::modbus {

ModbusConnector::ModbusConnector(ConnectorId id, IoBoard& board, ModbusMeter& meter, can::PowerStage* stage,
                                 const FaultSet& faults, double max_current_a, double dc_voltage_v)
    : id_(id),
      board_(board),
      meter_(meter),
      stage_(stage),
      faults_(faults),
      max_current_a_(max_current_a),
      dc_voltage_v_(dc_voltage_v) {}

void ModbusConnector::set_contactor(bool closed) {
  if (stage_ != nullptr) {
    if (closed) {
      stage_->set_voltage(dc_voltage_v_);
      stage_->set_current_limit(limit_a_);
      // A module that is silent or faulted refuses; the connector's fault says why, and the
      // contactor still follows the command so that its feedback check stays meaningful.
      (void)stage_->start();
    } else {
      stage_->stop();  // the output goes off in the frame sent now, before the contactor opens
    }
  }
  board_.command_contactor(id_, closed);
}

void ModbusConnector::set_current_limit(double amps) {
  if (!(amps > 0)) amps = 0;  // also NaN: no energy offered
  limit_a_ = std::min(amps, max_current_a_);
  if (stage_ != nullptr) {
    command_stage();
    board_.command_duty(id_, limit_a_ > 0 ? io_board::kDutyDigital : io_board::kDutyNoPwm);
  } else {
    board_.command_duty(id_, io_board::duty_for_current(limit_a_));
  }
}

void ModbusConnector::set_power_limit(double watts) {
  power_limit_w_ = watts > 0 ? watts : 0;  // also NaN: no power
  if (stage_ != nullptr) command_stage();
}

void ModbusConnector::command_stage() {
  // The stage's current: the current limit, and no more than the power limit at the output voltage.
  const double by_power = dc_voltage_v_ > 0 ? power_limit_w_ / dc_voltage_v_ : 0;
  stage_->set_current_limit(std::min(limit_a_, by_power));
}

bool ModbusConnector::set_locked(bool locked) {
  board_.command_lock(id_, locked);
  if (!board_.config().has_lock) return true;
  return board_.answering() && !faults_.has(FaultSource::lock);
}

}  // namespace ocpp::hal::modbus
