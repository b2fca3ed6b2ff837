#include "ocpp/hal/modbus/log_display.hpp"

#include "ocpp/common/log.hpp"

namespace ocpp::hal::modbus {

void LogDisplay::show(ConnectorId connector, const std::string& text) {
  auto& line = lines_[connector];
  if (line == text) return;
  line = text;
  log::info("display", (connector == 0 ? std::string("pile") : "connector " + std::to_string(connector)) + ": " + text);
}

void LogDisplay::show_qr(ConnectorId connector, const std::string& url) { qr_[connector] = url; }

std::string LogDisplay::text(ConnectorId connector) const {
  const auto it = lines_.find(connector);
  return it == lines_.end() ? std::string() : it->second;
}

std::string LogDisplay::qr(ConnectorId connector) const {
  const auto it = qr_.find(connector);
  return it == qr_.end() ? std::string() : it->second;
}

}  // namespace ocpp::hal::modbus
