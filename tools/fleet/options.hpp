#pragma once
// ocpp-fleet's command line (docs/fleet.md): how many piles, which CSMS, what each session does.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "ocpp/common/log.hpp"
#include "ocpp/common/version.hpp"

namespace ocpp::fleet {

// A bad option: the message names it (exit status 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A range of seconds a seeded draw picks from, e.g. "5-15" or "10".
struct SecondsRange {
  double min = 0;
  double max = 0;
};

// How a driver authorizes: an RFID card, an offline code fetched from the CSMS's HTTP API, or a
// code while the fleet has cut the link and a card otherwise.
enum class AuthMode { card, code, automatic };

struct FleetOptions {
  std::string csms_url;                 // ws://HOST:PORT/PATH; each pile appends its id
  int count = 1;
  ProtocolVersion ocpp = ProtocolVersion::v16;
  std::string id_prefix = "FLEET-";
  int connectors = 1;
  std::string database_dir;             // one folder per pile under it
  std::uint64_t seed = 1;
  std::optional<double> duration_s;     // stop starting sessions after this
  std::optional<int> sessions;          // sessions per connector
  int meter_interval_s = 60;
  double meter_speedup = 1;
  SecondsRange charge_s{5, 15};
  SecondsRange gap_s{1, 5};
  AuthMode auth = AuthMode::automatic;
  std::string http_url;                 // http://HOST:PORT of the CSMS API (offline codes)
  std::string user;                     // NAME:PASSWORD for the API
  std::optional<double> offline_at_s;   // link cut, seconds after every pile is registered
  double offline_for_s = 0;
  double ready_timeout_s = 120;         // for every pile to be registered (and provisioned)
  double drain_timeout_s = 120;         // for every outbox to be empty at the end
  std::map<std::string, std::string> ocpp_config;  // --ocpp-config NAME=VALUE, as the daemon's file has it
  std::string report_file;
  log::Level log_level = log::Level::warn;
};

// Throws UsageError; returns nullopt after --help or --version (printed).
std::optional<FleetOptions> parse_options(int argc, char** argv);

extern const char* const kUsage;

}  // namespace ocpp::fleet
