// The frame set of docs/power-stage-can.md, byte for byte: the examples printed in the document
// are what the encoder produces and what the decoder reads back; malformed frames are refused
// with a reason.
#include <gtest/gtest.h>

#include "ocpp/hal/can/power_stage_frames.hpp"

namespace ocpp::hal::can {
namespace {

CanFrame bytes(std::uint32_t id, std::initializer_list<int> data) {
  CanFrame f;
  f.id = id;
  for (int b : data) f.data[f.length++] = static_cast<std::uint8_t>(b);
  return f;
}

TEST(PowerStageFrames, SetpointMatchesTheDocumentsExample) {
  // docs/power-stage-can.md §3 example: node 1, 400.0 V, 32.5 A, output on, sequence 7.
  Setpoint s;
  s.voltage_v = 400.0;
  s.current_a = 32.5;
  s.output_on = true;
  s.sequence = 7;
  const CanFrame f = encode_setpoint(1, s);
  EXPECT_EQ(f.id, 0x201u);
  EXPECT_FALSE(f.extended);
  ASSERT_EQ(f.length, 8);
  const std::array<std::uint8_t, 8> expected{0xA0, 0x0F, 0x45, 0x01, 0x01, 0x07, 0x00, 0x00};
  EXPECT_EQ(f.data, expected);
  EXPECT_EQ(to_string(f), "201#A00F450101070000");
}

TEST(PowerStageFrames, StatusMatchesTheDocumentsExample) {
  // docs/power-stage-can.md §4 example: node 1, 398.7 V, 31.9 A, on, over-temperature, sequence 200.
  const CanFrame f = bytes(0x181, {0x93, 0x0F, 0x3F, 0x01, 0x02, 0x04, 0xC8, 0x00});
  std::string error;
  const auto s = decode_status(f, error);
  ASSERT_TRUE(s) << error;
  EXPECT_DOUBLE_EQ(s->voltage_v, 398.7);
  EXPECT_DOUBLE_EQ(s->current_a, 31.9);
  EXPECT_EQ(s->state, ModuleState::on);
  EXPECT_EQ(s->faults, fault_flag::over_temperature);
  EXPECT_EQ(s->sequence, 200);
  const CanFrame again = encode_status(1, *s);
  EXPECT_EQ(again.id, f.id);
  EXPECT_EQ(again.data, f.data);
}

TEST(PowerStageFrames, ValuesOutsideTheWireRangeAreClamped) {
  Setpoint s;
  s.voltage_v = -5;
  s.current_a = 1e9;
  const CanFrame f = encode_setpoint(127, s);
  EXPECT_EQ(f.id, 0x27Fu);
  std::string error;
  const auto back = decode_setpoint(f, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(back->voltage_v, 0.0);
  EXPECT_DOUBLE_EQ(back->current_a, 6553.5);
  EXPECT_FALSE(back->output_on);
}

TEST(PowerStageFrames, MalformedFramesAreRefusedWithTheReason) {
  std::string error;
  EXPECT_FALSE(decode_status(bytes(0x181, {0x93, 0x0F, 0x3F}), error));
  EXPECT_EQ(error, "expected 8 data bytes, got 3");
  EXPECT_FALSE(decode_status(bytes(0x181, {0, 0, 0, 0, 4, 0, 1, 0}), error));
  EXPECT_EQ(error, "state byte 4 (0-3 expected)");
  EXPECT_FALSE(decode_setpoint(bytes(0x201, {0, 0, 0, 0, 2, 0, 0, 0}), error));
  EXPECT_EQ(error, "command byte 2 (0 or 1 expected)");
}

TEST(CanFrames, FramesAControllerCannotSendAreNamed) {
  CanFrame f;
  f.id = 0x800;
  EXPECT_EQ(frame_error(f), "identifier 0x800 does not fit 11 bits");
  f.extended = true;
  EXPECT_EQ(frame_error(f), "");
  f.length = 9;
  EXPECT_EQ(frame_error(f), "a classic CAN frame carries at most 8 bytes, not 9");
}

}  // namespace
}  // namespace ocpp::hal::can
