#include "ocpp/hal/modbus/meter_decoder.hpp"

#include <algorithm>
#include <cmath>

namespace ocpp::hal::modbus {
namespace {

std::vector<const RegisterSpec*> specs_of(const MeterModel& m) {
  std::vector<const RegisterSpec*> specs{&m.energy_wh};
  if (m.power_w) specs.push_back(&*m.power_w);
  for (const auto& v : m.voltage_v) {
    if (v) specs.push_back(&*v);
  }
  for (const auto& c : m.current_a) {
    if (c) specs.push_back(&*c);
  }
  return specs;
}

std::vector<ReadBlock> plan(const MeterModel& m) {
  auto specs = specs_of(m);
  std::sort(specs.begin(), specs.end(), [](const RegisterSpec* a, const RegisterSpec* b) {
    return a->table != b->table ? a->table < b->table : a->address < b->address;
  });
  std::vector<ReadBlock> blocks;
  for (const RegisterSpec* s : specs) {
    const int begin = s->address;
    const int end = begin + register_count(s->type);
    if (!blocks.empty()) {
      ReadBlock& last = blocks.back();
      const int last_end = last.address + last.count;
      const int joined = std::max(end, last_end) - last.address;
      if (last.table == s->table && begin - last_end <= m.max_gap_registers && joined <= m.max_registers_per_read) {
        last.count = static_cast<std::uint16_t>(joined);
        continue;
      }
    }
    blocks.push_back({s->table, s->address, static_cast<std::uint16_t>(end - begin)});
  }
  return blocks;
}

}  // namespace

MeterDecoder::MeterDecoder(MeterModel model) : model_(std::move(model)), blocks_(plan(model_)) {}

std::optional<double> MeterDecoder::value(const RegisterSpec& spec, const std::vector<std::vector<std::uint16_t>>& data) const {
  const int count = register_count(spec.type);
  for (std::size_t i = 0; i < blocks_.size() && i < data.size(); ++i) {
    const ReadBlock& b = blocks_[i];
    if (b.table != spec.table || spec.address < b.address || spec.address + count > b.address + b.count) continue;
    if (data[i].size() != b.count) return std::nullopt;
    const std::uint16_t* regs = data[i].data() + (spec.address - b.address);
    if (model_.all_ones_is_missing && all_ones(regs, spec.type)) return std::nullopt;
    const auto raw = modbus::decode(regs, spec.type, spec.order);
    if (!raw) return std::nullopt;
    return *raw * spec.scale;
  }
  return std::nullopt;
}

MeterDecoder::Result MeterDecoder::decode(const std::vector<std::vector<std::uint16_t>>& data) const {
  Result r;
  if (data.size() != blocks_.size()) {
    r.error = "expected " + std::to_string(blocks_.size()) + " register blocks, got " + std::to_string(data.size());
    return r;
  }
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (data[i].size() != blocks_[i].count) {
      r.error = "block " + std::to_string(i) + " has " + std::to_string(data[i].size()) + " registers, expected " +
                std::to_string(blocks_[i].count);
      return r;
    }
  }
  const auto energy = value(model_.energy_wh, data);
  if (!energy) {
    r.error = "the energy register holds no value (not a number, or \"not available\")";
    return r;
  }
  if (*energy < 0) {
    r.error = "the energy register is negative (" + std::to_string(*energy) + " Wh)";
    return r;
  }
  MeterReading reading;
  reading.energy_wh = *energy;
  if (model_.power_w) reading.power_w = value(*model_.power_w, data);
  for (std::size_t p = 0; p < 3; ++p) {
    if (model_.voltage_v[p]) reading.voltage_v[p] = value(*model_.voltage_v[p], data);
    if (model_.current_a[p]) reading.current_a[p] = value(*model_.current_a[p], data);
  }
  r.reading = reading;
  return r;
}

double MeterDecoder::energy_resolution_wh(double energy_wh) const {
  const RegisterSpec& e = model_.energy_wh;
  const double step = std::fabs(e.scale);
  const double raw = std::fabs(energy_wh / e.scale);
  if (e.type != ValueType::f32) {
    // 53-bit significand: every integer up to 2^53 is exact, above that the spacing grows.
    if (!(raw >= 0x1p53) || !std::isfinite(raw)) return step;
    return std::ldexp(1.0, std::ilogb(raw) - 51) * step;
  }
  // A float's spacing at the raw magnitude (24-bit significand), in Wh.
  const double spacing = raw > 0 ? std::ldexp(1.0, std::ilogb(raw) - 23) : 0;
  return spacing * step;
}

}  // namespace ocpp::hal::modbus
