#include "options.hpp"

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace ocpp::fleet {

const char* const kUsage = R"(usage: ocpp-fleet --csms-url ws://HOST:PORT/PATH --count N [options]
Runs N simulated charge points in one process against a CSMS and reports what they saw
(docs/fleet.md).
  --csms-url URL          the CSMS; each pile connects to URL/ID
  --count N               number of piles (default 1)
  --ocpp 1.6|2.0.1        protocol version of every pile (default 1.6)
  --id-prefix TEXT        pile ids are TEXT0001, TEXT0002, ... (default FLEET-)
  --connectors N          connectors per pile (default 1)
  --database-dir DIR      each pile keeps its database and files in DIR/ID/ (required)
  --seed S                seed of every random draw (default 1)
  --sessions K            sessions each connector plays, then the fleet drains and exits
  --duration SECONDS      no new session after this; then the fleet drains and exits
  --meter-interval S      meter sample interval while charging (default 60)
  --meter-speedup X       simulated meters count X times faster than real time (default 1)
  --charge-time A[-B]     seconds a session charges, drawn from A..B (default 5-15)
  --gap A[-B]             seconds between sessions of a connector (default 1-5)
  --auth card|code|auto   card: RFID; code: an offline code from the CSMS; auto: a code while
                          the link is cut, a card otherwise (default auto)
  --http-url URL          the CSMS's HTTP API, http://HOST:PORT (for codes)
  --user NAME:PASSWORD    the API account codes are issued to
  --offline-at SECONDS    cut every pile's link this long after all are registered
  --offline-for SECONDS   and restore it after this long (default 0: at once)
  --ready-timeout S       wait for every pile to register (default 120)
  --drain-timeout S       wait for every pile to deliver its events at the end (default 120)
  --ocpp-config NAME=VALUE  an initial OCPP 1.6 key or 2.0.1 variable (Component.Variable) of
                          every pile, as ocpp_config in ocpp-chargepoint's file; repeatable
  --report FILE           write the report as JSON
  --log-level LEVEL       debug, info, warn (default), error, off
  --help, --version
)";

namespace {

double number(const std::string& option, const std::string& text, double min) {
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !(v >= min) || v > 1e9) {
    throw UsageError(option + ": expected a number >= " + std::to_string(static_cast<long long>(min)) + ", got \"" +
                     text + "\"");
  }
  return v;
}

int integer(const std::string& option, const std::string& text, int min, int max) {
  const double v = number(option, text, min);
  if (v != static_cast<double>(static_cast<long long>(v)) || v > max) {
    throw UsageError(option + ": expected an integer " + std::to_string(min) + ".." + std::to_string(max) + ", got \"" +
                     text + "\"");
  }
  return static_cast<int>(v);
}

SecondsRange range(const std::string& option, const std::string& text) {
  const auto dash = text.find('-');
  SecondsRange r;
  r.min = number(option, text.substr(0, dash), 0);
  r.max = dash == std::string::npos ? r.min : number(option, text.substr(dash + 1), 0);
  if (r.max < r.min) throw UsageError(option + ": \"" + text + "\" ends before it starts");
  return r;
}

void check(const FleetOptions& o) {
  if (o.csms_url.rfind("ws://", 0) != 0 && o.csms_url.rfind("wss://", 0) != 0) {
    throw UsageError("--csms-url: expected ws://HOST:PORT/PATH, got \"" + o.csms_url + "\"");
  }
  if (o.database_dir.empty()) throw UsageError("--database-dir: required (one folder per pile goes under it)");
  if (!o.sessions && !o.duration_s) throw UsageError("--sessions K or --duration SECONDS: one is required");
  if (o.auth != AuthMode::card && (o.http_url.empty() || o.user.empty())) {
    throw UsageError("--auth code/auto: --http-url and --user are needed to get offline codes from the CSMS");
  }
  if (!o.http_url.empty() && o.http_url.rfind("http://", 0) != 0 && o.http_url.rfind("https://", 0) != 0) {
    throw UsageError("--http-url: expected http://HOST:PORT, got \"" + o.http_url + "\"");
  }
  if (!o.user.empty() && o.user.find(':') == std::string::npos) throw UsageError("--user: expected NAME:PASSWORD");
}

}  // namespace

std::optional<FleetOptions> parse_options(int argc, char** argv) {
  FleetOptions o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return std::nullopt;
    }
    if (arg == "--version") {
      std::printf("ocpp-fleet %s\n", OCPP_VERSION);
      return std::nullopt;
    }
    if (i + 1 >= argc) throw UsageError(arg.rfind("--", 0) == 0 ? arg + ": needs a value" : "unknown argument " + arg);
    const std::string v = argv[++i];
    if (arg == "--csms-url") o.csms_url = v;
    else if (arg == "--count") o.count = integer(arg, v, 1, 100000);
    else if (arg == "--ocpp") {
      if (v == "1.6") o.ocpp = ProtocolVersion::v16;
      else if (v == "2.0.1") o.ocpp = ProtocolVersion::v201;
      else throw UsageError("--ocpp: expected 1.6 or 2.0.1, got \"" + v + "\"");
    } else if (arg == "--id-prefix") o.id_prefix = v;
    else if (arg == "--connectors") o.connectors = integer(arg, v, 1, 32);
    else if (arg == "--database-dir") o.database_dir = v;
    else if (arg == "--seed") o.seed = static_cast<std::uint64_t>(number(arg, v, 0));
    else if (arg == "--sessions") o.sessions = integer(arg, v, 0, 1000000);
    else if (arg == "--duration") o.duration_s = number(arg, v, 0);
    else if (arg == "--meter-interval") o.meter_interval_s = integer(arg, v, 1, 86400);
    else if (arg == "--meter-speedup") o.meter_speedup = number(arg, v, 1);
    else if (arg == "--charge-time") o.charge_s = range(arg, v);
    else if (arg == "--gap") o.gap_s = range(arg, v);
    else if (arg == "--auth") {
      if (v == "card") o.auth = AuthMode::card;
      else if (v == "code") o.auth = AuthMode::code;
      else if (v == "auto") o.auth = AuthMode::automatic;
      else throw UsageError("--auth: expected card, code or auto, got \"" + v + "\"");
    } else if (arg == "--http-url") o.http_url = v;
    else if (arg == "--user") o.user = v;
    else if (arg == "--offline-at") o.offline_at_s = number(arg, v, 0);
    else if (arg == "--offline-for") o.offline_for_s = number(arg, v, 0);
    else if (arg == "--ready-timeout") o.ready_timeout_s = number(arg, v, 1);
    else if (arg == "--drain-timeout") o.drain_timeout_s = number(arg, v, 1);
    else if (arg == "--report") o.report_file = v;
    else if (arg == "--ocpp-config") {
      const auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0) throw UsageError("--ocpp-config: expected NAME=VALUE, got \"" + v + "\"");
      o.ocpp_config[v.substr(0, eq)] = v.substr(eq + 1);
    }
    else if (arg == "--log-level") {
      if (!log::parse_level(v, o.log_level)) throw UsageError("--log-level: expected debug, info, warn, error or off");
    } else {
      throw UsageError("unknown option " + arg);
    }
  }
  check(o);
  return o;
}

}  // namespace ocpp::fleet
