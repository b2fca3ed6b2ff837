#pragma once
// A meter model: where one make of energy meter keeps its energy register, power, voltages and
// currents, read from a data file (hal/modbus/meters/NAME.json), one per model, each citing the
// manufacturer's public document it was taken from. Adding a meter is adding a file; the format
// is in docs/configuration.md, "Meter register maps".
#include <array>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/hal/modbus/register_codec.hpp"

namespace ocpp::hal::modbus {

// One quantity: where it is, how it is encoded, and the factor from the raw value to the unit
// the driver uses (Wh, W, V, A).
struct RegisterSpec {
  Table table = Table::input;
  std::uint16_t address = 0;  // zero-based PDU address (register 30073 of a manual is input 72)
  ValueType type = ValueType::f32;
  WordOrder order = WordOrder::msw_first;
  double scale = 1;
};

struct MeterModel {
  std::string name;      // the file's name without ".json": "eastron_sdm630"
  std::string title;     // "Eastron SDM630-Modbus V2"
  std::string document;  // the manufacturer's public document the map comes from
  RegisterSpec energy_wh;  // the import energy register: required
  std::optional<RegisterSpec> power_w;
  std::array<std::optional<RegisterSpec>, 3> voltage_v;  // L1-N, L2-N, L3-N
  std::array<std::optional<RegisterSpec>, 3> current_a;  // L1, L2, L3
  // What the meter accepts in one request, and how many unused registers a read may span to
  // join two quantities into one request (0: only adjacent ones).
  int max_registers_per_read = 125;  // Modbus Application Protocol §6.3: at most 125
  int max_gap_registers = 0;
  // A value with every bit set means "not available" (ABB): that quantity is left out.
  bool all_ones_is_missing = false;
};

// A map file that cannot be used. what() names the file (when read from one) and the key path,
// e.g. "meters/x.json: registers.power_w.type: expected one of uint16, ..., got \"float\"".
class MeterModelError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses and checks a map; `name` is the model's name (the file's stem). Throws MeterModelError.
MeterModel parse_meter_model(std::string_view json, const std::string& name);
// Reads the file at `path`; the name is its stem. Throws MeterModelError starting with the path.
MeterModel load_meter_model(const std::string& path);

// The folders where models are looked up by name: the installed data folder
// (PREFIX/share/ocpp/meters), then the source tree's hal/modbus/meters.
std::vector<std::string> default_meter_dirs();
// `model` is a name ("eastron_sdm630", looked up as NAME.json in `dirs`, first match wins) or a
// path (it contains a '/' or ends in ".json"). Returns the file's path; throws MeterModelError
// saying where it looked and which models exist there.
std::string find_meter_model(const std::string& model, const std::vector<std::string>& dirs);
// The model names found in `dirs`, sorted, without duplicates.
std::vector<std::string> available_meter_models(const std::vector<std::string>& dirs);

}  // namespace ocpp::hal::modbus
