// The settings registry against a real SQLite file: what an integrator or a CSMS notices.
#include "ocpp/cp/settings.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>

#include "ocpp/cp/store.hpp"

namespace ocpp::cp {
namespace {

class SettingsDir {
 public:
  SettingsDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ocpp-settings-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~SettingsDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  SettingsDir(const SettingsDir&) = delete;
  SettingsDir& operator=(const SettingsDir&) = delete;
  std::string db_file() const { return (path_ / "cp.db").string(); }

 private:
  std::filesystem::path path_;
};

// One "boot" of the charge point: the store (migrations applied) and the settings on it.
struct Boot {
  explicit Boot(const std::string& file, std::vector<SettingSpec> specs = core_setting_specs())
      : store(file), settings(store.db(), std::move(specs)) {}
  Store store;
  Settings settings;
};

class CoreSettings : public ::testing::Test {
 protected:
  std::unique_ptr<Boot> boot(std::vector<SettingSpec> specs = core_setting_specs()) {
    return std::make_unique<Boot>(dir_.db_file(), std::move(specs));
  }
  SettingsDir dir_;
};

TEST_F(CoreSettings, FreshDatabaseHasTheDefaults) {
  auto b = boot();
  EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 300);
  EXPECT_EQ(b->settings.get_int("meter_value_sample_interval_s"), 60);
  EXPECT_TRUE(b->settings.get_bool("local_authorize_offline"));
  EXPECT_TRUE(b->settings.get_bool("offline_code_enabled"));
  EXPECT_EQ(b->settings.get("offline_code_key"), "");
  EXPECT_EQ(b->settings.get_list("meter_values_sampled_data"),
            std::vector<std::string>{"Energy.Active.Import.Register"});
  EXPECT_TRUE(b->settings.get_list("stop_txn_sampled_data").empty());
  EXPECT_FALSE(b->settings.is_persisted("heartbeat_interval_s"));
}

TEST_F(CoreSettings, CoversEveryNeutralSettingTheAdaptersNeed) {
  auto b = boot();
  for (const char* name :
       {"heartbeat_interval_s", "meter_value_sample_interval_s", "clock_aligned_data_interval_s",
        "connection_timeout_s", "local_authorize_offline", "local_pre_authorize", "allow_offline_tx_for_unknown_id",
        "authorization_cache_enabled", "authorize_remote_start", "local_auth_list_enabled",
        "local_auth_list_max_entries", "send_local_list_max_entries", "stop_transaction_on_invalid_id",
        "max_energy_on_invalid_id_wh", "stop_transaction_on_ev_side_disconnect",
        "unlock_connector_on_ev_side_disconnect", "minimum_status_duration_s", "reset_retries",
        "connector_phase_rotation", "meter_values_sampled_data", "meter_values_aligned_data",
        "stop_txn_sampled_data", "stop_txn_aligned_data", "get_configuration_max_keys", "blink_repeat",
        "light_intensity_percent", "offline_code_enabled", "offline_code_key", "websocket_ping_interval_s",
        "retry_backoff_wait_minimum_s", "retry_backoff_random_range_s", "retry_backoff_repeat_times",
        "transaction_message_attempts", "transaction_message_retry_interval_s"}) {
    EXPECT_TRUE(b->settings.has(name)) << name;
    ASSERT_NE(b->settings.spec(name), nullptr) << name;
    EXPECT_FALSE(b->settings.spec(name)->description.empty()) << name;
  }
}

TEST_F(CoreSettings, AValueSetSurvivesReopeningTheDatabase) {
  {
    auto b = boot();
    EXPECT_EQ(b->settings.set("heartbeat_interval_s", "120"), SetResult::Accepted);
    EXPECT_EQ(b->settings.set("local_pre_authorize", "true"), SetResult::Accepted);
    EXPECT_EQ(b->settings.set("meter_values_sampled_data", "Voltage,SoC"), SetResult::Accepted);
    EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 120) << "in effect at once";
  }
  auto b = boot();
  EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 120);
  EXPECT_TRUE(b->settings.get_bool("local_pre_authorize"));
  EXPECT_EQ(b->settings.get_list("meter_values_sampled_data"), (std::vector<std::string>{"Voltage", "SoC"}));
  EXPECT_TRUE(b->settings.is_persisted("heartbeat_interval_s"));
  EXPECT_FALSE(b->settings.is_persisted("connection_timeout_s"));
}

TEST_F(CoreSettings, ValuesAreStoredInTheirCanonicalSpelling) {
  auto b = boot();
  EXPECT_EQ(b->settings.set("local_pre_authorize", "TRUE"), SetResult::Accepted);
  EXPECT_EQ(b->settings.get("local_pre_authorize"), "true");
  EXPECT_EQ(b->settings.set("heartbeat_interval_s", " +0042 "), SetResult::Accepted);
  EXPECT_EQ(b->settings.get("heartbeat_interval_s"), "42");
  EXPECT_EQ(b->settings.set("meter_values_aligned_data", "voltage, soc ,Current.Import"), SetResult::Accepted);
  EXPECT_EQ(b->settings.get("meter_values_aligned_data"), "Voltage,SoC,Current.Import");
  EXPECT_EQ(b->settings.set("stop_txn_aligned_data", ""), SetResult::Accepted) << "an empty list is a list";
  EXPECT_TRUE(b->settings.get_list("stop_txn_aligned_data").empty());
}

TEST_F(CoreSettings, InvalidValuesAreRejectedWithTheConstraintThatFailed) {
  auto b = boot();
  const auto rejected = [&](std::string_view name, std::string_view value) {
    std::string why;
    EXPECT_EQ(b->settings.set(name, value, &why), SetResult::Rejected) << name << "=" << value;
    EXPECT_EQ(b->settings.validate(name, value), std::optional<std::string>(why));
    return why;
  };
  EXPECT_EQ(rejected("heartbeat_interval_s", "-5"), "-5 is below the minimum 0");
  EXPECT_EQ(rejected("light_intensity_percent", "101"), "101 is above the maximum 100");
  EXPECT_EQ(rejected("heartbeat_interval_s", "abc"), "'abc' is not an integer");
  EXPECT_EQ(rejected("heartbeat_interval_s", "12s"), "'12s' is not an integer");
  EXPECT_EQ(rejected("heartbeat_interval_s", ""), "'' is not an integer");
  EXPECT_EQ(rejected("heartbeat_interval_s", "99999999999999999999"), "'99999999999999999999' is out of range");
  EXPECT_EQ(rejected("local_authorize_offline", "yes"), "'yes' is not a boolean (true or false)");
  EXPECT_EQ(rejected("local_authorize_offline", "1"), "'1' is not a boolean (true or false)");
  EXPECT_NE(rejected("meter_values_sampled_data", "Energy.Active.Import.Register,Temperature")
                .find("'Temperature' is not one of: Energy.Active.Import.Register, Power.Active.Import"),
            std::string::npos);
  EXPECT_EQ(rejected("meter_values_sampled_data", "Voltage,,SoC"), "has an empty item");
  EXPECT_EQ(rejected("meter_values_sampled_data", "Voltage,voltage"), "'Voltage' is listed twice");
  std::string many;
  for (int i = 0; i <= 16; ++i) many += (i ? "," : "") + std::to_string(i) + ".RST";
  EXPECT_EQ(rejected("connector_phase_rotation", many), "has 17 items, at most 16 are allowed");
  EXPECT_NE(rejected("connector_phase_rotation", "1.XYZ").find("not <connector>.<rotation>"), std::string::npos);
  EXPECT_EQ(b->settings.set("connector_phase_rotation", "0.RST,1.RTS,2.NotApplicable"), SetResult::Accepted);

  // Nothing of the rejected values took effect, or was stored.
  EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 300);
  EXPECT_TRUE(b->settings.get_bool("local_authorize_offline"));
  b.reset();
  b = boot();
  EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 300);
  EXPECT_FALSE(b->settings.is_persisted("heartbeat_interval_s"));
}

TEST_F(CoreSettings, UnknownNameIsNotSupported) {
  auto b = boot();
  std::string why;
  EXPECT_EQ(b->settings.set("no_such_setting", "1", &why), SetResult::NotSupported);
  EXPECT_EQ(why, "unknown setting");
  EXPECT_FALSE(b->settings.has("no_such_setting"));
  EXPECT_THROW((void)b->settings.get("no_such_setting"), std::out_of_range);
  EXPECT_THROW((void)b->settings.get_bool("heartbeat_interval_s"), std::logic_error) << "wrong type: a bug";
}

TEST_F(CoreSettings, RebootRequiredChangeIsStoredAndReported) {
  auto specs = core_setting_specs();
  specs.push_back(SettingSpec::integer("modbus_baud_rate", 9600, 1200, 115200, "Baud rate.").needs_reboot());
  {
    auto b = boot(specs);
    std::string why;
    EXPECT_EQ(b->settings.set("modbus_baud_rate", "19200", &why), SetResult::RebootRequired);
    EXPECT_EQ(why, "takes effect after a reboot");
    EXPECT_EQ(b->settings.set("modbus_baud_rate", "19200"), SetResult::Accepted) << "nothing changes";
  }
  auto b = boot(specs);
  EXPECT_EQ(b->settings.get_int("modbus_baud_rate"), 19200);
}

TEST_F(CoreSettings, ObserversHearOfEachChangeOnly) {
  auto b = boot();
  std::vector<std::pair<std::string, std::string>> heard;
  b->settings.on_change([&](std::string_view name, const std::string& value) { heard.emplace_back(name, value); });
  EXPECT_EQ(b->settings.set("heartbeat_interval_s", "30"), SetResult::Accepted);
  EXPECT_EQ(b->settings.set("heartbeat_interval_s", "-1"), SetResult::Rejected);
  EXPECT_EQ(b->settings.set("heartbeat_interval_s", "030"), SetResult::Accepted) << "same value";
  EXPECT_EQ(b->settings.set("connection_timeout_s", "60"), SetResult::Accepted) << "the default, set explicitly";
  ASSERT_EQ(heard.size(), 1U);
  EXPECT_EQ(heard[0], std::make_pair(std::string("heartbeat_interval_s"), std::string("30")));
  EXPECT_TRUE(b->settings.is_persisted("connection_timeout_s")) << "an explicit choice is kept";
}

TEST_F(CoreSettings, ConfigFileValuesAreDefaultsUntilChangedAtRunTime) {
  {
    auto b = boot();
    EXPECT_EQ(b->settings.set_initial("heartbeat_interval_s", "600"), std::nullopt);
    EXPECT_EQ(b->settings.set_initial("meter_value_sample_interval_s", "15"), std::nullopt);
    EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 600);
    EXPECT_EQ(b->settings.set("heartbeat_interval_s", "90"), SetResult::Accepted);  // over OCPP
  }
  {
    auto b = boot();  // restart with the same file
    EXPECT_EQ(b->settings.set_initial("heartbeat_interval_s", "600"), std::nullopt);
    EXPECT_EQ(b->settings.set_initial("meter_value_sample_interval_s", "15"), std::nullopt);
    EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 90) << "the value set over OCPP wins";
    EXPECT_EQ(b->settings.get_int("meter_value_sample_interval_s"), 15);
  }
  auto b = boot();  // restart after the integrator edited the file
  EXPECT_EQ(b->settings.set_initial("meter_value_sample_interval_s", "30"), std::nullopt);
  EXPECT_EQ(b->settings.get_int("meter_value_sample_interval_s"), 30) << "file values are not persisted";
  EXPECT_EQ(b->settings.set_initial("meter_value_sample_interval_s", "-30"),
            std::optional<std::string>("-30 is below the minimum 0"));
  EXPECT_EQ(b->settings.set_initial("nope", "1"), std::optional<std::string>("unknown setting nope"));
}

TEST_F(CoreSettings, OfflineCodeKeyIsVersionColonHexAndItsValueIsNeverInAReason) {
  auto b = boot();
  const std::string key = "3:" + std::string(64, 'a');  // docs/offline-code.md §3.2
  EXPECT_EQ(b->settings.set("offline_code_key", key), SetResult::Accepted);
  EXPECT_TRUE(b->settings.spec("offline_code_key")->secret);
  std::string why;
  EXPECT_EQ(b->settings.set("offline_code_key", "3:" + std::string(63, 'a') + "g", &why), SetResult::Rejected);
  EXPECT_EQ(why.find(std::string(8, 'a')), std::string::npos) << "the key is never echoed: " << why;
  EXPECT_FALSE(why.empty());
  EXPECT_EQ(b->settings.set("offline_code_key", std::string(64, 'a'), &why), SetResult::Rejected) << "no version";
  EXPECT_EQ(b->settings.set("offline_code_key", "0:" + std::string(64, 'a'), &why), SetResult::Rejected)
      << "versions start at 1";
  EXPECT_EQ(b->settings.get("offline_code_key"), key);
}

TEST_F(CoreSettings, ADelegatedSettingIsKeptByItsOwnerWhoMayRefuseIt) {
  auto b = boot();
  std::string owned = "1:" + std::string(64, 'b');
  std::vector<std::string> heard;
  b->settings.on_change([&](std::string_view name, const std::string&) { heard.emplace_back(name); });
  b->settings.delegate("offline_code_key",
                       {[&] { return owned; },
                        [&](const std::string& v) -> std::optional<std::string> {
                          if (v < owned) return std::string("version too low");
                          owned = v;
                          return std::nullopt;
                        }});
  EXPECT_EQ(b->settings.get("offline_code_key"), owned);
  std::string why;
  EXPECT_EQ(b->settings.set("offline_code_key", "0:" + std::string(64, 'c'), &why), SetResult::Rejected)
      << "the spec's own check still runs first";
  EXPECT_EQ(b->settings.set("offline_code_key", "1:" + std::string(64, 'a'), &why), SetResult::Rejected);
  EXPECT_EQ(why, "version too low");
  EXPECT_TRUE(heard.empty());
  EXPECT_EQ(b->settings.set("offline_code_key", "2:" + std::string(64, 'a')), SetResult::Accepted);
  EXPECT_EQ(owned, "2:" + std::string(64, 'a'));
  EXPECT_EQ(heard, std::vector<std::string>{"offline_code_key"});
  EXPECT_FALSE(b->settings.is_persisted("offline_code_key")) << "nothing in table settings";
  EXPECT_EQ(b->settings.set_initial("offline_code_key", "3:" + std::string(64, 'a')),
            std::optional<std::string>("offline_code_key can only be set over OCPP"));
}

TEST_F(CoreSettings, AStoredValueThatNoLongerValidatesFallsBackToTheDefault) {
  {
    Store store(dir_.db_file());
    store.db().exec("INSERT INTO settings(name, value) VALUES('heartbeat_interval_s', 'soon'),"
                    " ('removed_in_this_version', 'x'), ('connection_timeout_s', '45')");
  }
  auto b = boot();
  EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 300);
  EXPECT_FALSE(b->settings.is_persisted("heartbeat_interval_s"));
  EXPECT_EQ(b->settings.get_int("connection_timeout_s"), 45);
  EXPECT_FALSE(b->settings.has("removed_in_this_version"));
}

TEST_F(CoreSettings, AFailedWriteIsRejectedAndChangesNothing) {
  auto b = boot();
  b->store.db().exec("DROP TABLE settings");  // stands for a storage failure (full disk, I/O error)
  std::string why;
  EXPECT_EQ(b->settings.set("heartbeat_interval_s", "10", &why), SetResult::Rejected);
  EXPECT_EQ(why.rfind("could not be stored: ", 0), 0U) << why;
  EXPECT_EQ(b->settings.get_int("heartbeat_interval_s"), 300);
}

TEST_F(CoreSettings, ABadSpecIsAProgrammingError) {
  SettingsDir dir;
  Store store(dir.db_file());
  EXPECT_THROW(Settings(store.db(), {SettingSpec::integer("x", 5, 10, 20, "x")}), std::invalid_argument);
  EXPECT_THROW(Settings(store.db(), {SettingSpec::boolean("x", true, "x"), SettingSpec::boolean("x", false, "x")}),
               std::invalid_argument);
}

}  // namespace
}  // namespace ocpp::cp
