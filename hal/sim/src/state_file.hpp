#pragma once
// The simulated pile's state file: what is physical (and so outlives the controller process), as
// JSON, written so that a kill or a power cut leaves the old file or the new one, never a mix.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/hal/sim/sim_types.hpp"

namespace ocpp::hal::sim::detail {

struct SavedConnector {
  ConnectorId id = 0;
  EvState ev = EvState::Absent;
  double wanted_power_w = 0;
  bool locked = false;
  std::int64_t energy_mj = 0;
};

std::string render_state(const std::vector<SavedConnector>& connectors);
// nullopt, with `error` saying what is wrong, unless `json` is a well-formed version 1 state.
std::optional<std::vector<SavedConnector>> parse_state(std::string_view json, std::string& error);

enum class ReadResult { ok, missing, failed };
ReadResult read_file(const std::string& path, std::string& content, std::string& error);
// Writes path.tmp, fsyncs it, renames it over path and fsyncs the directory.
bool write_file_atomically(const std::string& path, std::string_view content, std::string& error);

}  // namespace ocpp::hal::sim::detail
