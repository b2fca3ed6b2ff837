#pragma once
// The configuration file of ocpp-chargepoint (DESIGN.md, "Interfaces that outside tests rely on").
// JSON; every key is checked at start: an unknown key, a wrong type or a value out of range is
// refused with the key's path in the message (DESIGN.md principle 7), e.g.
//   tls.ca_fle: unknown key (did you mean ca_file?)
//   security_profile: expected an integer 0-3, got "2"
//   ocpp_config.HeartbeatInterval: expected a string, got 300
// Relative file paths (database, control_socket, tls.*, hal.state_file, hal.meter_dir, a meter model
// given as a path) are relative to the working directory of the process, as they are written;
// nothing is resolved against the file's folder.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ocpp/common/log.hpp"
#include "ocpp/common/version.hpp"
#include "ocpp/cp/topology.hpp"
#include "ocpp/hal/modbus/modbus_pile.hpp"

namespace ocpp::cp::daemon {

// what() is the whole message: "FILE: KEY.PATH: what is wrong" (load_config) or
// "KEY.PATH: what is wrong" (parse_config). key() is the path alone, empty for a file-level error
// (unreadable file, malformed JSON).
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string key, const std::string& message) : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

struct TlsConfig {
  std::string ca_file;    // roots the CSMS certificate must chain to (profiles 2 and 3)
  std::string cert_file;  // client certificate (profile 3)
  std::string key_file;   // its private key (profile 3)
};

// "sim": the simulated pile (hal/sim). "modbus": meters and the I/O board on Modbus, DC power
// stages on CAN (hal/modbus, docs/configuration.md "The modbus driver").
enum class HalDriver { sim, modbus };

struct HalConfig {
  HalDriver driver = HalDriver::sim;
  std::string state_file;                  // sim: where the simulated pile keeps its state; empty = none
  std::optional<double> start_energy_wh;   // sim: the meters' starting register value
  double meter_speedup = 1;                // sim: the meters count this many times faster than real time
  // modbus: the pile as hal::modbus::ModbusPile takes it; each meter's model is resolved to its
  // map file, which was read and checked with the rest of the configuration.
  hal::modbus::PileConfig modbus;
};

struct OfflineCodeConfig {
  // Lets a lab provision the offline-code key over security profile 0 or 1 (plain text on the wire).
  bool allow_plaintext_key_provisioning = false;
  // Where the driver's pages are (the reference CSMS's HTTP address, e.g. "https://csms.example.com"):
  // the QR code of connector N points to URL/c/CHARGE_POINT_ID/N. Empty: no QR code URL.
  std::string driver_page_url;
  // docs/offline-code.md §7: a file holding a date-time known to have passed (the integrator writes
  // it, e.g. at installation); the pile's time floor never reads earlier. Empty: the build time only.
  std::string time_floor_file;
};

// `firmware`: how an update is installed (docs/integration.md "Firmware updates").
struct FirmwareConfig {
  // The integrator's program, given the verified image's path; its exit status decides Installed
  // or InstallationFailed. Empty: the image is kept under state_dir and reported Installed (the
  // simulated pile).
  std::string install_command;
  // A download larger than this is stopped and reported DownloadFailed (a full disk loses nothing).
  std::int64_t max_image_bytes = 256LL * 1024 * 1024;
};

// `security`: what the pile accepts over a link without TLS.
struct SecurityConfig {
  // Certificate installation and signed firmware over security profile 0 or 1: only for a lab.
  bool allow_plaintext_management = false;
};

struct LogConfig {
  log::Level level = log::Level::info;
  bool syslog = false;
};

constexpr int kMaxConnectors = 32;
constexpr std::size_t kMaxChargePointIdLength = 48;  // 1.6 chargeBoxIdentity, 2.0.1 identity
constexpr std::size_t kMinBasicAuthPassword = 16;    // 2.0.1 BasicAuthPassword, 1.6 AuthorizationKey
constexpr std::size_t kMaxBasicAuthPassword = 40;

struct Config {
  std::string charge_point_id;
  ProtocolVersion ocpp_version = ProtocolVersion::v16;
  std::string csms_url;  // ws:// or wss://; the charge point id is appended as a path segment
  int security_profile = 0;
  std::string basic_auth_password;  // empty when not given
  TlsConfig tls;
  std::string database = "chargepoint.db";
  // Where the pile keeps its files besides the database: installed certificates and the pile's key
  // (certificates/), firmware images (firmware/), log archives. Default: the database's folder.
  std::string state_dir = ".";
  // A development default next to the database in the working directory; an installed daemon is
  // configured with e.g. /run/ocpp-chargepoint/control.sock (a folder its service creates).
  std::string control_socket = "chargepoint.sock";
  int connectors = 2;  // in all: the sum over `evses` when they are given
  // `evses`: EVSEs with their connectors (2.0.1 Part 1 §7). Empty: `connectors` EVSEs with one
  // connector each. topology() is what the core and the 2.0.1 adapter are given.
  std::vector<EvseInfo> evses;
  Topology topology() const { return evses.empty() ? Topology::uniform(connectors) : Topology{evses}; }
  // After a crash or power cut, a transaction that was open goes on when its cable is still in
  // (true), or is stopped with reason PowerLoss (false). Either way it is reported once.
  bool resume_transactions_after_power_loss = false;
  // Charging events kept waiting for the CSMS before meter samples are thinned (every other one of
  // a transaction; starts and stops never). 50,000 holds a week of 1-minute samples on 4 connectors.
  int outbox_max_events = 50000;
  HalConfig hal;
  // Initial values of 1.6 configuration keys or 2.0.1 variables, by their OCPP names, as strings.
  // The names are checked by the configuration block, not here.
  std::map<std::string, std::string> ocpp_config;
  OfflineCodeConfig offline_code;
  // `smart_charging`: what the pile accepts and how it converts units, as initial values of the
  // core's settings (setting name -> value), checked by the settings when they are applied.
  std::map<std::string, std::string> smart_charging;
  FirmwareConfig firmware;
  SecurityConfig security;
  LogConfig log;
};

// Parses and checks a configuration; throws ConfigError. Files named in it (tls.*, and the meter
// models of hal.meters, which are read and checked) must be readable.
Config parse_config(std::string_view json);
// Reads and parses the file at `path`; throws ConfigError whose message starts with the path.
Config load_config(const std::string& path);

}  // namespace ocpp::cp::daemon
