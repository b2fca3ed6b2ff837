// Fuzz target config_file: the charge point's configuration reader (chargepoint/daemon
// config_file.hpp, parse_config: the text that load_config reads from the file), with both HAL
// drivers' sections (the modbus driver's meter maps are looked up in hal/modbus/meters).
//
// Input: the text of a configuration file.
//
// Beyond "no crash", it asserts:
// - a refusal is a ConfigError and nothing else, with a message; when it names a key, the message
//   starts with that key's path ("tls.ca_fle: unknown key ...", DESIGN.md principle 7);
// - an accepted configuration holds what the daemon relies on without checking again: a charge
//   point id of 1 to 48 printable characters, 1 to 32 connectors, a security profile 0-3 with what
//   it needs (a wss:// URL from 2, a password of 16 to 40 characters for 1 and 2, a client
//   certificate for 3), a control socket path that fits sockaddr_un, and with the modbus driver
//   one meter per connector, each on a bus that is configured;
// - reading is deterministic: the same text is accepted or refused the same way twice.
#include <set>
#include <string>

#include "config_file.hpp"
#include "fuzz_support.hpp"
#include "ocpp/common/log.hpp"

namespace {

using ocpp::cp::daemon::Config;
using ocpp::cp::daemon::ConfigError;

void check_accepted(const Config& c) {
  FUZZ_REQUIRE(!c.charge_point_id.empty() && c.charge_point_id.size() <= ocpp::cp::daemon::kMaxChargePointIdLength);
  for (const char ch : c.charge_point_id) FUZZ_REQUIRE(ch > 0x20 && ch < 0x7f);
  FUZZ_REQUIRE(c.connectors >= 1 && c.connectors <= ocpp::cp::daemon::kMaxConnectors);
  FUZZ_REQUIRE(c.security_profile >= 0 && c.security_profile <= 3);
  if (c.security_profile >= 2) FUZZ_REQUIRE(c.csms_url.rfind("wss://", 0) == 0);
  if (c.security_profile == 1 || c.security_profile == 2) {
    FUZZ_REQUIRE(c.basic_auth_password.size() >= ocpp::cp::daemon::kMinBasicAuthPassword &&
                 c.basic_auth_password.size() <= ocpp::cp::daemon::kMaxBasicAuthPassword);
  }
  if (c.security_profile == 3) FUZZ_REQUIRE(!c.tls.cert_file.empty() && !c.tls.key_file.empty());
  FUZZ_REQUIRE(!c.control_socket.empty() && c.control_socket.size() <= 107);
  FUZZ_REQUIRE(!c.database.empty());
  if (c.hal.driver == ocpp::cp::daemon::HalDriver::modbus) {
    const auto& pile = c.hal.modbus;
    std::set<std::string> buses;
    for (const auto& b : pile.buses) buses.insert(b.name);
    std::set<int> metered;
    for (const auto& m : pile.meters) {
      FUZZ_REQUIRE(m.connector >= 1 && m.connector <= c.connectors);
      FUZZ_REQUIRE(metered.insert(m.connector).second);
      FUZZ_REQUIRE(buses.count(m.bus) == 1);
    }
    FUZZ_REQUIRE(static_cast<int>(metered.size()) == c.connectors);
    FUZZ_REQUIRE(buses.count(pile.io_board.bus) == 1);
  }
}

// "" when accepted, else the refusal's message; checks either way.
std::string read(std::string_view text) {
  try {
    check_accepted(ocpp::cp::daemon::parse_config(text));
    return {};
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    FUZZ_REQUIRE(!what.empty());
    if (!e.key().empty()) FUZZ_REQUIRE(what.rfind(e.key() + ": ", 0) == 0);
    return what;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool quiet = [] {
    ocpp::log::set_level(ocpp::log::Level::off);
    return true;
  }();
  (void)quiet;
  const std::string_view text = ocpp::fuzz::as_text(data, size);
  const std::string first = read(text);
  FUZZ_REQUIRE(read(text) == first);
  return 0;
}
