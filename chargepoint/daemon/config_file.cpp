#include "config_file.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <vector>

#include "ocpp/common/json.hpp"
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
    // Accepted as a name, but its driver is not part of this build yet.
    fail("hal.driver", "modbus is not available in this build yet");
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

void read_local(const ObjectReader& top, Config& config) {
  if (auto s = top.path("database")) config.database = *s;
  if (auto s = top.path("control_socket")) {
    // sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
    if (s->size() > 107) fail("control_socket", "a Unix socket path is at most 107 bytes, got " + std::to_string(s->size()));
    config.control_socket = *s;
  }
  if (auto n = top.integer("connectors", 1, kMaxConnectors)) config.connectors = *n;
  if (auto b = top.boolean("resume_transactions_after_power_loss")) config.resume_transactions_after_power_loss = *b;
  if (auto n = top.integer("outbox_max_events", 100, 10000000)) config.outbox_max_events = *n;
  read_hal(top, config);
  read_ocpp_config(top, config);

  if (const rapidjson::Value* v = top.find("offline_code")) {
    const ObjectReader oc(*v, "offline_code", {"allow_plaintext_key_provisioning", "driver_page_url"});
    if (auto b = oc.boolean("allow_plaintext_key_provisioning")) config.offline_code.allow_plaintext_key_provisioning = *b;
    if (auto s = oc.string("driver_page_url")) {
      if (s->rfind("http://", 0) != 0 && s->rfind("https://", 0) != 0) {
        fail("offline_code.driver_page_url", "expected an http:// or https:// URL, got " + quoted(*s));
      }
      while (!s->empty() && s->back() == '/') s->pop_back();
      config.offline_code.driver_page_url = *s;
    }
  }
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
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(json.empty() ? "" : json.data(), json.size());
  if (doc.HasParseError()) {
    const auto [line, column] = line_and_column(json, doc.GetErrorOffset());
    fail("", "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                 rapidjson::GetParseError_En(doc.GetParseError()));
  }
  const ObjectReader top(doc, "",
                         {"charge_point_id", "ocpp_version", "csms_url", "security_profile", "basic_auth_password", "tls",
                          "database", "control_socket", "connectors", "resume_transactions_after_power_loss",
                          "outbox_max_events", "hal",
                          "ocpp_config", "offline_code", "log"});
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
