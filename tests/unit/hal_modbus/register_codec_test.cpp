// Values in registers: every type in both word orders, from words worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ocpp/hal/modbus/register_codec.hpp"

namespace ocpp::hal::modbus {
namespace {

double value(std::vector<std::uint16_t> regs, ValueType t, WordOrder o) {
  const auto v = decode(regs.data(), t, o);
  EXPECT_TRUE(v.has_value());
  return v.value_or(-12345);
}

TEST(RegisterCodec, SixteenBitValues) {
  EXPECT_EQ(value({0xFFFE}, ValueType::u16, WordOrder::msw_first), 65534.0);
  EXPECT_EQ(value({0xFFFE}, ValueType::i16, WordOrder::msw_first), -2.0);
}

TEST(RegisterCodec, ThirtyTwoBitValuesInBothWordOrders) {
  // 0x00012345 = 74565
  EXPECT_EQ(value({0x0001, 0x2345}, ValueType::u32, WordOrder::msw_first), 74565.0);
  EXPECT_EQ(value({0x2345, 0x0001}, ValueType::u32, WordOrder::lsw_first), 74565.0);
  // -74565 = 0xFFFEDCBB
  EXPECT_EQ(value({0xFFFE, 0xDCBB}, ValueType::i32, WordOrder::msw_first), -74565.0);
  EXPECT_EQ(value({0xDCBB, 0xFFFE}, ValueType::i32, WordOrder::lsw_first), -74565.0);
}

TEST(RegisterCodec, SixtyFourBitValuesInBothWordOrders) {
  // 0x0000_0001_0000_0002 = 4294967298
  EXPECT_EQ(value({0x0000, 0x0001, 0x0000, 0x0002}, ValueType::u64, WordOrder::msw_first), 4294967298.0);
  EXPECT_EQ(value({0x0002, 0x0000, 0x0001, 0x0000}, ValueType::u64, WordOrder::lsw_first), 4294967298.0);
  EXPECT_EQ(value({0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF}, ValueType::i64, WordOrder::msw_first), -1.0);
}

TEST(RegisterCodec, FloatsAndTheirNonValues) {
  // 1234.5f = 0x449A5000
  EXPECT_EQ(value({0x449A, 0x5000}, ValueType::f32, WordOrder::msw_first), 1234.5);
  EXPECT_EQ(value({0x5000, 0x449A}, ValueType::f32, WordOrder::lsw_first), 1234.5);
  const std::uint16_t nan[] = {0x7FC0, 0x0000};
  EXPECT_FALSE(decode(nan, ValueType::f32, WordOrder::msw_first).has_value());
  const std::uint16_t inf[] = {0x7F80, 0x0000};
  EXPECT_FALSE(decode(inf, ValueType::f32, WordOrder::msw_first).has_value());
}

TEST(RegisterCodec, AllOnesIsRecognisedPerWidth) {
  const std::uint16_t ones[] = {0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF};
  const std::uint16_t almost[] = {0xFFFF, 0xFFFE, 0xFFFF, 0xFFFF};
  EXPECT_TRUE(all_ones(ones, ValueType::u32));
  EXPECT_TRUE(all_ones(ones, ValueType::u64));
  EXPECT_FALSE(all_ones(almost, ValueType::u32));
}

TEST(RegisterCodec, EncodeIsTheInverseAndSaturates) {
  for (const auto order : {WordOrder::msw_first, WordOrder::lsw_first}) {
    for (const auto type : {ValueType::u16, ValueType::i16, ValueType::u32, ValueType::i32, ValueType::u64, ValueType::i64, ValueType::f32}) {
      const double v = type == ValueType::u16 || type == ValueType::u32 || type == ValueType::u64 ? 4321 : -4321;
      const auto regs = encode(v, type, order);
      ASSERT_EQ(static_cast<int>(regs.size()), register_count(type));
      EXPECT_EQ(value(regs, type, order), v) << to_string(type) << " " << to_string(order);
    }
  }
  EXPECT_EQ(encode(1e9, ValueType::u16, WordOrder::msw_first), std::vector<std::uint16_t>{0xFFFF});
  EXPECT_EQ(encode(-5, ValueType::u32, WordOrder::msw_first), (std::vector<std::uint16_t>{0, 0}));
  EXPECT_EQ(encode(74565, ValueType::u32, WordOrder::lsw_first), (std::vector<std::uint16_t>{0x2345, 0x0001}));
}

TEST(RegisterCodec, TypeNames) {
  ValueType t{};
  EXPECT_TRUE(value_type_from_string("int64", t));
  EXPECT_EQ(t, ValueType::i64);
  EXPECT_FALSE(value_type_from_string("float", t));
  EXPECT_EQ(to_string(ValueType::f32), "float32");
}

}  // namespace
}  // namespace ocpp::hal::modbus
