#pragma once
// One connector of a pile driven by the modbus driver: its pilot, contactor, PWM and lock are on
// the I/O board, its energy comes from its meter, and, for DC, its power from a power stage
// module on CAN. Every call returns at once: commands are written by the board's next poll,
// states are what the devices said at their last answer.
#include <limits>

#include "ocpp/hal/can/power_stage.hpp"
#include "ocpp/hal/hal.hpp"
#include "ocpp/hal/modbus/fault_set.hpp"
#include "ocpp/hal/modbus/io_board.hpp"
#include "ocpp/hal/modbus/modbus_meter.hpp"

namespace ocpp::hal::modbus {

class ModbusConnector final : public ConnectorHardware {
 public:
  // `stage` is null for an AC connector. `max_current_a` caps every current limit (the cable and
  // the installation's rating); `dc_voltage_v` is the output voltage a DC stage is set to.
  ModbusConnector(ConnectorId id, IoBoard& board, ModbusMeter& meter, can::PowerStage* stage, const FaultSet& faults,
                  double max_current_a, double dc_voltage_v);

  // The meter's last accepted reading (never waits for the meter).
  std::optional<MeterReading> read_meter() override { return meter_.reading(); }
  // AC: the board's contactor. DC: the contactor and the power stage's output together.
  void set_contactor(bool closed) override;
  // The board's feedback contact, not the command.
  bool contactor_closed() const override { return board_.contactor_closed(id_); }
  // AC: the PWM duty for the limit (IEC 61851-1 annex A). DC: the power stage's current limit,
  // and 5 % PWM (digital communication) while energy is offered.
  void set_current_limit(double amps) override;
  // DC: the stage's current is at most this power at its output voltage. AC: ignored.
  void set_power_limit(double watts) override;
  bool direct_current() const override { return stage_ != nullptr; }
  // AC: 6 A, the least a pilot duty can signal (IEC 61851-1 annex A). DC: any current.
  double min_current_a() const override { return stage_ == nullptr ? 6.0 : 0.0; }
  // Commands the lock and answers whether the command can be carried out (the board answers and
  // the lock is not failed). Whether it moved shows in the feedback: a lock that does not follow
  // within lock_timeout raises ConnectorLockFailure.
  bool set_locked(bool locked) override;
  PilotState pilot() const override { return board_.pilot(id_); }

  double current_limit_a() const { return limit_a_; }
  can::PowerStage* power_stage() const { return stage_; }
  ModbusMeter& meter() const { return meter_; }

 private:
  ConnectorId id_;
  IoBoard& board_;
  ModbusMeter& meter_;
  can::PowerStage* stage_;
  const FaultSet& faults_;
  double max_current_a_;
  double dc_voltage_v_;
  double limit_a_ = 0;
  double power_limit_w_ = std::numeric_limits<double>::infinity();  // none until smart charging says
  void command_stage();
};

}  // namespace ocpp::hal::modbus
