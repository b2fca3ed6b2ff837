#include "config_file.hpp"

#include <rapidjson/document.h>

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <vector>

#include "ocpp/common/json.hpp"
#include "ocpp/hal/modbus/io_board_map.hpp"
#include "ocpp/hal/modbus/meter_model.hpp"
#include "ocpp/transport/url.hpp"

namespace ocpp::cp::daemon {
namespace {

constexpr std::size_t kMaxFileBytes = 1024 * 1024;
constexpr std::size_t kMaxShownValue = 40;

[[noreturn]] void fail(const std::string& path, const std::string& what) {
  throw ConfigError(path, path.empty() ? what : path + ": " + what);
}

// The value as it is written in JSON, shortened, so that the message shows what was found.
std::string shown(const rapidjson::Value& v) {
  std::string text = ocpp::to_string(v);
  if (text.size() > kMaxShownValue) text = text.substr(0, kMaxShownValue - 3) + "...";
  return text;
}

std::string quoted(std::string_view s) {
  rapidjson::Value v(rapidjson::StringRef(s.data(), static_cast<rapidjson::SizeType>(s.size())));
  return shown(v);
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// "unknown key (did you mean ca_file?)" for a near miss, plain "unknown key" otherwise.
std::string unknown_key_message(std::string_view key, const std::vector<std::string_view>& known) {
  std::string_view best;
  std::size_t best_distance = key.size() < 5 ? 1 : 2;
  for (std::string_view candidate : known) {
    const std::size_t d = edit_distance(key, candidate);
    if (d <= best_distance && (best.empty() || d < best_distance)) {
      best = candidate;
      best_distance = d;
    }
  }
  if (best.empty()) return "unknown key";
  return "unknown key (did you mean " + std::string(best) + "?)";
}

bool printable_ascii_without_spaces(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

// One JSON object of the configuration: refuses unknown and duplicate keys on construction, then
// reads typed members that name their full path in every error.
class ObjectReader {
 public:
  ObjectReader(const rapidjson::Value& value, std::string path, std::vector<std::string_view> known)
      : value_(value), path_(std::move(path)) {
    if (!value.IsObject()) {
      fail(path_, path_.empty() ? "the configuration must be a JSON object, got " + shown(value)
                                : "expected an object, got " + shown(value));
    }
    std::set<std::string_view> seen;
    for (const auto& m : value.GetObject()) {
      const std::string_view key = as_string_view(m.name);
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        fail(key_path(key), unknown_key_message(key, known));
      }
      if (!seen.insert(key).second) fail(key_path(key), "duplicate key");
    }
  }

  std::string key_path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }

  const rapidjson::Value* find(std::string_view key) const {
    const auto it = value_.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    return it == value_.MemberEnd() ? nullptr : &it->value;
  }

  const rapidjson::Value& required(std::string_view key) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) fail(key_path(key), "required key missing");
    return *v;
  }

  std::optional<std::string> string(std::string_view key) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) return std::nullopt;
    return string_value(key, *v);
  }

  std::string string_value(std::string_view key, const rapidjson::Value& v) const {
    if (!v.IsString()) fail(key_path(key), "expected a string, got " + shown(v));
    std::string s(v.GetString(), v.GetStringLength());
    if (s.find('\0') != std::string::npos) fail(key_path(key), "must not contain a NUL character");
    return s;
  }

  std::optional<std::string> path(std::string_view key) const {
    auto s = string(key);
    if (s && s->empty()) fail(key_path(key), "must not be empty");
    return s;
  }

  std::optional<int> integer(std::string_view key, int min, int max) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->IsInt() || v->GetInt() < min || v->GetInt() > max) {
      fail(key_path(key), "expected an integer " + std::to_string(min) + "-" + std::to_string(max) + ", got " + shown(*v));
    }
    return v->GetInt();
  }

  std::optional<double> non_negative_number(std::string_view key) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->IsNumber() || v->GetDouble() < 0 || !std::isfinite(v->GetDouble())) {
      fail(key_path(key), "expected a number >= 0, got " + shown(*v));
    }
    return v->GetDouble();
  }

  std::optional<bool> boolean(std::string_view key) const {
    const rapidjson::Value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->IsBool()) fail(key_path(key), "expected true or false, got " + shown(*v));
    return v->GetBool();
  }

  const rapidjson::Value& value() const { return value_; }

 private:
  const rapidjson::Value& value_;
  std::string path_;
};

void check_readable(const std::string& key, const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) fail(key, "cannot read " + quoted(file) + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) fail(key, "cannot read " + quoted(file) + ": it is a directory");
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) fail(key, "cannot read " + quoted(file) + ": " + std::strerror(errno));
  std::fclose(f);
}

void read_tls(const ObjectReader& top, Config& config) {
  const rapidjson::Value* v = top.find("tls");
  if (v == nullptr) return;
  const ObjectReader tls(*v, "tls", {"ca_file", "cert_file", "key_file"});
  const std::pair<const char*, std::string*> files[] = {
      {"ca_file", &config.tls.ca_file}, {"cert_file", &config.tls.cert_file}, {"key_file", &config.tls.key_file}};
  for (const auto& [key, target] : files) {
    if (auto s = tls.path(key)) {
      check_readable(tls.key_path(key), *s);
      *target = *s;
    }
  }
  if (!config.tls.cert_file.empty() && config.tls.key_file.empty()) fail("tls.key_file", "required with tls.cert_file");
  if (config.tls.cert_file.empty() && !config.tls.key_file.empty()) fail("tls.cert_file", "required with tls.key_file");
}

// --- hal.driver "modbus" (docs/configuration.md, "The modbus driver") ---

std::chrono::milliseconds milliseconds(const ObjectReader& r, std::string_view key, int min, int max, int fallback) {
  return std::chrono::milliseconds(r.integer(key, min, max).value_or(fallback));
}

// A number > 0 and at most `max`, or `fallback` when absent.
double positive(const ObjectReader& r, std::string_view key, double max, double fallback) {
  const rapidjson::Value* v = r.find(key);
  if (v == nullptr) return fallback;
  if (!v->IsNumber() || !(v->GetDouble() > 0) || v->GetDouble() > max) {
    char range[64];
    std::snprintf(range, sizeof range, "expected a number > 0 and <= %g, got ", max);
    fail(r.key_path(key), range + shown(*v));
  }
  return v->GetDouble();
}

const rapidjson::Value& array_of_objects(const ObjectReader& r, std::string_view key, bool required) {
  static const rapidjson::Value empty(rapidjson::kArrayType);
  const rapidjson::Value* v = required ? &r.required(key) : r.find(key);
  if (v == nullptr) return empty;
  if (!v->IsArray()) fail(r.key_path(key), "expected an array, got " + shown(*v));
  return *v;
}

std::string element_path(const ObjectReader& r, std::string_view key, rapidjson::SizeType i) {
  return r.key_path(key) + "[" + std::to_string(i) + "]";
}

void read_modbus_buses(const ObjectReader& hal, hal::modbus::PileConfig& pile) {
  const rapidjson::Value& buses = hal.required("buses");
  if (!buses.IsObject() || buses.MemberCount() == 0) {
    fail("hal.buses", "expected an object of bus names to buses (at least one), got " + shown(buses));
  }
  for (const auto& m : buses.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    const std::string path = "hal.buses." + name;
    if (name.empty() || !printable_ascii_without_spaces(name)) fail(path, "a bus name is printable ASCII without spaces");
    const ObjectReader bus(m.value, path,
                           {"device", "baud", "parity", "data_bits", "stop_bits", "host", "port", "response_timeout_ms"});
    hal::modbus::BusConfig b;
    b.name = name;
    const auto device = bus.path("device");
    const auto host = bus.string("host");
    if (device.has_value() == host.has_value()) {
      fail(path, "a bus has either \"device\" (Modbus RTU, a serial line) or \"host\" (Modbus TCP)");
    }
    if (device) {
      hal::modbus::RtuLink rtu;
      rtu.device = *device;
      rtu.baud = bus.integer("baud", 1200, 230400).value_or(9600);
      constexpr int kRates[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400};
      if (std::find(std::begin(kRates), std::end(kRates), rtu.baud) == std::end(kRates)) {
        fail(bus.key_path("baud"), "expected a standard rate (1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400), got " +
                                       std::to_string(rtu.baud));
      }
      if (const rapidjson::Value* p = bus.find("parity")) {
        const std::string_view text = p->IsString() ? as_string_view(*p) : std::string_view{};
        if (text != "N" && text != "E" && text != "O") fail(bus.key_path("parity"), "expected \"N\", \"E\" or \"O\", got " + shown(*p));
        rtu.parity = text[0];
      }
      rtu.data_bits = bus.integer("data_bits", 7, 8).value_or(8);
      rtu.stop_bits = bus.integer("stop_bits", 1, 2).value_or(1);
      for (const char* tcp_only : {"port"}) {
        if (bus.find(tcp_only) != nullptr) fail(bus.key_path(tcp_only), "only for a Modbus TCP bus (with \"host\")");
      }
      b.link = rtu;
    } else {
      if (host->empty()) fail(bus.key_path("host"), "must not be empty");
      for (const char* rtu_only : {"baud", "parity", "data_bits", "stop_bits"}) {
        if (bus.find(rtu_only) != nullptr) fail(bus.key_path(rtu_only), "only for a Modbus RTU bus (with \"device\")");
      }
      b.link = hal::modbus::TcpLink{*host, bus.integer("port", 1, 65535).value_or(502)};
    }
    b.response_timeout = milliseconds(bus, "response_timeout_ms", 20, 10000, 500);
    pile.buses.push_back(std::move(b));
  }
}

std::string known_bus(const ObjectReader& r, std::string_view key, const hal::modbus::PileConfig& pile) {
  const std::string name = r.string_value(key, r.required(key));
  std::string names;
  for (const auto& b : pile.buses) {
    if (b.name == name) return name;
    names += (names.empty() ? "" : ", ") + b.name;
  }
  fail(r.key_path(key), "no bus " + quoted(name) + " in hal.buses (" + names + ")");
}

void read_modbus_meters(const ObjectReader& hal, int connectors, hal::modbus::PileConfig& pile) {
  const rapidjson::Value& meters = array_of_objects(hal, "meters", true);
  std::vector<std::string> owner(static_cast<std::size_t>(connectors + 1));
  for (rapidjson::SizeType i = 0; i < meters.Size(); ++i) {
    const std::string path = element_path(hal, "meters", i);
    const ObjectReader m(meters[i], path,
                         {"connector", "bus", "unit", "model", "poll_interval_ms", "max_power_w", "failures_before_fault",
                          "refusals_before_fault"});
    hal::modbus::MeterSetup setup;
    if (m.find("connector") == nullptr) fail(m.key_path("connector"), "required key missing");
    setup.connector = *m.integer("connector", 1, connectors);
    std::string& first = owner[static_cast<std::size_t>(setup.connector)];
    if (!first.empty()) fail(m.key_path("connector"), "connector " + std::to_string(setup.connector) + " already has a meter (" + first + ")");
    first = path;
    setup.bus = known_bus(m, "bus", pile);
    setup.config.unit = m.integer("unit", 1, 247).value_or(0);
    if (setup.config.unit == 0) fail(m.key_path("unit"), "required key missing");
    // The map file is read now: a missing or broken one stops the start with its reason.
    const std::string model = m.string_value("model", m.required("model"));
    try {
      setup.model = hal::modbus::find_meter_model(model, pile.meter_dirs);
      (void)hal::modbus::load_meter_model(setup.model);
    } catch (const hal::modbus::MeterModelError& e) {
      fail(m.key_path("model"), e.what());
    }
    setup.config.poll_interval = milliseconds(m, "poll_interval_ms", 100, 3600000, 1000);
    setup.config.max_power_w = positive(m, "max_power_w", 1e7, 100000);
    setup.config.failures_before_fault = m.integer("failures_before_fault", 1, 100).value_or(3);
    setup.config.refusals_before_fault = m.integer("refusals_before_fault", 1, 100).value_or(3);
    pile.meters.push_back(std::move(setup));
  }
  for (int c = 1; c <= connectors; ++c) {
    if (owner[static_cast<std::size_t>(c)].empty()) {
      fail("hal.meters", "connector " + std::to_string(c) + " has no meter (each connector needs one for its transactions)");
    }
  }
}

void read_modbus_io_board(const ObjectReader& hal, int connectors, hal::modbus::PileConfig& pile) {
  const ObjectReader b(hal.required("io_board"), "hal.io_board",
                       {"bus", "unit", "poll_interval_ms", "max_current_a", "has_lock", "failures_before_fault",
                        "heartbeat_timeout_ms", "contactor_timeout_ms", "lock_timeout_ms"});
  auto& board = pile.io_board;
  board.bus = known_bus(b, "bus", pile);
  board.config.unit = b.integer("unit", 1, 247).value_or(0);
  if (board.config.unit == 0) fail(b.key_path("unit"), "required key missing");
  board.config.connectors = connectors;
  board.config.poll_interval = milliseconds(b, "poll_interval_ms", 50, 60000, 250);
  board.config.failures_before_fault = b.integer("failures_before_fault", 1, 100).value_or(3);
  board.config.heartbeat_timeout = milliseconds(b, "heartbeat_timeout_ms", 1000, 60000, 3000);
  board.config.contactor_timeout = milliseconds(b, "contactor_timeout_ms", 100, 60000, 1000);
  board.config.lock_timeout = milliseconds(b, "lock_timeout_ms", 100, 60000, 2000);
  board.config.has_lock = b.boolean("has_lock").value_or(true);
  board.max_current_a = positive(b, "max_current_a", 80, 32);
  if (board.max_current_a < 6) fail(b.key_path("max_current_a"), "a PWM offers at least 6 A (IEC 61851-1), got " + shown(*b.find("max_current_a")));
}

void read_modbus_power_stages(const ObjectReader& hal, int connectors, hal::modbus::PileConfig& pile) {
  const rapidjson::Value* v = hal.find("power_stage");
  if (v == nullptr) return;
  const ObjectReader ps(*v, "hal.power_stage", {"interface", "modules"});
  const auto interface = ps.path("interface");
  if (!interface) fail(ps.key_path("interface"), "required key missing (the CAN interface, e.g. \"can0\")");
  if (interface->size() > 15) fail(ps.key_path("interface"), "a network interface name is at most 15 characters");
  pile.can_interface = *interface;
  const rapidjson::Value& modules = array_of_objects(ps, "modules", true);
  if (modules.Size() == 0) fail(ps.key_path("modules"), "expected at least one module");
  std::set<int> nodes, used;
  for (rapidjson::SizeType i = 0; i < modules.Size(); ++i) {
    const ObjectReader m(modules[i], element_path(ps, "modules", i),
                         {"connector", "node", "voltage_v", "max_voltage_v", "max_current_a", "ramp_a_per_s",
                          "setpoint_period_ms", "heartbeat_timeout_ms"});
    hal::modbus::PowerStageSetup s;
    if (m.find("connector") == nullptr) fail(m.key_path("connector"), "required key missing");
    s.connector = *m.integer("connector", 1, connectors);
    if (!used.insert(s.connector).second) fail(m.key_path("connector"), "connector " + std::to_string(s.connector) + " already has a module");
    if (m.find("node") == nullptr) fail(m.key_path("node"), "required key missing");
    s.config.node = *m.integer("node", 1, 127);
    if (!nodes.insert(s.config.node).second) fail(m.key_path("node"), "node " + std::to_string(s.config.node) + " is used twice");
    s.config.max_voltage_v = positive(m, "max_voltage_v", 1500, 1000);
    if (m.find("voltage_v") == nullptr) fail(m.key_path("voltage_v"), "required key missing (the output voltage)");
    s.voltage_v = positive(m, "voltage_v", s.config.max_voltage_v, 0);
    s.config.max_current_a = positive(m, "max_current_a", 1000, 200);
    s.config.ramp_a_per_s = positive(m, "ramp_a_per_s", 10000, 50);
    s.config.setpoint_period = milliseconds(m, "setpoint_period_ms", 20, 1000, 100);
    s.config.heartbeat_timeout = milliseconds(m, "heartbeat_timeout_ms", 100, 10000, 500);
    if (s.config.heartbeat_timeout <= s.config.setpoint_period) {
      fail(m.key_path("heartbeat_timeout_ms"), "must be longer than setpoint_period_ms");
    }
    pile.power_stages.push_back(s);
  }
}

void read_modbus_hal(const rapidjson::Value& v, Config& config) {
  const ObjectReader hal(v, "hal", {"driver", "meter_dir", "buses", "meters", "io_board", "power_stage"});
  auto& pile = config.hal.modbus;
  config.hal.driver = HalDriver::modbus;
  if (config.connectors > hal::modbus::io_board::kMaxConnectors) {
    fail("connectors", "the modbus driver's I/O board serves at most 8 connectors, got " + std::to_string(config.connectors));
  }
  pile.meter_dirs = hal::modbus::default_meter_dirs();
  if (auto dir = hal.path("meter_dir")) pile.meter_dirs.insert(pile.meter_dirs.begin(), *dir);
  read_modbus_buses(hal, pile);
  read_modbus_meters(hal, config.connectors, pile);
  read_modbus_io_board(hal, config.connectors, pile);
  read_modbus_power_stages(hal, config.connectors, pile);
}

void read_hal(const ObjectReader& top, Config& config) {
  const rapidjson::Value* v = top.find("hal");
  if (v == nullptr) return;
  if (!v->IsObject()) fail("hal", "expected an object, got " + shown(*v));
  std::string driver = "sim";
  const auto d = v->FindMember("driver");
  if (d != v->MemberEnd()) {
    if (!d->value.IsString()) fail("hal.driver", "expected \"sim\" or \"modbus\", got " + shown(d->value));
    driver = as_string_view(d->value);
  }
  if (driver == "modbus") {
    read_modbus_hal(*v, config);
    return;
  }
  if (driver != "sim") fail("hal.driver", "expected \"sim\" or \"modbus\", got " + shown(d->value));
  const ObjectReader hal(*v, "hal", {"driver", "state_file", "start_energy_wh", "meter_speedup"});
  config.hal.driver = HalDriver::sim;
  if (auto s = hal.path("state_file")) config.hal.state_file = *s;
  config.hal.start_energy_wh = hal.non_negative_number("start_energy_wh");
  if (auto x = hal.non_negative_number("meter_speedup")) {
    if (*x < 1 || *x > 10000) fail("hal.meter_speedup", "must be 1 to 10000, got " + std::to_string(*x));
    config.hal.meter_speedup = *x;
  }
}

void read_ocpp_config(const ObjectReader& top, Config& config) {
  const rapidjson::Value* v = top.find("ocpp_config");
  if (v == nullptr) return;
  if (!v->IsObject()) fail("ocpp_config", "expected an object of OCPP names to string values, got " + shown(*v));
  for (const auto& m : v->GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    const std::string key = "ocpp_config." + name;
    if (name.empty()) fail("ocpp_config", "a key must not be empty");
    if (!m.value.IsString()) {
      // OCPP carries configuration values as strings (1.6 ChangeConfiguration, 2.0.1 SetVariables).
      fail(key, "expected a string, got " + shown(m.value) +
                    (m.value.IsNumber() || m.value.IsBool() ? " (OCPP values are strings: write \"" + ocpp::to_string(m.value) + "\")" : ""));
    }
    if (!config.ocpp_config.emplace(name, std::string(m.value.GetString(), m.value.GetStringLength())).second) {
      fail(key, "duplicate key");
    }
  }
}

void read_charge_point_id(const ObjectReader& top, Config& config) {
  config.charge_point_id = top.string_value("charge_point_id", top.required("charge_point_id"));
  const std::string& id = config.charge_point_id;
  if (id.empty() || id.size() > kMaxChargePointIdLength) {
    // 1.6 chargeBoxIdentity and the 2.0.1 identity are at most 48 characters.
    fail("charge_point_id", "must be 1 to " + std::to_string(kMaxChargePointIdLength) + " characters, got " +
                                std::to_string(id.size()));
  }
  if (!printable_ascii_without_spaces(id)) {
    fail("charge_point_id", "must be printable ASCII without spaces, got " + quoted(id));
  }
}

void read_connection(const ObjectReader& top, Config& config) {
  if (const rapidjson::Value* v = top.find("ocpp_version")) {
    const auto version = v->IsString() ? version_from_string(as_string_view(*v)) : std::nullopt;
    if (!version) fail("ocpp_version", "expected \"1.6\" or \"2.0.1\", got " + shown(*v));
    config.ocpp_version = *version;
  }
  config.csms_url = top.string_value("csms_url", top.required("csms_url"));
  const auto url = transport::parse_url(config.csms_url);
  if (!url) fail("csms_url", "expected a ws:// or wss:// URL, got " + quoted(config.csms_url));

  if (auto p = top.integer("security_profile", 0, 3)) config.security_profile = *p;
  if (auto s = top.string("basic_auth_password")) {
    // 2.0.1 BasicAuthPassword (passwordString, 16-40 characters); 1.6 security whitepaper
    // AuthorizationKey (at least 16 bytes, at most 20 bytes written as 40 hex digits).
    if (s->size() < kMinBasicAuthPassword || s->size() > kMaxBasicAuthPassword) {
      fail("basic_auth_password", "must be " + std::to_string(kMinBasicAuthPassword) + " to " +
                                      std::to_string(kMaxBasicAuthPassword) +
                                      " characters (OCPP 2.0.1 BasicAuthPassword, 1.6 AuthorizationKey), got " +
                                      std::to_string(s->size()));
    }
    config.basic_auth_password = *s;
  }
  read_tls(top, config);

  const int profile = config.security_profile;
  const std::string p = std::to_string(profile);
  // 1.6 security whitepaper / 2.0.1 A00: profiles 2 and 3 use TLS; 1 and 2 use HTTP Basic
  // authentication; 3 authenticates with a client certificate.
  if (profile >= 2 && !url->tls) fail("csms_url", "security profile " + p + " needs a wss:// URL, got " + quoted(config.csms_url));
  if ((profile == 1 || profile == 2) && config.basic_auth_password.empty()) {
    fail("basic_auth_password", "required for security profile " + p + " (HTTP Basic authentication)");
  }
  if ((profile == 1 || profile == 2) && config.charge_point_id.find(':') != std::string::npos) {
    // The id is the HTTP Basic user-id, which cannot contain a colon (RFC 7617 §2).
    fail("charge_point_id", "must not contain ':' with security profile " + p + " (it is the HTTP Basic user name)");
  }
  if (profile == 3 && config.tls.cert_file.empty()) {
    fail("tls.cert_file", "security profile 3 needs a client certificate (tls.cert_file and tls.key_file)");
  }
}

// 2.0.1 ConnectorEnumType: what `evses[].connectors[].type` may say.
constexpr std::string_view kConnectorTypes[] = {
    "cCCS1",       "cCCS2",       "cG105",       "cTesla",      "cType1",    "cType2",      "s309-1P-16A",
    "s309-1P-32A", "s309-3P-16A", "s309-3P-32A", "sBS1361",     "sCEE-7-7",  "sType2",      "sType3",
    "Other1PhMax16A", "Other1PhOver16A", "Other3Ph", "Pan", "wInductive", "wResonant", "Undetermined", "Unknown"};

ConnectorInfo read_connector(const rapidjson::Value& v, const std::string& path, int id, int evse_phases) {
  const ObjectReader r(v, path, {"type", "phases"});
  ConnectorInfo c;
  c.id = id;
  if (auto t = r.string("type")) {
    if (std::find(std::begin(kConnectorTypes), std::end(kConnectorTypes), *t) == std::end(kConnectorTypes)) {
      fail(r.key_path("type"), "not an OCPP 2.0.1 connector type (cType2, cCCS2, sType2, ...), got " + quoted(*t));
    }
    c.type = *t;
  }
  c.phases = r.integer("phases", 1, 3).value_or(evse_phases);
  if (c.phases > evse_phases) fail(r.key_path("phases"), "more phases than its EVSE has (" + std::to_string(evse_phases) + ")");
  return c;
}

// `evses`: the pile's EVSEs and their connectors (docs/configuration.md, "EVSEs and connectors").
// The alternative to `connectors: N`, which is N EVSEs of one connector each.
void read_evses(const ObjectReader& top, Config& config) {
  const rapidjson::Value* v = top.find("evses");
  if (v == nullptr) return;
  if (top.find("connectors") != nullptr) fail("evses", "give either connectors or evses, not both");
  if (!v->IsArray() || v->Empty()) fail("evses", "expected a non-empty array of EVSEs, got " + shown(*v));
  int total = 0;
  for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
    const std::string path = "evses[" + std::to_string(i) + "]";
    const ObjectReader r((*v)[i], path, {"connectors", "phases", "max_power_w"});
    EvseInfo evse;
    evse.id = static_cast<int>(i) + 1;
    evse.phases = r.integer("phases", 1, 3).value_or(3);
    if (auto p = r.non_negative_number("max_power_w")) evse.max_power_w = *p;
    const rapidjson::Value& list = r.required("connectors");
    if (!list.IsArray() || list.Empty()) fail(r.key_path("connectors"), "expected a non-empty array, got " + shown(list));
    for (rapidjson::SizeType j = 0; j < list.Size(); ++j) {
      const std::string cpath = r.key_path("connectors") + "[" + std::to_string(j) + "]";
      evse.connectors.push_back(read_connector(list[j], cpath, static_cast<int>(j) + 1, evse.phases));
    }
    total += static_cast<int>(evse.connectors.size());
    if (total > kMaxConnectors) fail(path, "more than " + std::to_string(kMaxConnectors) + " connectors in all");
    config.evses.push_back(std::move(evse));
  }
  config.connectors = total;
}

// `smart_charging` (docs/configuration.md): integers in range here; the rate units by the setting.
void read_smart_charging(const ObjectReader& top, Config& config) {
  const rapidjson::Value* v = top.find("smart_charging");
  if (v == nullptr) return;
  const ObjectReader sc(*v, "smart_charging",
                        {"nominal_voltage_v", "max_stack_level", "rate_units", "max_periods", "max_profiles"});
  const std::pair<const char*, const char*> integers[] = {{"nominal_voltage_v", "nominal_voltage_v"},
                                                          {"max_stack_level", "smart_charging_max_stack_level"},
                                                          {"max_periods", "smart_charging_max_periods"},
                                                          {"max_profiles", "smart_charging_max_profiles"}};
  for (const auto& [key, setting] : integers) {
    if (auto n = sc.integer(key, key == std::string_view("max_stack_level") ? 0 : 1, 1000)) {
      config.smart_charging[setting] = std::to_string(*n);
    }
  }
  if (auto s = sc.string("rate_units")) {
    if (*s != "A" && *s != "W" && *s != "A,W" && *s != "W,A") {
      fail("smart_charging.rate_units", "expected \"A\", \"W\" or \"A,W\", got " + quoted(*s));
    }
    config.smart_charging["smart_charging_rate_units"] = *s;
  }
}

// The folder of a file path as written ("." for a bare name).
std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

void read_firmware_and_security(const ObjectReader& top, Config& config) {
  if (const rapidjson::Value* v = top.find("firmware")) {
    const ObjectReader fw(*v, "firmware", {"install_command", "max_image_bytes"});
    if (auto s = fw.string("install_command")) config.firmware.install_command = *s;
    // Bytes, 1 MiB up to 2 GiB (the reader takes ints).
    if (auto n = fw.integer("max_image_bytes", 1024 * 1024, 2147483647)) config.firmware.max_image_bytes = *n;
  }
  if (const rapidjson::Value* v = top.find("security")) {
    const ObjectReader sec(*v, "security", {"allow_plaintext_management"});
    if (auto b = sec.boolean("allow_plaintext_management")) config.security.allow_plaintext_management = *b;
  }
}

void read_local(const ObjectReader& top, Config& config) {
  if (auto s = top.path("database")) config.database = *s;
  config.state_dir = folder_of(config.database);
  if (auto s = top.path("state_dir")) config.state_dir = *s;
  read_firmware_and_security(top, config);
  if (auto s = top.path("control_socket")) {
    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    if (s->size() > 107) fail("control_socket", "a Unix socket path is at most 107 bytes, got " + std::to_string(s->size()));
    // Only a program that drives its piles itself (ocpp-fleet) runs a pile without one.
    if (s->empty()) fail("control_socket", "must not be empty");
    config.control_socket = *s;
  }
  if (auto n = top.integer("connectors", 1, kMaxConnectors)) config.connectors = *n;
  read_evses(top, config);
  if (auto b = top.boolean("resume_transactions_after_power_loss")) config.resume_transactions_after_power_loss = *b;
  if (auto n = top.integer("outbox_max_events", 100, 10000000)) config.outbox_max_events = *n;
  read_hal(top, config);
  read_ocpp_config(top, config);

  if (const rapidjson::Value* v = top.find("offline_code")) {
    const ObjectReader oc(*v, "offline_code", {"allow_plaintext_key_provisioning", "driver_page_url", "time_floor_file"});
    if (auto s = oc.string("time_floor_file")) config.offline_code.time_floor_file = *s;  // read by the runtime
    if (auto b = oc.boolean("allow_plaintext_key_provisioning")) config.offline_code.allow_plaintext_key_provisioning = *b;
    if (auto s = oc.string("driver_page_url")) {
      if (s->rfind("http://", 0) != 0 && s->rfind("https://", 0) != 0) {
        fail("offline_code.driver_page_url", "expected an http:// or https:// URL, got " + quoted(*s));
      }
      while (!s->empty() && s->back() == '/') s->pop_back();
      config.offline_code.driver_page_url = *s;
    }
  }
  read_smart_charging(top, config);
  if (const rapidjson::Value* v = top.find("log")) {
    const ObjectReader lg(*v, "log", {"level", "syslog"});
    if (const rapidjson::Value* level = lg.find("level")) {
      const std::string_view text = level->IsString() ? as_string_view(*level) : std::string_view{};
      if (text == "debug") config.log.level = log::Level::debug;
      else if (text == "info") config.log.level = log::Level::info;
      else if (text == "warn") config.log.level = log::Level::warn;
      else if (text == "error") config.log.level = log::Level::error;
      else fail("log.level", "expected \"debug\", \"info\", \"warn\" or \"error\", got " + shown(*level));
    }
    if (auto b = lg.boolean("syslog")) config.log.syslog = *b;
  }
}

// Line and column (both from 1) of a byte offset, for parse errors.
std::pair<std::size_t, std::size_t> line_and_column(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, offset - line_start + 1};
}

}  // namespace

Config parse_config(std::string_view json) {
  if (json.size() >= 3 && json.substr(0, 3) == "\xEF\xBB\xBF") json.remove_prefix(3);  // UTF-8 BOM
  rapidjson::Document doc;
  // Nesting is bounded before the document is built: a 1 MiB file of "[" would overflow the stack.
  if (const auto error = parse_json(doc, json, JsonParseOptions{kMaxJsonDepth, /*validate_encoding=*/true})) {
    const auto [line, column] = line_and_column(json, error->offset);
    fail("", "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                 error->message());
  }
  const ObjectReader top(doc, "",
                         {"charge_point_id", "ocpp_version", "csms_url", "security_profile", "basic_auth_password", "tls",
                          "database", "state_dir", "control_socket", "connectors", "evses",
                          "resume_transactions_after_power_loss", "outbox_max_events", "hal", "firmware", "security",
                          "ocpp_config", "offline_code", "smart_charging", "log"});
  Config config;
  read_charge_point_id(top, config);
  read_connection(top, config);
  read_local(top, config);
  return config;
}

Config load_config(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw ConfigError("", path + ": cannot read the configuration file: it is a directory");
  }
  // stdio rather than iostreams: the daemon links no iostreams at all (about 0.5 MB of resident
  // libstdc++ pages on the target; bench/RESULTS.md, idle footprint).
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) throw ConfigError("", path + ": cannot read the configuration file: " + std::strerror(errno));
  std::string text;
  char buffer[8192];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, in)) > 0) {
    text.append(buffer, n);
    if (text.size() > kMaxFileBytes) {
      std::fclose(in);
      throw ConfigError("", path + ": larger than 1 MiB, not a configuration file");
    }
  }
  const bool failed = std::ferror(in) != 0;
  std::fclose(in);
  if (failed) throw ConfigError("", path + ": cannot read the configuration file: " + std::strerror(errno));
  try {
    return parse_config(text);
  } catch (const ConfigError& e) {
    throw ConfigError(e.key(), path + ": " + e.what());
  }
}

}  // namespace ocpp::cp::daemon
