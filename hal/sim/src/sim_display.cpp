#include "ocpp/hal/sim/sim_display.hpp"

#include "ocpp/common/log.hpp"

namespace ocpp::hal::sim {

void SimDisplay::show(ConnectorId connector, const std::string& text) {
  std::string& line = lines_[connector];
  // The core may refresh the same line often; the log shows what a driver would see change.
  if (line == text) return;
  line = text;
  log::info("sim", "display " + std::to_string(connector) + ": " + text);
}

std::string SimDisplay::text(ConnectorId connector) const {
  const auto it = lines_.find(connector);
  return it == lines_.end() ? std::string{} : it->second;
}

}  // namespace ocpp::hal::sim
