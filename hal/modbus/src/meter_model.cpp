#include "ocpp/hal/modbus/meter_model.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include "json_object.hpp"

namespace ocpp::hal::modbus {
namespace {

using detail::fail;
using detail::JsonObject;
using detail::shown;

constexpr std::size_t kMaxFileBytes = 256 * 1024;

// docs/configuration.md, "Meter register maps": the quantities a map may name.
constexpr const char* kEnergy = "energy_import_wh";
constexpr const char* kPower = "power_w";
constexpr const char* kVoltages[3] = {"voltage_l1_v", "voltage_l2_v", "voltage_l3_v"};
constexpr const char* kCurrents[3] = {"current_l1_a", "current_l2_a", "current_l3_a"};

std::uint16_t read_address(const JsonObject& reg) {
  const rapidjson::Value& v = reg.required("address");
  const std::string path = reg.key_path("address");
  long value = -1;
  if (v.IsInt()) {
    value = v.GetInt();
  } else if (v.IsString()) {
    // Manuals print addresses in hex ("5B14h"): "0x5B14" is accepted as written there.
    const std::string text(v.GetString(), v.GetStringLength());
    if (text.size() > 2 && text.size() <= 6 && (text.rfind("0x", 0) == 0 || text.rfind("0X", 0) == 0) &&
        std::all_of(text.begin() + 2, text.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })) {
      value = std::stol(text.substr(2), nullptr, 16);
    }
  }
  if (value < 0 || value > 0xFFFF) {
    fail(path, "expected a register address 0-65535 (a number, or \"0x\" and hex digits), got " + shown(v));
  }
  return static_cast<std::uint16_t>(value);
}

RegisterSpec read_register(const rapidjson::Value& value, const std::string& path) {
  const JsonObject reg(value, path, {"table", "address", "type", "word_order", "scale", "note"});
  RegisterSpec spec;
  const std::string table = reg.string("table").value_or("");
  if (table == "holding") {
    spec.table = Table::holding;
  } else if (table == "input") {
    spec.table = Table::input;
  } else {
    fail(reg.key_path("table"), "expected \"holding\" (function 03) or \"input\" (function 04), got " + shown(reg.required("table")));
  }
  spec.address = read_address(reg);
  const rapidjson::Value& type = reg.required("type");
  if (!type.IsString() || !value_type_from_string(as_string_view(type), spec.type)) {
    fail(reg.key_path("type"), "expected one of uint16, int16, uint32, int32, uint64, int64, float32, got " + shown(type));
  }
  const auto order = reg.string("word_order");
  if (order == std::optional<std::string>("msw_first")) {
    spec.order = WordOrder::msw_first;
  } else if (order == std::optional<std::string>("lsw_first")) {
    spec.order = WordOrder::lsw_first;
  } else if (order) {
    fail(reg.key_path("word_order"), "expected \"msw_first\" or \"lsw_first\", got " + shown(*reg.find("word_order")));
  } else if (register_count(spec.type) > 1) {
    // Stated, never assumed: a wrong guess gives plausible-looking nonsense.
    fail(reg.key_path("word_order"), "required for a " + std::string(to_string(spec.type)) +
                                         " (\"msw_first\" or \"lsw_first\", as the meter's manual says)");
  }
  if (const auto scale = reg.number("scale")) {
    if (*scale == 0) fail(reg.key_path("scale"), "must not be 0");
    spec.scale = *scale;
  }
  (void)reg.string("note");  // checked to be a string; for the people who read the file
  if (spec.address + register_count(spec.type) > 0x10000) {
    fail(reg.key_path("address"), "the value would run past register 65535");
  }
  return spec;
}

}  // namespace

MeterModel parse_meter_model(std::string_view json, const std::string& name) {
  rapidjson::Document doc;
  // Nesting is bounded before the document is built: a 256 KiB map of "[" overflowed the stack
  // (found by the modbus_meter fuzz target; tests/fuzz/regressions/modbus_meter/).
  if (const auto error = parse_json(doc, json, JsonParseOptions{kMaxJsonDepth, /*validate_encoding=*/true})) {
    fail("", "malformed JSON at offset " + std::to_string(error->offset) + ": " + error->message());
  }
  const JsonObject top(doc, "", {"title", "document", "notes", "registers", "max_registers_per_read", "max_gap_registers",
                                 "all_ones_is_missing"});
  MeterModel m;
  m.name = name;
  m.title = top.string("title").value_or("");
  if (m.title.empty()) fail("title", top.find("title") ? "must not be empty" : "required key missing");
  // Every map cites where it comes from, so that anyone can check it against the manual.
  m.document = top.string("document").value_or("");
  if (m.document.empty()) {
    fail("document", top.find("document") ? "must not be empty" : "required key missing (the manufacturer's document this map comes from)");
  }
  (void)top.string("notes");
  if (auto n = top.integer("max_registers_per_read", 4, 125)) m.max_registers_per_read = *n;
  if (auto n = top.integer("max_gap_registers", 0, 124)) m.max_gap_registers = *n;
  if (auto b = top.boolean("all_ones_is_missing")) m.all_ones_is_missing = *b;

  std::vector<std::string_view> known{kEnergy, kPower};
  for (const char* k : kVoltages) known.emplace_back(k);
  for (const char* k : kCurrents) known.emplace_back(k);
  const JsonObject regs(top.required("registers"), "registers", known);
  m.energy_wh = read_register(regs.required(kEnergy), regs.key_path(kEnergy));
  if (const auto* v = regs.find(kPower)) m.power_w = read_register(*v, regs.key_path(kPower));
  for (std::size_t i = 0; i < 3; ++i) {
    if (const auto* v = regs.find(kVoltages[i])) m.voltage_v[i] = read_register(*v, regs.key_path(kVoltages[i]));
    if (const auto* v = regs.find(kCurrents[i])) m.current_a[i] = read_register(*v, regs.key_path(kCurrents[i]));
  }
  return m;
}

MeterModel load_meter_model(const std::string& path) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) throw MeterModelError(path + ": cannot read the meter map: " + std::strerror(errno));
  std::string text;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) {
    text.append(buffer, n);
    if (text.size() > kMaxFileBytes) {
      std::fclose(in);
      throw MeterModelError(path + ": larger than 256 KiB, not a meter map");
    }
  }
  const bool failed = std::ferror(in) != 0;
  std::fclose(in);
  if (failed) throw MeterModelError(path + ": cannot read the meter map: " + std::strerror(errno));
  try {
    return parse_meter_model(text, std::filesystem::path(path).stem().string());
  } catch (const MeterModelError& e) {
    throw MeterModelError(path + ": " + e.what());
  }
}

std::vector<std::string> default_meter_dirs() {
#ifdef OCPP_METER_DIR_SOURCE
  return {OCPP_METER_DIR_INSTALLED, OCPP_METER_DIR_SOURCE};
#else
  return {OCPP_METER_DIR_INSTALLED};
#endif
}

std::vector<std::string> available_meter_models(const std::vector<std::string>& dirs) {
  std::set<std::string> names;
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".json") names.insert(it->path().stem().string());
    }
  }
  return {names.begin(), names.end()};
}

std::string find_meter_model(const std::string& model, const std::vector<std::string>& dirs) {
  const bool is_path = model.find('/') != std::string::npos ||
                       (model.size() > 5 && model.compare(model.size() - 5, 5, ".json") == 0);
  if (is_path) return model;
  const bool plain = !model.empty() && std::all_of(model.begin(), model.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
  });
  if (plain && model != "." && model != "..") {
    for (const auto& dir : dirs) {
      const std::string candidate = dir + "/" + model + ".json";
      std::error_code ec;
      if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
    }
  }
  std::string where;
  for (const auto& dir : dirs) where += (where.empty() ? "" : ", ") + dir;
  std::string known;
  for (const auto& name : available_meter_models(dirs)) known += (known.empty() ? "" : ", ") + name;
  throw MeterModelError("no meter model \"" + model + "\" in " + (where.empty() ? std::string("(no folder)") : where) +
                        (known.empty() ? std::string("; no models there") : "; known models: " + known));
}

}  // namespace ocpp::hal::modbus
