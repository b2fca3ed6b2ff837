#pragma once
// The driver of one DC power stage module on CAN (docs/power-stage-can.md): it sends the output
// voltage, the current limit and on/off every setpoint period (which doubles as the controller's
// heartbeat), ramps the current limit up at a bounded rate, reads the module's voltage, current,
// state and fault flags, and supervises the module's heartbeat: a module that falls silent faults
// its connector and has its output commanded off.
//
// Everything runs on the event loop thread (DESIGN.md principle 2): frames arrive through the
// loop, setpoints leave from a loop timer, and send() never blocks.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/can/can_bus.hpp"
#include "ocpp/hal/can/power_stage_frames.hpp"
#include "ocpp/hal/types.hpp"

namespace ocpp::hal::can {

struct PowerStageConfig {
  int node = 1;  // 1..127: setpoints go to 0x200 + node, status comes from 0x180 + node
  // Setpoints are clamped to what the module and the cable are rated for.
  double max_voltage_v = 1000;
  double max_current_a = 200;
  // The current limit rises at most this fast (A/s); it falls at once (less current is always
  // safe). docs/power-stage-can.md §5.
  double ramp_a_per_s = 50;
  std::chrono::milliseconds setpoint_period{100};
  // No status frame with a new sequence number for this long: the module is silent.
  std::chrono::milliseconds heartbeat_timeout{500};
};

class PowerStage {
 public:
  // A fault appears (code != NoError) or clears (NoError); called on the loop thread when the
  // reported fault changes. The info names the module and the cause.
  using FaultHandler = std::function<void(ErrorCode code, const std::string& info)>;

  // Throws std::invalid_argument for a node outside 1..127, limits that are not > 0, or a
  // heartbeat timeout that is not longer than the setpoint period. Starts sending setpoints
  // (output off) and supervising at once: a module that never speaks is silent after
  // heartbeat_timeout.
  PowerStage(EventLoop& loop, CanBus& bus, PowerStageConfig config, FaultHandler on_fault);
  ~PowerStage();
  PowerStage(const PowerStage&) = delete;
  PowerStage& operator=(const PowerStage&) = delete;

  // The output voltage to hold, clamped to 0..max_voltage_v.
  void set_voltage(double volts);
  // The current limit to ramp to, clamped to 0..max_current_a (NaN is 0).
  void set_current_limit(double amps);
  // Output on, the current limit ramping up from 0. Refused (false) while the module is silent or
  // reports a fault: nothing would follow the command.
  bool start();
  // Output off at once: a setpoint frame goes out now, not at the next period.
  void stop();

  int node() const { return config_.node; }
  bool output_commanded() const { return output_on_; }
  double voltage_setpoint_v() const { return voltage_v_; }
  double target_current_a() const { return target_a_; }
  // The current limit the last setpoint frame carried (the ramp's position).
  double current_setpoint_a() const { return setpoint_a_; }
  // The module's last status while it is alive; nullopt while it is silent.
  std::optional<ModuleStatus> status() const;
  bool alive() const { return alive_; }
  ErrorCode fault() const { return reported_code_; }
  const std::string& fault_info() const { return reported_info_; }
  // Frames from this module that could not be decoded (each is ignored and logged).
  std::uint64_t malformed_frames() const { return malformed_; }

 private:
  void tick();
  void send_setpoint();
  void on_frame(const CanFrame& frame);
  void update_fault();
  std::string name() const;

  EventLoop& loop_;
  CanBus& bus_;
  const PowerStageConfig config_;
  FaultHandler on_fault_;
  CanBus::ReceiverId receiver_ = 0;
  TimerId timer_ = 0;

  double voltage_v_ = 0;
  double target_a_ = 0;
  double setpoint_a_ = 0;
  bool output_on_ = false;
  std::uint8_t sequence_ = 0;

  bool alive_ = true;  // until the first heartbeat_timeout passes without a word
  SteadyTime last_heard_{};
  std::optional<ModuleStatus> status_;
  std::optional<std::uint8_t> last_sequence_;
  std::uint64_t malformed_ = 0;
  bool malformed_logged_ = false;

  ErrorCode reported_code_ = ErrorCode::NoError;
  std::string reported_info_;
};

}  // namespace ocpp::hal::can
