#include "ocpp/hal/logged_display.hpp"

#include "ocpp/common/log.hpp"

namespace ocpp::hal {
namespace {

std::string last(const std::map<ConnectorId, std::string>& lines, ConnectorId connector) {
  const auto it = lines.find(connector);
  return it == lines.end() ? std::string{} : it->second;
}

}  // namespace

void LoggedDisplay::show(ConnectorId connector, const std::string& text) {
  std::string& line = lines_[connector];
  // The core may refresh the same line often; the log shows what a driver would see change.
  if (line == text) return;
  line = text;
  log::info(component_, "display " + std::to_string(connector) + ": " + text);
}

void LoggedDisplay::show_qr(ConnectorId connector, const std::string& url) {
  qr_[connector] = url;
  log::info(component_, "display " + std::to_string(connector) + " QR code: " + url);
}

std::string LoggedDisplay::text(ConnectorId connector) const { return last(lines_, connector); }
std::string LoggedDisplay::qr(ConnectorId connector) const { return last(qr_, connector); }

}  // namespace ocpp::hal
