// Meter register maps: the shipped files load and cite their documents, the reads they need are
// planned into few requests, and a map file with a mistake is refused with the key's path.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ocpp/hal/modbus/meter_decoder.hpp"
#include "ocpp/hal/modbus/meter_model.hpp"

namespace ocpp::hal::modbus {
namespace {

const std::string kMeterDir = std::string(OCPP_SOURCE_DIR) + "/hal/modbus/meters";

MeterModel shipped(const std::string& name) { return load_meter_model(find_meter_model(name, {kMeterDir})); }

std::string refusal(const std::string& json) {
  try {
    parse_meter_model(json, "test");
  } catch (const MeterModelError& e) {
    return e.what();
  }
  return "(accepted)";
}

constexpr const char* kGood = R"({"title": "T", "document": "D", "registers": {
  "energy_import_wh": {"table": "input", "address": 72, "type": "float32", "word_order": "msw_first", "scale": 1000}}})";

TEST(MeterModel, EveryShippedModelLoadsAndCitesItsDocument) {
  const auto names = available_meter_models({kMeterDir});
  ASSERT_EQ(names, (std::vector<std::string>{"abb_b23", "carlo_gavazzi_em340", "eastron_sdm630"}));
  for (const auto& name : names) {
    const MeterModel m = shipped(name);
    EXPECT_EQ(m.name, name);
    EXPECT_GT(m.document.size(), 40u) << name << " must say which manufacturer's document it follows";
    EXPECT_TRUE(m.power_w.has_value()) << name;
    for (int p = 0; p < 3; ++p) {
      EXPECT_TRUE(m.voltage_v[static_cast<std::size_t>(p)].has_value()) << name;
      EXPECT_TRUE(m.current_a[static_cast<std::size_t>(p)].has_value()) << name;
    }
  }
}

TEST(MeterModel, TheShippedModelsCoverFloatsScaledIntegersInt64AndBothWordOrders) {
  const MeterModel sdm = shipped("eastron_sdm630");
  const MeterModel abb = shipped("abb_b23");
  const MeterModel em = shipped("carlo_gavazzi_em340");
  EXPECT_EQ(sdm.energy_wh.type, ValueType::f32);
  EXPECT_EQ(sdm.energy_wh.table, Table::input);
  EXPECT_EQ(sdm.energy_wh.address, 72);
  EXPECT_EQ(abb.energy_wh.type, ValueType::u64);
  EXPECT_EQ(abb.energy_wh.address, 0x5000);
  EXPECT_EQ(abb.power_w->type, ValueType::i32);
  EXPECT_TRUE(abb.all_ones_is_missing);
  EXPECT_EQ(em.energy_wh.type, ValueType::i32);
  EXPECT_EQ(em.energy_wh.order, WordOrder::lsw_first);
  EXPECT_EQ(sdm.energy_wh.order, WordOrder::msw_first);
}

TEST(MeterModel, ReadsAreJoinedWithinTheModelsLimits) {
  // SDM630: adjacent only: voltages and currents (0-11), power (52), energy (72).
  const MeterDecoder sdm(shipped("eastron_sdm630"));
  ASSERT_EQ(sdm.blocks().size(), 3u);
  EXPECT_EQ(sdm.blocks()[0].address, 0);
  EXPECT_EQ(sdm.blocks()[0].count, 12);
  // ABB: energy at 5000h, and 5B00h-5B15h in one request across the line voltages.
  const MeterDecoder abb(shipped("abb_b23"));
  ASSERT_EQ(abb.blocks().size(), 2u);
  EXPECT_EQ(abb.blocks()[1].address, 0x5B00);
  EXPECT_EQ(abb.blocks()[1].count, 0x16);
  // EM340: within 50 registers and 24 unused between: 0000h-0029h (voltages to power), then the
  // energy at 0034h (joining it would make 54).
  const MeterDecoder em(shipped("carlo_gavazzi_em340"));
  ASSERT_EQ(em.blocks().size(), 2u);
  EXPECT_EQ(em.blocks()[0].address, 0);
  EXPECT_EQ(em.blocks()[0].count, 0x2A);
  EXPECT_EQ(em.blocks()[1].address, 0x34);
  EXPECT_EQ(em.blocks()[1].count, 2);
  for (const auto* d : {&sdm, &abb, &em}) {
    for (const auto& b : d->blocks()) EXPECT_LE(b.count, d->model().max_registers_per_read);
  }
}

TEST(MeterModel, TheResolutionIsTheRegistersStepOrWhatADoubleHoldsIfCoarser) {
  // ABB B23: a 64-bit register of 10 Wh steps. Up to 2^53 steps a double holds every step; beyond,
  // the double's own spacing (two units in the last place) is the resolution, or a reading read
  // back through encode/decode would differ from itself by more than "one step" (seen on aarch64,
  // whose fused multiply-add keeps the product exact).
  const MeterDecoder abb(shipped("abb_b23"));
  EXPECT_EQ(abb.energy_resolution_wh(1234567.0), 10.0);
  EXPECT_EQ(abb.energy_resolution_wh(0x1p53 * 10 / 2), 10.0);
  const double huge = 0x1.f401f901fe02p+57;  // about 2^54.6 steps
  EXPECT_EQ(abb.energy_resolution_wh(huge), 0x1p3 * 10);
  // A float register: one unit in the float's last place at that magnitude.
  const MeterDecoder sdm(shipped("eastron_sdm630"));
  EXPECT_EQ(sdm.energy_resolution_wh(1.0e6), std::ldexp(1.0, 9 - 23) * 1000);  // 1000 kWh: 2^9 to 2^10
}

TEST(MeterModel, DecodingChecksTheShapeOfWhatCameBack) {
  const MeterDecoder sdm(shipped("eastron_sdm630"));
  EXPECT_FALSE(sdm.decode({}).reading);
  EXPECT_EQ(sdm.decode({}).error, "expected 3 register blocks, got 0");
  EXPECT_FALSE(sdm.decode({std::vector<std::uint16_t>(12), std::vector<std::uint16_t>(2), std::vector<std::uint16_t>(1)}).reading);
}

TEST(MeterModel, MistakesAreRefusedWithTheKeyPath) {
  EXPECT_EQ(refusal(kGood), "(accepted)");
  EXPECT_EQ(refusal(R"({"title": "T", "registers": {}})"),
            "document: required key missing (the manufacturer's document this map comes from)");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "registers": {}})"), "registers.energy_import_wh: required key missing");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "colour": 1, "registers": {}})"), "colour: unknown key");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "input", "address": 1, "type": "float", "word_order": "msw_first"}}})"),
            "registers.energy_import_wh.type: expected one of uint16, int16, uint32, int32, uint64, int64, float32, got \"float\"");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "input", "address": 1, "type": "int32"}}})"),
            "registers.energy_import_wh.word_order: required for a int32 (\"msw_first\" or \"lsw_first\", as the meter's manual says)");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "coils", "address": 1, "type": "uint16"}}})"),
            "registers.energy_import_wh.table: expected \"holding\" (function 03) or \"input\" (function 04), got \"coils\"");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "input", "address": "5B00", "type": "uint16"}}})"),
            "registers.energy_import_wh.address: expected a register address 0-65535 (a number, or \"0x\" and hex digits), got \"5B00\"");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "input", "address": 65535, "type": "uint32", "word_order": "msw_first"}}})"),
            "registers.energy_import_wh.address: the value would run past register 65535");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "input", "address": 1, "type": "uint16", "scale": 0}}})"),
            "registers.energy_import_wh.scale: must not be 0");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "input", "address": 1, "type": "uint16"}, "power_kw": {}}})"),
            "registers.power_kw: unknown key");
  EXPECT_EQ(refusal(R"({"title": "T", "document": "D", "max_registers_per_read": 200, "registers": {}})"),
            "max_registers_per_read: expected an integer 4-125, got 200");
  EXPECT_EQ(refusal("{\"title\": "), "malformed JSON at offset 10: Invalid value.");
}

TEST(MeterModel, HexAddressesAreReadAsTheManualsPrintThem) {
  const MeterModel m = parse_meter_model(
      R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "holding", "address": "0x5B14", "type": "uint16"}}})", "x");
  EXPECT_EQ(m.energy_wh.address, 0x5B14);
}

TEST(MeterModel, ModelsAreFoundByNameOrPathAndAnUnknownNameSaysWhatExists) {
  EXPECT_EQ(find_meter_model("abb_b23", {"/nonexistent", kMeterDir}), kMeterDir + "/abb_b23.json");
  EXPECT_EQ(find_meter_model("/etc/ocpp/my_meter.json", {kMeterDir}), "/etc/ocpp/my_meter.json");
  try {
    find_meter_model("sdm630", {kMeterDir});
    FAIL() << "found a model that does not exist";
  } catch (const MeterModelError& e) {
    EXPECT_EQ(std::string(e.what()), "no meter model \"sdm630\" in " + kMeterDir +
                                         "; known models: abb_b23, carlo_gavazzi_em340, eastron_sdm630");
  }
  EXPECT_THROW(find_meter_model("..", {kMeterDir}), MeterModelError);
}

TEST(MeterModel, AFileWithAMistakeNamesTheFile) {
  const std::string path = (std::filesystem::temp_directory_path() / "ocpp-meter-test-broken.json").string();
  {
    std::ofstream out(path);
    out << R"({"title": "T", "document": "D", "registers": {"energy_import_wh": {"table": "input", "address": -1, "type": "uint16"}}})";
  }
  try {
    load_meter_model(path);
    FAIL() << "accepted a negative address";
  } catch (const MeterModelError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": registers.energy_import_wh.address: expected a register address 0-65535 (a number, or \"0x\" and hex digits), got -1");
  }
  std::remove(path.c_str());
  EXPECT_THROW(load_meter_model(path), MeterModelError);
}

}  // namespace
}  // namespace ocpp::hal::modbus
