#pragma once
// A display that writes each new line to the log and remembers the last line and QR code URL per
// connector, so that a test, `ocpp-cpctl status` or an operator can see what a driver would read.
// The simulated pile uses it, and so does the modbus driver, whose I/O board has no display.
#include <map>
#include <string>
#include <utility>

#include "ocpp/hal/hal.hpp"

namespace ocpp::hal {

class LoggedDisplay final : public Display {
 public:
  // `component`: the log component of its lines ("sim", "display").
  explicit LoggedDisplay(std::string component) : component_(std::move(component)) {}
  void show(ConnectorId connector, const std::string& text) override;
  void show_qr(ConnectorId connector, const std::string& url) override;
  // The last line shown for `connector` (0: the whole pile), "" if none.
  std::string text(ConnectorId connector) const;
  // The QR code's URL for `connector`, "" if none.
  std::string qr(ConnectorId connector) const;

 private:
  std::string component_;
  std::map<ConnectorId, std::string> lines_;
  std::map<ConnectorId, std::string> qr_;
};

}  // namespace ocpp::hal
