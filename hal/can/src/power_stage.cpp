#include "ocpp/hal/can/power_stage.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "ocpp/common/log.hpp"

namespace ocpp::hal::can {
namespace {

const PowerStageConfig& checked(const PowerStageConfig& c) {
  if (c.node < kMinNode || c.node > kMaxNode) {
    throw std::invalid_argument("power stage: node must be 1..127, got " + std::to_string(c.node));
  }
  if (!(c.max_voltage_v > 0) || !(c.max_current_a > 0) || !(c.ramp_a_per_s > 0)) {
    throw std::invalid_argument("power stage: max_voltage_v, max_current_a and ramp_a_per_s must be > 0");
  }
  if (c.setpoint_period.count() <= 0 || c.heartbeat_timeout <= c.setpoint_period) {
    throw std::invalid_argument("power stage: the heartbeat timeout must be longer than the setpoint period");
  }
  return c;
}

double clamp_to(double value, double max) {
  if (!(value > 0)) return 0;  // also NaN
  return std::min(value, max);
}

// docs/power-stage-can.md §6: the fault flags in the order they are reported when several are set
// (one error code per connector: the most serious first).
struct FlagMeaning {
  std::uint8_t flag;
  ErrorCode code;
  const char* text;
};
constexpr FlagMeaning kFlags[] = {
    {fault_flag::over_voltage, ErrorCode::OverVoltage, "output over-voltage"},
    {fault_flag::over_current, ErrorCode::OverCurrentFailure, "output over-current"},
    {fault_flag::isolation, ErrorCode::GroundFailure, "isolation fault (output to earth)"},
    {fault_flag::over_temperature, ErrorCode::HighTemperature, "over-temperature"},
    {fault_flag::input, ErrorCode::OtherError, "AC input out of range"},
    {fault_flag::internal, ErrorCode::InternalError, "internal fault"},
};

}  // namespace

PowerStage::PowerStage(EventLoop& loop, CanBus& bus, PowerStageConfig config, FaultHandler on_fault)
    : loop_(loop), bus_(bus), config_(checked(config)), on_fault_(std::move(on_fault)) {
  last_heard_ = loop_.clock().steady_now();
  receiver_ = bus_.add_receiver([this](const CanFrame& frame) { on_frame(frame); });
  send_setpoint();
  timer_ = loop_.schedule_after(config_.setpoint_period, [this] { tick(); });
}

PowerStage::~PowerStage() {
  loop_.cancel(timer_);
  bus_.remove_receiver(receiver_);
}

std::string PowerStage::name() const { return "power stage " + std::to_string(config_.node) + " on " + bus_.describe(); }

void PowerStage::set_voltage(double volts) { voltage_v_ = clamp_to(volts, config_.max_voltage_v); }

void PowerStage::set_current_limit(double amps) {
  target_a_ = clamp_to(amps, config_.max_current_a);
  // Less current is always safe: no ramp down.
  if (setpoint_a_ > target_a_) setpoint_a_ = target_a_;
}

bool PowerStage::start() {
  if (!alive_ || reported_code_ != ErrorCode::NoError) {
    log::warn("can", name() + ": output not started: " + (reported_info_.empty() ? "module not ready" : reported_info_));
    return false;
  }
  if (output_on_) return true;
  output_on_ = true;
  setpoint_a_ = 0;  // docs/power-stage-can.md §5: every start ramps from 0
  log::info("can", name() + ": output on, " + std::to_string(voltage_v_) + " V, ramping to " + std::to_string(target_a_) + " A");
  send_setpoint();
  return true;
}

void PowerStage::stop() {
  const bool was_on = output_on_;
  output_on_ = false;
  setpoint_a_ = 0;
  if (was_on) log::info("can", name() + ": output off");
  send_setpoint();
}

std::optional<ModuleStatus> PowerStage::status() const {
  if (!alive_) return std::nullopt;
  return status_;
}

void PowerStage::tick() {
  timer_ = loop_.schedule_after(config_.setpoint_period, [this] { tick(); });
  const SteadyTime now = loop_.clock().steady_now();
  if (alive_ && now - last_heard_ > config_.heartbeat_timeout) {
    // docs/power-stage-can.md §7: a silent module faults the connector and its output is
    // commanded off, so that it does not come back on by itself when it speaks again.
    alive_ = false;
    status_.reset();
    output_on_ = false;
    setpoint_a_ = 0;
    log::error("can", name() + ": silent for more than " + std::to_string(config_.heartbeat_timeout.count()) +
                          " ms; output commanded off");
    update_fault();
  }
  if (output_on_) {
    // docs/power-stage-can.md §5: the limit rises by at most ramp x period per frame.
    const double step = config_.ramp_a_per_s * static_cast<double>(config_.setpoint_period.count()) / 1000.0;
    setpoint_a_ = std::min(target_a_, setpoint_a_ + step);
  }
  send_setpoint();
}

void PowerStage::send_setpoint() {
  Setpoint s;
  s.voltage_v = voltage_v_;
  s.current_a = output_on_ ? setpoint_a_ : 0;
  s.output_on = output_on_;
  s.sequence = sequence_++;
  // A failed send is logged by the bus; the next period sends again, and the module's own
  // timeout (docs/power-stage-can.md §7) turns the output off if none get through.
  (void)bus_.send(encode_setpoint(config_.node, s));
}

void PowerStage::on_frame(const CanFrame& frame) {
  if (frame.extended || frame.id != kStatusIdBase + static_cast<std::uint32_t>(config_.node)) return;
  std::string error;
  const auto status = decode_status(frame, error);
  if (!status) {
    ++malformed_;
    if (!malformed_logged_) {
      log::warn("can", name() + ": malformed status frame " + to_string(frame) + " ignored: " + error +
                           " (further ones are counted, not logged, until a good one arrives)");
    }
    malformed_logged_ = true;
    return;
  }
  malformed_logged_ = false;
  // A frame repeating the last sequence number is not a sign of life (docs/power-stage-can.md §7),
  // also across a silence: a module stuck repeating one frame stays silent.
  if (last_sequence_ && status->sequence == *last_sequence_) return;
  last_sequence_ = status->sequence;
  last_heard_ = loop_.clock().steady_now();
  if (!alive_) log::info("can", name() + ": speaks again (" + to_string(status->state) + ")");
  alive_ = true;
  status_ = *status;
  if (output_on_ && (status_->faults != 0 || status_->state == ModuleState::fault)) {
    // docs/power-stage-can.md §6: a module fault commands the output off, so that the module
    // does not restart by itself when its fault clears; start() again after that.
    output_on_ = false;
    setpoint_a_ = 0;
    send_setpoint();
  }
  update_fault();
}

void PowerStage::update_fault() {
  ErrorCode code = ErrorCode::NoError;
  std::string info;
  if (!alive_) {
    code = ErrorCode::OtherError;
    info = name() + " silent: output opened";
  } else if (status_ && (status_->faults != 0 || status_->state == ModuleState::fault)) {
    for (const auto& f : kFlags) {
      if ((status_->faults & f.flag) != 0) {
        code = f.code;
        info = name() + ": " + f.text;
        break;
      }
    }
    if (code == ErrorCode::NoError) {
      code = ErrorCode::InternalError;
      info = name() + ((status_->faults & fault_flag::reserved) != 0
                           ? ": unknown fault flags " + std::to_string(status_->faults)
                           : std::string(": module reports its fault state"));
    }
  }
  if (code == reported_code_ && info == reported_info_) return;
  reported_code_ = code;
  reported_info_ = info;
  if (code != ErrorCode::NoError) log::warn("can", info);
  else log::info("can", name() + ": no fault");
  if (on_fault_) on_fault_(code, info);
}

}  // namespace ocpp::hal::can
