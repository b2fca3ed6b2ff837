#pragma once
// The display of a pile driven by the modbus driver: the I/O board of docs/io-board-modbus.md has
// no display registers, so the lines a driver would read go to the log (and to an HMI that
// shows them, through the control socket's status). It remembers the last line per connector.
#include <map>
#include <string>

#include "ocpp/hal/hal.hpp"

namespace ocpp::hal::modbus {

class LogDisplay final : public Display {
 public:
  void show(ConnectorId connector, const std::string& text) override;
  void show_qr(ConnectorId connector, const std::string& url) override;
  // The last line shown for `connector` (0: the whole pile), "" if none.
  std::string text(ConnectorId connector) const;
  std::string qr(ConnectorId connector) const;

 private:
  std::map<ConnectorId, std::string> lines_;
  std::map<ConnectorId, std::string> qr_;
};

}  // namespace ocpp::hal::modbus
