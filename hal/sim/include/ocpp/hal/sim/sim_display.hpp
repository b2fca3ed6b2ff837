#pragma once
// The simulated display: remembers the last line per connector and logs each new one, so that a
// test or an operator can see what a driver would read.
#include <map>
#include <string>

#include "ocpp/hal/hal.hpp"

namespace ocpp::hal::sim {

class SimDisplay final : public Display {
 public:
  void show(ConnectorId connector, const std::string& text) override;
  void show_qr(ConnectorId connector, const std::string& url) override;
  // The last line shown for `connector` (0: the whole pile), "" if none.
  std::string text(ConnectorId connector) const;
  // The QR code's URL for `connector`, "" if none.
  std::string qr(ConnectorId connector) const;

 private:
  std::map<ConnectorId, std::string> lines_;
  std::map<ConnectorId, std::string> qr_;
};

}  // namespace ocpp::hal::sim
