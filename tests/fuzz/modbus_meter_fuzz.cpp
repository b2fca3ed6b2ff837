// Fuzz target modbus_meter: the Modbus register-map decoding of meter values (hal/modbus
// meter_model.hpp parse_meter_model, meter_decoder.hpp MeterDecoder: the read plan and decode) and
// the register codec under it (register_codec.hpp).
//
// Input: a first byte that picks the map: one of the three shipped in hal/modbus/meters, or (every
// fourth value) a map in the input itself, as JSON up to the first NUL byte. A second byte says
// whether the blocks are handed over at their planned sizes or one of them a register short. The
// rest are the register words the meter answers, block after block (zeros past the end).
//
// Beyond "no crash", it asserts:
// - the read plan covers every quantity of the map with a block of its table, never past
//   register 65535, each block within the map's max_registers_per_read (a quantity wider than the
//   limit alone in its block);
// - decoding is exact against an independent reading of the same registers (register_codec's
//   decode at the quantity's own address, times its scale, "all ones" and NaN left out): the block
//   offsets lose and shift nothing; the energy register decides whether there is a reading at all
//   (no value or a negative one is an error with a reason);
// - blocks of the wrong size are an error, not a reading;
// - a reading's energy, written back into its register the way the simulated meters write it
//   (register_codec's encode), reads back within energy_resolution_wh of it.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "ocpp/hal/modbus/meter_decoder.hpp"
#include "ocpp/hal/modbus/meter_model.hpp"

namespace {

namespace mb = ocpp::hal::modbus;

const std::vector<mb::MeterModel>& shipped_models() {
  static const std::vector<mb::MeterModel> models = [] {
    std::vector<mb::MeterModel> m;
    for (const char* name : {"eastron_sdm630", "abb_b23", "carlo_gavazzi_em340"}) {
      m.push_back(mb::load_meter_model(std::string(OCPP_SOURCE_DIR "/hal/modbus/meters/") + name + ".json"));
    }
    return m;
  }();
  return models;
}

// The meter's two register tables, as the input fills them; 4 spare words so that a wide value
// at the last address can be read independently.
struct Registers {
  std::array<std::uint16_t, 0x10000 + 4> holding{}, input{};
  std::uint16_t* table(mb::Table t) { return t == mb::Table::holding ? holding.data() : input.data(); }
};

std::vector<const mb::RegisterSpec*> quantities(const mb::MeterModel& m) {
  std::vector<const mb::RegisterSpec*> q{&m.energy_wh};
  if (m.power_w) q.push_back(&*m.power_w);
  for (const auto& v : m.voltage_v) {
    if (v) q.push_back(&*v);
  }
  for (const auto& c : m.current_a) {
    if (c) q.push_back(&*c);
  }
  return q;
}

void check_plan(const mb::MeterModel& m, const std::vector<mb::ReadBlock>& blocks) {
  for (const auto& b : blocks) {
    FUZZ_REQUIRE(b.count >= 1);
    FUZZ_REQUIRE(static_cast<int>(b.address) + b.count <= 0x10000);
    FUZZ_REQUIRE(b.count <= m.max_registers_per_read || b.count <= 4);
  }
  for (const mb::RegisterSpec* q : quantities(m)) {
    int covering = 0;
    for (const auto& b : blocks) {
      if (b.table == q->table && q->address >= b.address &&
          q->address + mb::register_count(q->type) <= b.address + b.count) {
        ++covering;
      }
    }
    FUZZ_REQUIRE(covering >= 1);
  }
}

// What the registers at the quantity's own address say, as the decoder must read it.
std::optional<double> expected_value(const mb::MeterModel& m, const mb::RegisterSpec& q, Registers& regs) {
  const std::uint16_t* at = regs.table(q.table) + q.address;
  if (m.all_ones_is_missing && mb::all_ones(at, q.type)) return std::nullopt;
  const auto raw = mb::decode(at, q.type, q.order);
  if (!raw) return std::nullopt;
  return *raw * q.scale;
}

bool same(const std::optional<double>& a, const std::optional<double>& b) {
  return a.has_value() == b.has_value() && (!a || *a == *b);
}

void check_decoding(const mb::MeterModel& model, ocpp::fuzz::ByteReader& in, bool short_block, std::uint8_t which) {
  const mb::MeterDecoder decoder(model);
  const auto& blocks = decoder.blocks();
  check_plan(model, blocks);

  static Registers regs;  // zero; the registers this input set are cleared again below
  struct Clear {
    const std::vector<mb::ReadBlock>& blocks;
    ~Clear() {
      for (const auto& b : blocks) std::fill_n(regs.table(b.table) + b.address, b.count, std::uint16_t{0});
    }
  } clear{blocks};
  std::vector<std::vector<std::uint16_t>> data;
  for (const auto& b : blocks) {
    std::uint16_t* table = regs.table(b.table);
    for (int i = 0; i < b.count; ++i) table[b.address + i] = in.u16();
    data.emplace_back(table + b.address, table + b.address + b.count);
  }
  if (short_block && !data.empty()) {
    data[which % data.size()].pop_back();
    const auto r = decoder.decode(data);
    FUZZ_REQUIRE(!r.reading && !r.error.empty());
    return;
  }
  const auto r = decoder.decode(data);
  const auto energy = expected_value(model, model.energy_wh, regs);
  if (!energy || *energy < 0) {
    FUZZ_REQUIRE(!r.reading && !r.error.empty());
    return;
  }
  FUZZ_REQUIRE(r.reading.has_value());
  const ocpp::hal::MeterReading& reading = *r.reading;
  FUZZ_REQUIRE(reading.energy_wh == *energy);
  FUZZ_REQUIRE(same(reading.power_w, model.power_w ? expected_value(model, *model.power_w, regs) : std::nullopt));
  for (std::size_t p = 0; p < 3; ++p) {
    const auto& v = model.voltage_v[p];
    const auto& c = model.current_a[p];
    FUZZ_REQUIRE(same(reading.voltage_v[p], v ? expected_value(model, *v, regs) : std::nullopt));
    FUZZ_REQUIRE(same(reading.current_a[p], c ? expected_value(model, *c, regs) : std::nullopt));
  }

  // The simulated meters write the register with encode(); the driver reads it back.
  const mb::RegisterSpec& e = model.energy_wh;
  if (!std::isfinite(reading.energy_wh)) return;
  const auto written = mb::encode(reading.energy_wh / e.scale, e.type, e.order);
  const auto back = mb::decode(written.data(), e.type, e.order);
  const double resolution = decoder.energy_resolution_wh(reading.energy_wh);
  FUZZ_REQUIRE(resolution >= 0);
  if (back) FUZZ_REQUIRE(std::fabs(*back * e.scale - reading.energy_wh) <= resolution);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ocpp::fuzz::ByteReader in(data, size);
  const std::uint8_t pick = in.u8();
  const std::uint8_t shape = in.u8();
  const bool short_block = (shape & 1) != 0;
  const auto which = static_cast<std::uint8_t>(shape >> 1);
  if (pick % 4 != 3) {
    check_decoding(shipped_models()[pick % 4], in, short_block, which);
    return 0;
  }
  const std::string_view rest = ocpp::fuzz::as_text(in.rest(), in.remaining());
  const std::size_t nul = std::min(rest.find('\0'), rest.size());
  mb::MeterModel model;
  try {
    model = mb::parse_meter_model(rest.substr(0, nul), "fuzzed");
  } catch (const mb::MeterModelError& e) {
    FUZZ_REQUIRE(std::string(e.what()).size() > 0);
    return 0;
  }
  ocpp::fuzz::ByteReader words(in.rest() + std::min(nul + 1, rest.size()), rest.size() - std::min(nul + 1, rest.size()));
  check_decoding(model, words, short_block, which);
  return 0;
}
