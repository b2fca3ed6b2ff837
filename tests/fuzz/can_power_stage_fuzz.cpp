// Fuzz target can_power_stage: the DC power stage's CAN frame decoding (hal/can
// power_stage_frames.hpp) and the driver that acts on the decoded frames (power_stage.hpp
// PowerStage), on a bus that hands the driver whatever the input says, with a ManualEventLoop.
//
// Input: the module's node and the driver's timing, then a script of steps: a frame heard on the
// bus (any identifier, standard or extended, any length code 0-15, 8 data bytes), time passing,
// start, stop, a new current limit or voltage, or a bare frame to decode both ways.
//
// Beyond "no crash", it asserts:
// - decoding and encoding agree: a status or setpoint frame that decodes encodes back to the same
//   bytes (those the format defines), and one that does not decode has a reason;
// - every frame the driver sends is a well-formed setpoint to 0x200 + node that decodes, with the
//   voltage and current within the configured maxima, no current while the output is off, the
//   current limit rising at most ramp x period per frame, and a sequence number one above the
//   previous frame's;
// - the output is commanded on only while the module is alive and reports no fault (a silent or
//   faulted module has its output commanded off, docs/power-stage-can.md §6-7), and a silent
//   module shows no status;
// - a frame for this module that cannot be decoded is counted as malformed, and nothing else is.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/hal/can/power_stage.hpp"

namespace {

namespace can = ocpp::hal::can;

// A bus on which the input speaks: it keeps the driver's receiver and what the driver sends.
class ScriptedBus final : public can::CanBus {
 public:
  std::string send(const can::CanFrame& frame) override {
    sent.push_back(frame);
    return {};
  }
  ReceiverId add_receiver(Receiver r) override {
    receiver = std::move(r);
    return 1;
  }
  void remove_receiver(ReceiverId) override { receiver = nullptr; }
  std::string describe() const override { return "scripted bus"; }

  Receiver receiver;
  std::vector<can::CanFrame> sent;
};

can::CanFrame frame_from(ocpp::fuzz::ByteReader& in, std::uint32_t id) {
  can::CanFrame f;
  f.id = id;
  f.length = static_cast<std::uint8_t>(in.u8() & 0x0f);
  for (auto& b : f.data) b = in.u8();
  return f;
}

// Decoding and encoding agree on the bytes the format defines.
void check_codec(const can::CanFrame& f) {
  std::string error;
  if (const auto status = can::decode_status(f, error)) {
    const can::CanFrame back = can::encode_status(1, *status);
    for (std::size_t i = 0; i < 7; ++i) FUZZ_REQUIRE(back.data[i] == f.data[i]);
  } else {
    FUZZ_REQUIRE(!error.empty());
  }
  error.clear();
  if (const auto setpoint = can::decode_setpoint(f, error)) {
    const can::CanFrame back = can::encode_setpoint(1, *setpoint);
    for (std::size_t i = 0; i < 6; ++i) FUZZ_REQUIRE(back.data[i] == f.data[i]);
  } else {
    FUZZ_REQUIRE(!error.empty());
  }
}

double value_from(std::uint16_t raw) {
  switch (raw % 64) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return -1.0 * raw;
    case 2: return std::numeric_limits<double>::infinity();
    default: return raw / 10.0;
  }
}

struct Checker {
  explicit Checker(const can::PowerStageConfig& c) : config(c) {}
  const can::PowerStageConfig& config;
  std::size_t seen = 0;
  std::optional<can::Setpoint> last;

  // Every setpoint sent since the last call.
  void check_sent(const ScriptedBus& bus) {
    const double step = config.ramp_a_per_s * static_cast<double>(config.setpoint_period.count()) / 1000.0;
    for (; seen < bus.sent.size(); ++seen) {
      const can::CanFrame& f = bus.sent[seen];
      FUZZ_REQUIRE(!f.extended && f.id == can::kSetpointIdBase + static_cast<std::uint32_t>(config.node));
      FUZZ_REQUIRE(can::frame_error(f).empty());
      std::string error;
      const auto s = can::decode_setpoint(f, error);
      FUZZ_REQUIRE(s.has_value());
      FUZZ_REQUIRE(s->voltage_v <= config.max_voltage_v + 0.05);
      FUZZ_REQUIRE(s->current_a <= config.max_current_a + 0.05);
      if (!s->output_on) FUZZ_REQUIRE(s->current_a == 0);
      if (last) {
        FUZZ_REQUIRE(s->sequence == static_cast<std::uint8_t>(last->sequence + 1));
        // The wire carries tenths: allow one tenth of rounding on each side.
        if (last->output_on && s->output_on) FUZZ_REQUIRE(s->current_a <= last->current_a + step + 0.1 + 1e-9);
      }
      last = *s;
    }
  }
};

void check_state(const can::PowerStage& stage) {
  if (stage.output_commanded()) FUZZ_REQUIRE(stage.alive() && stage.fault() == ocpp::hal::ErrorCode::NoError);
  if (!stage.alive()) FUZZ_REQUIRE(!stage.status().has_value());
  FUZZ_REQUIRE(stage.current_setpoint_a() <= stage.target_current_a() + 1e-9 || !stage.output_commanded());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    ocpp::log::set_level(ocpp::log::Level::off);
    return true;
  }();
  (void)quiet;
  ocpp::fuzz::ByteReader in(data, size);
  can::PowerStageConfig config;
  config.node = 1 + in.u8() % 127;
  config.setpoint_period = std::chrono::milliseconds(20 + in.u8() % 200);
  config.heartbeat_timeout = config.setpoint_period + std::chrono::milliseconds(1 + in.u8() * 10);
  config.ramp_a_per_s = 1 + in.u8() * 4;
  config.max_current_a = 1 + in.u8() * 2;
  config.max_voltage_v = 50 + in.u8() * 5;

  ocpp::ManualClock clock;
  ocpp::ManualEventLoop loop(clock);
  ScriptedBus bus;
  can::PowerStage stage(loop, bus, config, nullptr);
  Checker checker(config);
  const std::uint32_t own_status = can::kStatusIdBase + static_cast<std::uint32_t>(config.node);

  while (!in.empty()) {
    const std::uint8_t op = in.u8();
    switch (op % 8) {
      case 0:
      case 1: {  // a frame on the bus: this module's status identifier, or any other
        const std::uint8_t how = in.u8();
        const std::uint32_t id = (how & 1) != 0 ? own_status : (in.u16() & ((how & 2) != 0 ? 0x1fffffffu : 0x7ffu));
        can::CanFrame f = frame_from(in, id);
        f.extended = (how & 2) != 0;
        std::string error;
        const bool malformed = !f.extended && f.id == own_status && !can::decode_status(f, error);
        const std::uint64_t before = stage.malformed_frames();
        if (bus.receiver) bus.receiver(f);
        FUZZ_REQUIRE(stage.malformed_frames() == before + (malformed ? 1 : 0));
        break;
      }
      case 2: loop.advance(std::chrono::milliseconds(in.u8() * 10)); break;
      case 3: (void)stage.start(); break;
      case 4: stage.stop(); break;
      case 5: stage.set_current_limit(value_from(in.u16())); break;
      case 6: stage.set_voltage(value_from(in.u16())); break;
      case 7: check_codec(frame_from(in, 0)); break;
    }
    checker.check_sent(bus);
    check_state(stage);
  }
  return 0;
}
