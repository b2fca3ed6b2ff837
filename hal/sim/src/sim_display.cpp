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

void SimDisplay::show_qr(ConnectorId connector, const std::string& url) {
  qr_[connector] = url;
  log::info("sim", "display " + std::to_string(connector) + " QR code: " + url);
}

std::string SimDisplay::qr(ConnectorId connector) const {
  const auto it = qr_.find(connector);
  return it == qr_.end() ? std::string{} : it->second;
}

std::string SimDisplay::text(ConnectorId connector) const {
  const auto it = lines_.find(connector);
  return it == lines_.end() ? std::string{} : it->second;
}

}  // namespace ocpp::hal::sim
