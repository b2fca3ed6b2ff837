#pragma once
// A DC power stage module as docs/power-stage-can.md asks an integrator's firmware to behave,
// played on a CAN bus in the test process: it follows the controller's setpoints, reports its
// status every 100 ms, turns its output off when the controller falls silent for 500 ms, and can
// be told to misbehave (fall silent, freeze its sequence counter, raise fault flags, send
// malformed frames).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/can/can_bus.hpp"
#include "ocpp/hal/can/power_stage_frames.hpp"

namespace ocpp::hal::can::test {

class SimulatedModule {
 public:
  SimulatedModule(EventLoop& loop, CanBus& bus, int node) : loop_(loop), bus_(bus), node_(node) {
    receiver_ = bus_.add_receiver([this](const CanFrame& f) { on_frame(f); });
    last_setpoint_at_ = loop_.clock().steady_now();
    timer_ = loop_.schedule_after(kPeriod, [this] { tick(); });
  }
  ~SimulatedModule() {
    loop_.cancel(timer_);
    bus_.remove_receiver(receiver_);
  }

  // What the EV accepts: the output current is min(current limit, this).
  double ev_demand_a = 1000;
  // Stops sending status frames (a module whose CAN link or firmware died).
  bool silent = false;
  // Keeps sending the same sequence number (a firmware stuck in a loop that repeats a frame).
  bool frozen_sequence = false;
  std::uint8_t faults = 0;

  ModuleState state() const { return state_; }
  double output_current_a() const { return state_ == ModuleState::on ? current_a_ : 0; }
  const std::vector<Setpoint>& setpoints() const { return setpoints_; }
  // Setpoints received that were malformed.
  int malformed_setpoints = 0;

  void send_raw(const CanFrame& f) { (void)bus_.send(f); }

 private:
  static constexpr std::chrono::milliseconds kPeriod{100};
  static constexpr std::chrono::milliseconds kControllerTimeout{500};

  void on_frame(const CanFrame& f) {
    if (f.extended || f.id != kSetpointIdBase + static_cast<std::uint32_t>(node_)) return;
    std::string error;
    const auto s = decode_setpoint(f, error);
    if (!s) {
      ++malformed_setpoints;
      return;
    }
    setpoints_.push_back(*s);
    last_setpoint_at_ = loop_.clock().steady_now();
    apply(*s);
  }

  void apply(const Setpoint& s) {
    if (faults != 0) {
      state_ = ModuleState::fault;
      return;
    }
    if (!s.output_on) {
      state_ = ModuleState::off;
      voltage_v_ = 0;
      current_a_ = 0;
      return;
    }
    // One period of precharge, then the output follows the setpoints.
    if (state_ == ModuleState::off || state_ == ModuleState::fault) {
      state_ = ModuleState::precharge;
      voltage_v_ = s.voltage_v / 2;
      current_a_ = 0;
      return;
    }
    state_ = ModuleState::on;
    voltage_v_ = s.voltage_v;
    current_a_ = std::min(s.current_a, ev_demand_a);
  }

  void tick() {
    timer_ = loop_.schedule_after(kPeriod, [this] { tick(); });
    // docs/power-stage-can.md §7: no setpoint for 500 ms turns the output off.
    if (loop_.clock().steady_now() - last_setpoint_at_ > kControllerTimeout && state_ != ModuleState::off) {
      state_ = ModuleState::off;
      voltage_v_ = 0;
      current_a_ = 0;
    }
    // docs/power-stage-can.md §6: the fault state lasts as long as a flag is set, then the module
    // is off until the controller commands it on again.
    if (faults != 0) {
      state_ = ModuleState::fault;
    } else if (state_ == ModuleState::fault) {
      state_ = ModuleState::off;
    }
    if (silent) return;
    ModuleStatus st;
    st.voltage_v = state_ == ModuleState::off ? 0 : voltage_v_;
    st.current_a = output_current_a();
    st.state = state_;
    st.faults = faults;
    st.sequence = frozen_sequence ? sequence_ : ++sequence_;
    (void)bus_.send(encode_status(node_, st));
  }

  EventLoop& loop_;
  CanBus& bus_;
  int node_;
  CanBus::ReceiverId receiver_ = 0;
  TimerId timer_ = 0;
  SteadyTime last_setpoint_at_{};
  ModuleState state_ = ModuleState::off;
  double voltage_v_ = 0;
  double current_a_ = 0;
  std::uint8_t sequence_ = 0;
  std::vector<Setpoint> setpoints_;
};

}  // namespace ocpp::hal::can::test
