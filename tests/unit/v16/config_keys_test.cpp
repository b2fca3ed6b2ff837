// OCPP 1.6 GetConfiguration / ChangeConfiguration / ocpp_config against the core settings on a real
// SQLite file: what a CSMS operator or an integrator notices.
#include "ocpp/cp/v16/config_keys.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include "ocpp/cp/store.hpp"

namespace ocpp::cp::v16 {
namespace {

constexpr int kConnectors = 2;

class ConfigDir {
 public:
  ConfigDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ocpp-v16-config-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~ConfigDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ConfigDir(const ConfigDir&) = delete;
  ConfigDir& operator=(const ConfigDir&) = delete;
  std::string db_file() const { return (path_ / "cp.db").string(); }

 private:
  std::filesystem::path path_;
};

struct Boot {
  explicit Boot(const std::string& file, std::vector<SettingSpec> specs = core_setting_specs())
      : store(file), settings(store.db(), std::move(specs)) {}
  Store store;
  Settings settings;
};

const KeyValue* find(const GetResult& r, std::string_view key) {
  const auto it = std::find_if(r.known.begin(), r.known.end(), [&](const KeyValue& kv) { return kv.key == key; });
  return it == r.known.end() ? nullptr : &*it;
}

class V16ConfigKeys : public ::testing::Test {
 protected:
  std::unique_ptr<Boot> boot(std::vector<SettingSpec> specs = core_setting_specs()) {
    return std::make_unique<Boot>(dir_.db_file(), std::move(specs));
  }
  GetResult get(const Settings& s, std::vector<std::string> keys) {
    return get_configuration(s, std::optional<std::vector<std::string>>(std::move(keys)), kConnectors);
  }
  std::optional<std::string> value(const Settings& s, const std::string& key) {
    const auto r = get(s, {key});
    return r.known.size() == 1 ? r.known[0].value : std::optional<std::string>("<absent>");
  }
  ConfigDir dir_;
};

TEST_F(V16ConfigKeys, TableHasEveryKeyOfItsProfilesWithItsAccess) {
  // 1.6 edition 2 §9.1, §9.2 and §9.4, and the vendor keys: key, read-only?
  const std::vector<std::pair<std::string, bool>> spec = {
      {"AllowOfflineTxForUnknownId", false}, {"AuthorizationCacheEnabled", false},
      {"AuthorizeRemoteTxRequests", false},   {"BlinkRepeat", false},
      {"ClockAlignedDataInterval", false},    {"ConnectionTimeOut", false},
      {"ConnectorPhaseRotation", false},      {"ConnectorPhaseRotationMaxLength", true},
      {"GetConfigurationMaxKeys", true},      {"HeartbeatInterval", false},
      {"LightIntensity", false},              {"LocalAuthorizeOffline", false},
      {"LocalPreAuthorize", false},           {"MaxEnergyOnInvalidId", false},
      {"MeterValuesAlignedData", false},      {"MeterValuesAlignedDataMaxLength", true},
      {"MeterValuesSampledData", false},      {"MeterValuesSampledDataMaxLength", true},
      {"MeterValueSampleInterval", false},    {"MinimumStatusDuration", false},
      {"NumberOfConnectors", true},           {"ResetRetries", false},
      {"StopTransactionOnEVSideDisconnect", false}, {"StopTransactionOnInvalidId", false},
      {"StopTxnAlignedData", false},          {"StopTxnAlignedDataMaxLength", true},
      {"StopTxnSampledData", false},          {"StopTxnSampledDataMaxLength", true},
      {"SupportedFeatureProfiles", true},     {"SupportedFeatureProfilesMaxLength", true},
      {"TransactionMessageAttempts", false},  {"TransactionMessageRetryInterval", false},
      {"UnlockConnectorOnEVSideDisconnect", false}, {"WebSocketPingInterval", false},
      {"LocalAuthListEnabled", false},        {"LocalAuthListMaxLength", true},
      {"SendLocalListMaxLength", true},       {"OfflineCodeEnabled", false},
      {"OfflineCodeKey", false},              {"OfflineCodeKeyVersion", true},
      {"OfflineThreshold", false},            {"RetryBackOffRandomRange", false},
      {"RetryBackOffRepeatTimes", false},     {"RetryBackOffWaitMinimum", false},
      // §9.4 SmartCharging: the pile's limits, read-only to the CSMS.
      {"ChargeProfileMaxStackLevel", true},   {"ChargingScheduleAllowedChargingRateUnit", true},
      {"ChargingScheduleMaxPeriods", true},   {"MaxChargingProfilesInstalled", true},
      // §9.3 Reservation.
      {"ReserveConnectorZeroSupported", false},
      // Security Whitepaper edition 3.
      {"CpoName", false}, {"CertificateSignedMaxChainSize", true}, {"CertificateStoreMaxLength", true},
      {"SecurityProfile", false}, {"CertSigningWaitMinimum", false}, {"CertSigningRepeatTimes", false}};
  auto b = boot();
  const auto all = get_configuration(b->settings, std::nullopt, kConnectors);
  EXPECT_TRUE(all.unknown.empty());
  EXPECT_FALSE(all.refused);
  EXPECT_EQ(all.known.size(), spec.size());
  for (const auto& [key, readonly] : spec) {
    const auto* kv = find(all, key);
    ASSERT_NE(kv, nullptr) << key;
    EXPECT_EQ(kv->readonly, readonly) << key;
    if (key != "OfflineCodeKey") {
      EXPECT_TRUE(kv->value.has_value()) << key;
    }
  }
  // Every key maps onto a setting the core has, or onto a value the runtime supplies.
  for (const auto& k : config_keys()) {
    if (!k.setting.empty()) {
      EXPECT_TRUE(b->settings.has(k.setting)) << k.key << " -> " << k.setting;
    }
  }
}

TEST_F(V16ConfigKeys, GetConfigurationReportsCurrentValuesAndRuntimeFacts) {
  auto b = boot();
  const auto all = get_configuration(b->settings, std::vector<std::string>{}, kConnectors);  // empty = all
  EXPECT_EQ(find(all, "HeartbeatInterval")->value, "300");
  EXPECT_EQ(find(all, "LocalAuthorizeOffline")->value, "true");
  EXPECT_EQ(find(all, "MeterValuesSampledData")->value, "Energy.Active.Import.Register");
  EXPECT_EQ(find(all, "StopTxnSampledData")->value, "");
  EXPECT_EQ(find(all, "NumberOfConnectors")->value, "2");
  EXPECT_EQ(find(all, "SupportedFeatureProfiles")->value,
            "Core,FirmwareManagement,LocalAuthListManagement,RemoteTrigger,SmartCharging,Reservation");
  EXPECT_EQ(find(all, "SupportedFeatureProfilesMaxLength")->value, "6");
  EXPECT_EQ(find(all, "MeterValuesSampledDataMaxLength")->value, "5");
  EXPECT_EQ(find(all, "ConnectorPhaseRotationMaxLength")->value, "16");
  EXPECT_EQ(find(all, "GetConfigurationMaxKeys")->value, "50");
}

TEST_F(V16ConfigKeys, UnknownKeysAreListedAsUnknownAndKeysAreCaseInsensitive) {
  auto b = boot();
  const auto r = get(b->settings, {"heartbeatinterval", "FooBar", "HEARTBEATINTERVAL", "NumberOfConnectors", "foobar"});
  ASSERT_EQ(r.known.size(), 2U) << "a key asked twice is answered once";
  EXPECT_EQ(r.known[0].key, "HeartbeatInterval") << "reported in the specification's spelling";
  EXPECT_EQ(r.known[0].value, "300");
  EXPECT_FALSE(r.known[0].readonly);
  EXPECT_EQ(r.known[1].key, "NumberOfConnectors");
  EXPECT_TRUE(r.known[1].readonly);
  EXPECT_EQ(r.unknown, std::vector<std::string>{"FooBar"});

  EXPECT_EQ(change_configuration(b->settings, "heartbeatINTERVAL", "45"), SetResult::Accepted);
  EXPECT_EQ(value(b->settings, "HeartbeatInterval"), "45");
}

TEST_F(V16ConfigKeys, GetConfigurationMaxKeysIsHonoured) {
  auto b = boot();
  ASSERT_EQ(apply_initial_values(b->settings, {{"GetConfigurationMaxKeys", "2"}}), std::nullopt);
  EXPECT_EQ(value(b->settings, "GetConfigurationMaxKeys"), "2");
  const auto two = get(b->settings, {"HeartbeatInterval", "Nope"});
  EXPECT_FALSE(two.refused);
  EXPECT_EQ(two.known.size(), 1U);
  const auto three = get(b->settings, {"HeartbeatInterval", "ConnectionTimeOut", "ResetRetries"});
  ASSERT_TRUE(three.refused);
  EXPECT_EQ(*three.refused, "GetConfiguration names 3 keys, GetConfigurationMaxKeys is 2");
  EXPECT_TRUE(three.known.empty());
  EXPECT_FALSE(get_configuration(b->settings, std::nullopt, kConnectors).refused) << "all keys: no request limit";
}

TEST_F(V16ConfigKeys, ChangeConfigurationPersistsAcrossRestart) {
  {
    auto b = boot();
    EXPECT_EQ(change_configuration(b->settings, "HeartbeatInterval", "120"), SetResult::Accepted);
    EXPECT_EQ(change_configuration(b->settings, "MeterValuesSampledData", "Energy.Active.Import.Register,Voltage"),
              SetResult::Accepted);
    EXPECT_EQ(change_configuration(b->settings, "LocalAuthListEnabled", "false"), SetResult::Accepted);
    EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 120) << "the core sees the 1.6 change";
  }
  auto b = boot();
  EXPECT_EQ(value(b->settings, "HeartbeatInterval"), "120");
  EXPECT_EQ(value(b->settings, "MeterValuesSampledData"), "Energy.Active.Import.Register,Voltage");
  EXPECT_EQ(value(b->settings, "LocalAuthListEnabled"), "false");
}

TEST_F(V16ConfigKeys, ReadOnlyKeysAreRejectedAndUnknownKeysNotSupported) {
  auto b = boot();
  for (const char* key : {"NumberOfConnectors", "GetConfigurationMaxKeys", "SupportedFeatureProfiles",
                          "MeterValuesSampledDataMaxLength", "LocalAuthListMaxLength", "SendLocalListMaxLength",
                          "supportedfeatureprofilesmaxlength"}) {
    std::string why;
    EXPECT_EQ(change_configuration(b->settings, key, "3", {}, &why), SetResult::Rejected) << key;
    EXPECT_EQ(why, "read-only key") << key;
  }
  EXPECT_EQ(value(b->settings, "GetConfigurationMaxKeys"), "50");
  EXPECT_EQ(change_configuration(b->settings, "FooBar", "1"), SetResult::NotSupported);
  // The Reservation profile's key is read-write here (§9.3 allows either).
  EXPECT_EQ(change_configuration(b->settings, "ReserveConnectorZeroSupported", "true"), SetResult::Accepted);
  EXPECT_EQ(value(b->settings, "ReserveConnectorZeroSupported"), "true");
}

TEST_F(V16ConfigKeys, InvalidValuesAreRejectedWithAReason) {
  auto b = boot();
  const auto reason = [&](std::string_view key, std::string_view v) {
    std::string why;
    EXPECT_EQ(change_configuration(b->settings, key, v, {}, &why), SetResult::Rejected) << key << "=" << v;
    return why;
  };
  EXPECT_EQ(reason("HeartbeatInterval", "-1"), "-1 is below the minimum 0");
  EXPECT_EQ(reason("MeterValueSampleInterval", "ten"), "'ten' is not an integer");
  EXPECT_EQ(reason("LocalAuthorizeOffline", "yes"), "'yes' is not a boolean (true or false)");
  EXPECT_NE(reason("MeterValuesSampledData", "Energy.Active.Import.Register,Temperature").find("'Temperature' is not"),
            std::string::npos);
  EXPECT_NE(reason("StopTxnAlignedData", "Power.Actve.Import").find("is not one of"), std::string::npos);
  std::string seventeen;
  for (int i = 0; i < 17; ++i) seventeen += (i ? "," : "") + std::to_string(i) + ".RST";
  EXPECT_EQ(reason("ConnectorPhaseRotation", seventeen), "has 17 items, at most 16 are allowed");
  EXPECT_EQ(reason("TransactionMessageAttempts", "0"), "0 is below the minimum 1");
  EXPECT_EQ(reason("LightIntensity", "150"), "150 is above the maximum 100");
  EXPECT_EQ(value(b->settings, "HeartbeatInterval"), "300") << "unchanged";
  EXPECT_EQ(value(b->settings, "MeterValuesSampledData"), "Energy.Active.Import.Register");
}

TEST_F(V16ConfigKeys, RebootRequiredWhenTheSettingSaysSo) {
  auto specs = core_setting_specs();
  for (auto& s : specs) {
    if (s.name == "websocket_ping_interval_s") s.reboot_required = true;  // as on a transport without live change
  }
  auto b = boot(specs);
  EXPECT_EQ(change_configuration(b->settings, "WebSocketPingInterval", "30"), SetResult::RebootRequired);
  EXPECT_EQ(value(b->settings, "WebSocketPingInterval"), "30") << "stored, reported";
  b.reset();
  b = boot();
  EXPECT_EQ(change_configuration(b->settings, "WebSocketPingInterval", "20"), SetResult::Accepted)
      << "the transport applies the ping interval live";
}

TEST_F(V16ConfigKeys, OfflineCodeKeyIsWriteOnly) {
  const std::string key = "1:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
  {
    auto b = boot();
    std::string why;
    EXPECT_EQ(change_configuration(b->settings, "OfflineCodeKey", key, ChangePolicy{false}, &why),
              SetResult::Rejected);
    EXPECT_EQ(why, "a key is provisioned only over security profile 2 or 3");
    EXPECT_EQ(b->settings.get("offline_code_key"), "");
    EXPECT_EQ(change_configuration(b->settings, "OfflineCodeKey", "not-hex"), SetResult::Rejected);
    EXPECT_EQ(change_configuration(b->settings, "OfflineCodeKey", key), SetResult::Accepted);
    EXPECT_EQ(change_configuration(b->settings, "OfflineCodeEnabled", "true"), SetResult::Accepted);
  }
  auto b = boot();
  EXPECT_EQ(b->settings.get("offline_code_key"), key) << "stored for the verifier";
  const auto asked = get(b->settings, {"OfflineCodeKey", "OfflineCodeEnabled"});
  ASSERT_EQ(asked.known.size(), 2U);
  EXPECT_TRUE(asked.unknown.empty()) << "the key is known: it is listed, without its value";
  EXPECT_EQ(asked.known[0].key, "OfflineCodeKey");
  EXPECT_FALSE(asked.known[0].readonly);
  EXPECT_FALSE(asked.known[0].value.has_value());
  EXPECT_EQ(asked.known[1].value, "true");
  for (const auto& kv : get_configuration(b->settings, std::nullopt, kConnectors).known) {
    EXPECT_NE(kv.value.value_or(""), key) << kv.key;
  }
}

TEST_F(V16ConfigKeys, InitialValuesFromTheConfigFile) {
  {
    auto b = boot();
    EXPECT_EQ(apply_initial_values(b->settings, {{"HeartbeatInterval", "600"},
                                                 {"meterValueSampleInterval", "10"},
                                                 {"OfflineCodeKey", "2:" + std::string(64, 'F')},
                                                 {"LocalAuthListMaxLength", "200"}}),
              std::nullopt);
    EXPECT_EQ(value(b->settings, "HeartbeatInterval"), "600");
    EXPECT_EQ(value(b->settings, "MeterValueSampleInterval"), "10");
    EXPECT_EQ(value(b->settings, "LocalAuthListMaxLength"), "200");
    EXPECT_EQ(b->settings.get("offline_code_key"), "2:" + std::string(64, 'F'));
    EXPECT_EQ(change_configuration(b->settings, "HeartbeatInterval", "90"), SetResult::Accepted);
  }
  auto b = boot();
  EXPECT_EQ(apply_initial_values(b->settings, {{"HeartbeatInterval", "600"}, {"MeterValueSampleInterval", "10"}}),
            std::nullopt);
  EXPECT_EQ(value(b->settings, "HeartbeatInterval"), "90") << "a value changed over OCPP wins across restarts";
  EXPECT_EQ(value(b->settings, "MeterValueSampleInterval"), "10");
}

TEST_F(V16ConfigKeys, InitialValueErrorsNameTheKeyAndChangeNothing) {
  auto b = boot();
  EXPECT_EQ(apply_initial_values(b->settings, {{"HeartbeatInterval", "60"}, {"NoSuchKey", "1"}}),
            "ocpp_config.NoSuchKey: unknown OCPP 1.6 configuration key");
  EXPECT_EQ(apply_initial_values(b->settings, {{"HeartbeatInterval", "60"}, {"MeterValueSampleInterval", "-1"}}),
            "ocpp_config.MeterValueSampleInterval: -1 is below the minimum 0");
  EXPECT_EQ(apply_initial_values(b->settings, {{"HeartbeatInterval", "60"}, {"LocalPreAuthorize", "yes"}}),
            "ocpp_config.LocalPreAuthorize: 'yes' is not a boolean (true or false)");
  EXPECT_EQ(apply_initial_values(b->settings, {{"MeterValuesSampledData", "Temperature"}}).value_or("").rfind(
                "ocpp_config.MeterValuesSampledData: 'Temperature' is not one of", 0),
            0U);
  EXPECT_EQ(apply_initial_values(b->settings, {{"NumberOfConnectors", "4"}}),
            "ocpp_config.NumberOfConnectors: read-only, it comes from `connectors`");
  EXPECT_EQ(apply_initial_values(b->settings, {{"SupportedFeatureProfiles", "Core"}}),
            "ocpp_config.SupportedFeatureProfiles: read-only, it is fixed by the charge point");
  EXPECT_EQ(apply_initial_values(b->settings, {{"HeartbeatInterval", "60"}, {"heartbeatinterval", "70"}}),
            "ocpp_config.heartbeatinterval: given twice (keys are case-insensitive)");
  EXPECT_EQ(value(b->settings, "HeartbeatInterval"), "300") << "a bad file changes nothing";
}

}  // namespace
}  // namespace ocpp::cp::v16
