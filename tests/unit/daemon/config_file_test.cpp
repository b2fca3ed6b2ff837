// The configuration file of ocpp-chargepoint: a full valid file, defaults, and each refusal with
// the path of the key it is about (DESIGN.md principle 7).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config_file.hpp"

namespace ocpp::cp::daemon {
namespace {

namespace fs = std::filesystem;

class ConfigFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ocpp-config-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir = pattern;
    write(dir / "ca.pem", "ca");
    write(dir / "cert.pem", "cert");
    write(dir / "key.pem", "key");
  }
  void TearDown() override { fs::remove_all(dir); }

  static void write(const fs::path& p, const std::string& text) {
    std::ofstream(p, std::ios::binary) << text;
  }
  std::string file(const char* name) const { return (dir / name).string(); }

  // Expects parse_config to refuse `json` with exactly `message`; returns the error's key path.
  static std::string refusal(const std::string& json, const std::string& message) {
    try {
      parse_config(json);
    } catch (const ConfigError& e) {
      EXPECT_EQ(std::string(e.what()), message) << json;
      return e.key();
    }
    ADD_FAILURE() << "accepted: " << json;
    return {};
  }

  fs::path dir;
};

constexpr const char* kMinimal = R"({"charge_point_id": "CP-1", "csms_url": "ws://127.0.0.1:9000/ocpp"})";

// A minimal config with one more top-level member.
std::string with(const std::string& member) {
  return R"({"charge_point_id": "CP-1", "csms_url": "ws://127.0.0.1:9000/ocpp", )" + member + "}";
}

TEST_F(ConfigFileTest, FullConfigurationIsRead) {
  const std::string json = R"({
    "charge_point_id": "PILE-0042",
    "ocpp_version": "2.0.1",
    "csms_url": "wss://csms.example.com:443/ocpp",
    "security_profile": 3,
    "basic_auth_password": "0123456789abcdef0123",
    "tls": {"ca_file": ")" + file("ca.pem") + R"(", "cert_file": ")" + file("cert.pem") +
                           R"(", "key_file": ")" + file("key.pem") + R"("},
    "database": "/var/lib/ocpp/cp.db",
    "control_socket": "/run/ocpp-chargepoint/control.sock",
    "connectors": 4,
    "hal": {"driver": "sim", "state_file": "/tmp/sim.json", "start_energy_wh": 1250.5},
    "ocpp_config": {"HeartbeatInterval": "300", "MeterValueSampleInterval": "60"},
    "offline_code": {"allow_plaintext_key_provisioning": true, "time_floor_file": "/etc/ocpp/installed-at"},
    "log": {"level": "debug", "syslog": true},
    "firmware": {"install_command": "/usr/lib/ocpp/install-firmware", "max_image_bytes": 10485760},
    "security": {"allow_plaintext_management": true}
  })";
  const Config c = parse_config(json);
  EXPECT_EQ(c.state_dir, "/var/lib/ocpp");  // the database's folder when not given
  EXPECT_EQ(c.firmware.install_command, "/usr/lib/ocpp/install-firmware");
  EXPECT_EQ(c.firmware.max_image_bytes, 10485760);
  EXPECT_TRUE(c.security.allow_plaintext_management);
  EXPECT_EQ(c.charge_point_id, "PILE-0042");
  EXPECT_EQ(c.ocpp_version, ProtocolVersion::v201);
  EXPECT_EQ(c.csms_url, "wss://csms.example.com:443/ocpp");
  EXPECT_EQ(c.security_profile, 3);
  EXPECT_EQ(c.basic_auth_password, "0123456789abcdef0123");
  EXPECT_EQ(c.tls.ca_file, file("ca.pem"));
  EXPECT_EQ(c.tls.cert_file, file("cert.pem"));
  EXPECT_EQ(c.tls.key_file, file("key.pem"));
  EXPECT_EQ(c.database, "/var/lib/ocpp/cp.db");
  EXPECT_EQ(c.control_socket, "/run/ocpp-chargepoint/control.sock");
  EXPECT_EQ(c.connectors, 4);
  EXPECT_EQ(c.hal.driver, HalDriver::sim);
  EXPECT_EQ(c.hal.state_file, "/tmp/sim.json");
  ASSERT_TRUE(c.hal.start_energy_wh.has_value());
  EXPECT_DOUBLE_EQ(*c.hal.start_energy_wh, 1250.5);
  EXPECT_EQ(c.ocpp_config.size(), 2u);
  EXPECT_EQ(c.ocpp_config.at("HeartbeatInterval"), "300");
  EXPECT_TRUE(c.offline_code.allow_plaintext_key_provisioning);
  EXPECT_EQ(c.offline_code.time_floor_file, "/etc/ocpp/installed-at");  // read at start (offline-code.md §7.1)
  EXPECT_EQ(c.log.level, log::Level::debug);
  EXPECT_TRUE(c.log.syslog);
}

TEST_F(ConfigFileTest, DefaultsOfAMinimalConfiguration) {
  const Config c = parse_config(kMinimal);
  EXPECT_EQ(c.ocpp_version, ProtocolVersion::v16);
  EXPECT_EQ(c.security_profile, 0);
  EXPECT_TRUE(c.basic_auth_password.empty());
  EXPECT_EQ(c.database, "chargepoint.db");
  EXPECT_EQ(c.state_dir, ".");
  EXPECT_TRUE(c.firmware.install_command.empty());
  EXPECT_EQ(c.firmware.max_image_bytes, 256LL * 1024 * 1024);
  EXPECT_FALSE(c.security.allow_plaintext_management);
  EXPECT_EQ(c.control_socket, "chargepoint.sock");
  EXPECT_EQ(c.connectors, 2);
  EXPECT_EQ(c.hal.driver, HalDriver::sim);
  EXPECT_FALSE(c.hal.start_energy_wh.has_value());
  EXPECT_TRUE(c.ocpp_config.empty());
  EXPECT_FALSE(c.offline_code.allow_plaintext_key_provisioning);
  EXPECT_EQ(c.log.level, log::Level::info);
  EXPECT_FALSE(c.log.syslog);
}

// EVSEs with their connectors instead of `connectors: N`: the connectors are counted across them,
// and the topology the core and the 2.0.1 adapter get is what the file says.
TEST_F(ConfigFileTest, EvsesDescribeTheTopology) {
  const Config c = parse_config(with(R"("evses": [
      {"connectors": [{"type": "cType2"}, {"type": "cCCS2", "phases": 3}], "max_power_w": 50000},
      {"connectors": [{"type": "sType2", "phases": 1}], "phases": 1}])"));
  EXPECT_EQ(c.connectors, 3);
  const Topology t = c.topology();
  ASSERT_EQ(t.evses.size(), 2u);
  EXPECT_EQ(t.evses[0].connectors.size(), 2u);
  EXPECT_EQ(t.evses[0].connectors[1].type, "cCCS2");
  EXPECT_DOUBLE_EQ(t.evses[0].max_power_w, 50000);
  EXPECT_EQ(t.evses[1].phases, 1);
  EXPECT_EQ(t.evses[1].connectors[0].phases, 1);
  EXPECT_EQ(t.flat(2, 1), std::optional<ConnectorId>(3));
  // Without `evses`, `connectors: N` is N EVSEs of one connector each.
  EXPECT_EQ(parse_config(kMinimal).topology().evses.size(), 2u);
}

TEST_F(ConfigFileTest, WrongEvsesAreRefusedWithTheirPath) {
  refusal(with(R"("connectors": 2, "evses": [{"connectors": [{}]}])"), "evses: give either connectors or evses, not both");
  refusal(with(R"("evses": [])"), "evses: expected a non-empty array of EVSEs, got []");
  refusal(with(R"("evses": [{"connectors": []}])"), "evses[0].connectors: expected a non-empty array, got []");
  refusal(with(R"("evses": [{"connectors": [{"type": "Type2"}]}])"),
          R"(evses[0].connectors[0].type: not an OCPP 2.0.1 connector type (cType2, cCCS2, sType2, ...), got "Type2")");
  refusal(with(R"("evses": [{"phases": 1, "connectors": [{"phases": 3}]}])"),
          "evses[0].connectors[0].phases: more phases than its EVSE has (1)");
  refusal(with(R"("evses": [{"connectors": [{"kind": "x"}]}])"), "evses[0].connectors[0].kind: unknown key");
}

TEST_F(ConfigFileTest, SmartChargingLimitsAreInitialValuesOfTheirSettings) {
  const Config c = parse_config(with(R"("smart_charging": {"nominal_voltage_v": 120, "max_stack_level": 3,
      "rate_units": "W", "max_periods": 10, "max_profiles": 5})"));
  EXPECT_EQ(c.smart_charging.at("nominal_voltage_v"), "120");
  EXPECT_EQ(c.smart_charging.at("smart_charging_max_stack_level"), "3");
  EXPECT_EQ(c.smart_charging.at("smart_charging_rate_units"), "W");
  EXPECT_EQ(c.smart_charging.at("smart_charging_max_periods"), "10");
  EXPECT_EQ(c.smart_charging.at("smart_charging_max_profiles"), "5");
  EXPECT_TRUE(parse_config(kMinimal).smart_charging.empty()) << "the settings' defaults apply";
  const auto key = refusal(with(R"("smart_charging": {"rate_units": "kW"})"),
                           R"(smart_charging.rate_units: expected "A", "W" or "A,W", got "kW")");
  EXPECT_EQ(key, "smart_charging.rate_units");
  refusal(with(R"("smart_charging": {"max_periods": 0})"), "smart_charging.max_periods: expected an integer 1-1000, got 0");
  refusal(with(R"("smart_charging": {"voltage": 230})"), "smart_charging.voltage: unknown key");
}

TEST_F(ConfigFileTest, UnknownKeysAreRefusedWithTheirPath) {
  EXPECT_EQ(refusal(with(R"("conectors": 2)"), "conectors: unknown key (did you mean connectors?)"), "conectors");
  EXPECT_EQ(refusal(with(R"("colour": "blue")"), "colour: unknown key"), "colour");
  EXPECT_EQ(refusal(with(R"("tls": {"ca_fle": "x"})"), "tls.ca_fle: unknown key (did you mean ca_file?)"), "tls.ca_fle");
  refusal(with(R"("hal": {"driver": "sim", "state": "x"})"), "hal.state: unknown key");
  refusal(with(R"("log": {"levle": "info"})"), "log.levle: unknown key (did you mean level?)");
  refusal(with(R"("offline_code": {"allow_plaintext": true})"), "offline_code.allow_plaintext: unknown key");
}

TEST_F(ConfigFileTest, WrongTypesAreRefusedWithWhatWasFound) {
  EXPECT_EQ(refusal(with(R"("security_profile": "2")"), R"(security_profile: expected an integer 0-3, got "2")"),
            "security_profile");
  refusal(with(R"("security_profile": 4)"), "security_profile: expected an integer 0-3, got 4");
  refusal(with(R"("security_profile": 1.5)"), "security_profile: expected an integer 0-3, got 1.5");
  refusal(with(R"("connectors": 0)"), "connectors: expected an integer 1-32, got 0");
  refusal(with(R"("connectors": 33)"), "connectors: expected an integer 1-32, got 33");
  refusal(with(R"("database": 5)"), "database: expected a string, got 5");
  refusal(with(R"("database": "")"), "database: must not be empty");
  refusal(with(R"("firmware": {"install_comand": "x"})"), "firmware.install_comand: unknown key (did you mean install_command?)");
  refusal(with(R"("firmware": {"max_image_bytes": 10})"), "firmware.max_image_bytes: expected an integer 1048576-2147483647, got 10");
  refusal(with(R"("security": {"allow_plaintext_management": "yes"})"),
          "security.allow_plaintext_management: expected true or false, got \"yes\"");
  refusal(with(R"("tls": "ca.pem")"), R"(tls: expected an object, got "ca.pem")");
  refusal(with(R"("ocpp_version": 1.6)"), R"(ocpp_version: expected "1.6" or "2.0.1", got 1.6)");
  refusal(with(R"("ocpp_version": "2.0")"), R"(ocpp_version: expected "1.6" or "2.0.1", got "2.0")");
  refusal(with(R"("offline_code": {"allow_plaintext_key_provisioning": "yes"})"),
          R"(offline_code.allow_plaintext_key_provisioning: expected true or false, got "yes")");
  refusal(with(R"("log": {"level": "verbose"})"),
          R"(log.level: expected "debug", "info", "warn" or "error", got "verbose")");
  refusal(with(R"("hal": {"driver": "sim", "start_energy_wh": -1})"), "hal.start_energy_wh: expected a number >= 0, got -1");
  refusal(with(R"("hal": {"driver": "can"})"), R"(hal.driver: expected "sim" or "modbus", got "can")");
  refusal("[1, 2]", "the configuration must be a JSON object, got [1,2]");
}

TEST_F(ConfigFileTest, OcppConfigValuesMustBeStrings) {
  EXPECT_EQ(refusal(with(R"("ocpp_config": {"HeartbeatInterval": 300})"),
                    R"(ocpp_config.HeartbeatInterval: expected a string, got 300 (OCPP values are strings: write "300"))"),
            "ocpp_config.HeartbeatInterval");
  refusal(with(R"("ocpp_config": {"LocalPreAuthorize": true})"),
          R"(ocpp_config.LocalPreAuthorize: expected a string, got true (OCPP values are strings: write "true"))");
  refusal(with(R"("ocpp_config": {"X": null})"), "ocpp_config.X: expected a string, got null");
  refusal(with(R"("ocpp_config": ["HeartbeatInterval"])"),
          R"(ocpp_config: expected an object of OCPP names to string values, got ["HeartbeatInterval"])");
}

TEST_F(ConfigFileTest, RequiredKeysAndTheirFormat) {
  refusal(R"({"csms_url": "ws://h/ocpp"})", "charge_point_id: required key missing");
  refusal(R"({"charge_point_id": "CP-1"})", "csms_url: required key missing");
  refusal(R"({"charge_point_id": "", "csms_url": "ws://h/"})", "charge_point_id: must be 1 to 48 characters, got 0");
  refusal(R"({"charge_point_id": ")" + std::string(49, 'A') + R"(", "csms_url": "ws://h/"})",
          "charge_point_id: must be 1 to 48 characters, got 49");
  refusal(R"({"charge_point_id": "CP 1", "csms_url": "ws://h/"})",
          R"(charge_point_id: must be printable ASCII without spaces, got "CP 1")");
  refusal(R"({"charge_point_id": "CP-1", "csms_url": "http://h/"})",
          R"(csms_url: expected a ws:// or wss:// URL, got "http://h/")");
  EXPECT_NO_THROW(parse_config(R"({"charge_point_id": ")" + std::string(48, 'A') + R"(", "csms_url": "ws://h/"})"));
}

TEST_F(ConfigFileTest, SecurityProfileRules) {
  // Profiles 2 and 3 run over TLS.
  refusal(R"({"charge_point_id": "CP-1", "csms_url": "ws://h/ocpp", "security_profile": 2,
              "basic_auth_password": "0123456789abcdef"})",
          R"(csms_url: security profile 2 needs a wss:// URL, got "ws://h/ocpp")");
  // Profiles 1 and 2 authenticate with HTTP Basic.
  EXPECT_EQ(refusal(R"({"charge_point_id": "CP-1", "csms_url": "ws://h/ocpp", "security_profile": 1})",
                    "basic_auth_password: required for security profile 1 (HTTP Basic authentication)"),
            "basic_auth_password");
  refusal(R"({"charge_point_id": "CP-1", "csms_url": "wss://h/ocpp", "security_profile": 2})",
          "basic_auth_password: required for security profile 2 (HTTP Basic authentication)");
  // 16 to 40 characters (2.0.1 BasicAuthPassword, 1.6 AuthorizationKey).
  refusal(R"({"charge_point_id": "CP-1", "csms_url": "ws://h/ocpp", "security_profile": 1,
              "basic_auth_password": "short"})",
          "basic_auth_password: must be 16 to 40 characters (OCPP 2.0.1 BasicAuthPassword, 1.6 AuthorizationKey), got 5");
  refusal(R"({"charge_point_id": "CP-1", "csms_url": "ws://h/ocpp", "security_profile": 1,
              "basic_auth_password": ")" + std::string(41, 'p') + R"("})",
          "basic_auth_password: must be 16 to 40 characters (OCPP 2.0.1 BasicAuthPassword, 1.6 AuthorizationKey), got 41");
  EXPECT_NO_THROW(parse_config(R"({"charge_point_id": "CP-1", "csms_url": "ws://h/ocpp", "security_profile": 1,
                                   "basic_auth_password": ")" + std::string(40, 'p') + R"("})"));
  // With HTTP Basic the id is the user name, which cannot hold a colon.
  refusal(R"({"charge_point_id": "CP:1", "csms_url": "ws://h/ocpp", "security_profile": 1,
              "basic_auth_password": "0123456789abcdef"})",
          "charge_point_id: must not contain ':' with security profile 1 (it is the HTTP Basic user name)");
  EXPECT_NO_THROW(parse_config(R"({"charge_point_id": "CP:1", "csms_url": "ws://h/ocpp"})"));
  // Profile 3 needs a client certificate and its key.
  refusal(R"({"charge_point_id": "CP-1", "csms_url": "wss://h/ocpp", "security_profile": 3})",
          "tls.cert_file: security profile 3 needs a client certificate (tls.cert_file and tls.key_file)");
  refusal(R"({"charge_point_id": "CP-1", "csms_url": "wss://h/ocpp", "security_profile": 3,
              "tls": {"cert_file": ")" + file("cert.pem") + R"("}})",
          "tls.key_file: required with tls.cert_file");
}

TEST_F(ConfigFileTest, TlsFilesMustBeReadable) {
  const std::string missing = file("missing.pem");
  EXPECT_EQ(refusal(with(R"("tls": {"ca_file": ")" + missing + R"("})"),
                    "tls.ca_file: cannot read \"" + missing + "\": No such file or directory"),
            "tls.ca_file");
  refusal(with(R"("tls": {"ca_file": ")" + dir.string() + R"("})"),
          "tls.ca_file: cannot read \"" + dir.string() + "\": it is a directory");
  if (::geteuid() != 0) {  // root reads anything
    ::chmod(file("key.pem").c_str(), 0);
    refusal(with(R"("tls": {"cert_file": ")" + file("cert.pem") + R"(", "key_file": ")" + file("key.pem") + R"("})"),
            "tls.key_file: cannot read \"" + file("key.pem") + "\": Permission denied");
  }
}

TEST_F(ConfigFileTest, DuplicateKeysAreRefused) {
  refusal(with(R"("connectors": 2, "connectors": 3)"), "connectors: duplicate key");
  refusal(with(R"("ocpp_config": {"A": "1", "A": "2"})"), "ocpp_config.A: duplicate key");
}

TEST_F(ConfigFileTest, MalformedJsonNamesLineAndColumn) {
  EXPECT_EQ(refusal("{\n  \"charge_point_id\": \"CP-1\"\n  \"csms_url\": \"ws://h/\"\n}",
                    "malformed JSON at line 3, column 3: Missing a comma or '}' after an object member."),
            "");
  refusal("", "malformed JSON at line 1, column 1: The document is empty.");
  refusal("{\"charge_point_id\": \"CP-1\",}", "malformed JSON at line 1, column 28: Missing a name for object member.");
}

TEST_F(ConfigFileTest, NestingIsBoundedBeforeTheDocumentIsBuilt) {
  // ocpp/common/json.hpp: 32 levels; a file just under the 1 MiB limit made of "[" exhausts no stack.
  refusal(with(R"("ocpp_config": )" + std::string(40, '[')),
          "malformed JSON at line 1, column 115: nested deeper than 32 levels");
  const std::string path = file("deep.json");
  write(path, std::string(1000000, '['));
  try {
    load_config(path);
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": malformed JSON at line 1, column 33: nested deeper than 32 levels");
  }
  // Nesting within the bound is read, and judged for what it is.
  try {
    parse_config(with(R"("ocpp_config": {"A": [[1]]})"));
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "ocpp_config.A");
  }
}

TEST_F(ConfigFileTest, LoadConfigPrefixesTheFilePath) {
  const std::string path = file("cp.json");
  write(path, with(R"("tls": {"ca_fle": "x"})"));
  try {
    load_config(path);
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": tls.ca_fle: unknown key (did you mean ca_file?)");
    EXPECT_EQ(e.key(), "tls.ca_fle");
  }
  write(path, kMinimal);
  EXPECT_EQ(load_config(path).charge_point_id, "CP-1");
  try {
    load_config(file("nope.json"));
    FAIL() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), file("nope.json") + ": cannot read the configuration file: No such file or directory");
  }
}

TEST_F(ConfigFileTest, TheExampleConfigurationIsValid) {
  const Config c = load_config(std::string(OCPP_SOURCE_DIR) + "/chargepoint/daemon/chargepoint.example.json");
  EXPECT_EQ(c.charge_point_id, "CP-DEV-1");
  EXPECT_EQ(c.control_socket, "chargepoint.sock");
}

// The default configuration the Debian package installs (packaging/config, a conffile): the
// simulated pile, since nothing is known of the hardware; the paths are the unit's directories.
TEST_F(ConfigFileTest, ThePackagedConfigurationIsValid) {
  const Config c = load_config(std::string(OCPP_SOURCE_DIR) + "/packaging/config/chargepoint.json");
  EXPECT_EQ(c.hal.driver, HalDriver::sim);
  EXPECT_EQ(c.database, "/var/lib/ocpp-chargepoint/chargepoint.db");
  EXPECT_EQ(c.control_socket, "/run/ocpp-chargepoint/control.sock");
  EXPECT_FALSE(c.log.syslog);  // journald already keeps stderr; syslog too would log each line twice
}

}  // namespace
}  // namespace ocpp::cp::daemon
