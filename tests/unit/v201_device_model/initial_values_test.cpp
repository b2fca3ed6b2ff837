// The configuration file's ocpp_config for a 2.0.1 charge point: what an integrator writes and the
// errors that stop the program at start.
#include "ocpp/cp/v201/initial_values.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "ocpp/cp/store.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"

namespace ocpp::cp::v201 {
namespace {

struct Boot {
  Boot() : store(":memory:"), settings(store.db(), all_setting_specs()) {}
  Store store;
  Settings settings;
};

std::string error_of(const std::map<std::string, std::string>& config) {
  Boot b;
  return apply_initial_values(b.settings, config).value_or("<accepted>");
}

TEST(V201InitialValues, NamesAreComponentDotVariableWithOptionalInstances) {
  const auto plain = parse_config_name("OCPPCommCtrlr.HeartbeatInterval");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->component, "OCPPCommCtrlr");
  EXPECT_EQ(plain->variable, "HeartbeatInterval");
  EXPECT_TRUE(plain->component_instance.empty() && plain->variable_instance.empty());
  const auto both = parse_config_name("Comp[a.b].Var[TransactionEvent]");
  ASSERT_TRUE(both);
  EXPECT_EQ(both->component, "Comp");
  EXPECT_EQ(both->component_instance, "a.b");
  EXPECT_EQ(both->variable, "Var");
  EXPECT_EQ(both->variable_instance, "TransactionEvent");
  for (const auto* bad : {"HeartbeatInterval", ".Var", "Comp.", "Comp.Var.More", "Comp[].Var", "Comp.Var[x",
                          "Comp[x]y.Var", "Comp.Var[a[b]]"}) {
    EXPECT_FALSE(parse_config_name(bad)) << bad;
  }
}

TEST(V201InitialValues, ValuesGoToTheSettingsTheVariablesMapOnto) {
  Boot b;
  const std::map<std::string, std::string> config = {
      {"OCPPCommCtrlr.HeartbeatInterval", "120"},
      {"ocppcommctrlr.messageattempts[transactionevent]", "7"},
      {"TxCtrlr.TxStartPoint", "EVConnected,Authorized"},
      {"DeviceDataCtrlr.ItemsPerMessage[GetVariables]", "20"},  // read-only over OCPP, a setting all the same
      {"OfflineCodeCtrlr.Enabled", "false"},
  };
  ASSERT_EQ(apply_initial_values(b.settings, config), std::nullopt);
  EXPECT_EQ(b.settings.get_int("heartbeat_interval_s"), 120);
  EXPECT_EQ(b.settings.get_int("transaction_message_attempts"), 7);
  EXPECT_EQ(b.settings.get_list("tx_start_point"), (std::vector<std::string>{"EVConnected", "Authorized"}));
  EXPECT_EQ(b.settings.get_int("get_variables_max_items"), 20);
  EXPECT_FALSE(b.settings.get_bool("offline_code_enabled"));
  EXPECT_FALSE(b.settings.is_persisted("heartbeat_interval_s"));  // the file's values are never stored
}

TEST(V201InitialValues, AValueSetOverOcppWinsOverTheFile) {
  Boot b;
  ASSERT_EQ(b.settings.set("heartbeat_interval_s", "45"), SetResult::Accepted);
  ASSERT_EQ(apply_initial_values(b.settings, {{"OCPPCommCtrlr.HeartbeatInterval", "120"}}), std::nullopt);
  EXPECT_EQ(b.settings.get_int("heartbeat_interval_s"), 45);
}

TEST(V201InitialValues, UnknownNamesAreRefusedWithTheKeysPath) {
  EXPECT_EQ(error_of({{"NoSuchCtrlr.Enabled", "true"}}),
            "ocpp_config.NoSuchCtrlr.Enabled: unknown OCPP 2.0.1 component NoSuchCtrlr");
  EXPECT_EQ(error_of({{"TxCtrlr.NoSuch", "true"}}),
            "ocpp_config.TxCtrlr.NoSuch: unknown variable TxCtrlr.NoSuch of OCPP 2.0.1 component TxCtrlr");
  EXPECT_NE(error_of({{"HeartbeatInterval", "1"}}).find("expected Component.Variable"), std::string::npos);
  // The 1.6 name is not a 2.0.1 one.
  EXPECT_NE(error_of({{"OCPPCommCtrlr.MessageAttempts", "3"}}).find("unknown variable"), std::string::npos);
  EXPECT_NE(error_of({{"OCPPCommCtrlr[x].HeartbeatInterval", "3"}}).find("unknown OCPP 2.0.1 component"),
            std::string::npos);
}

TEST(V201InitialValues, ComputedAndOwnedVariablesAreRefusedWithTheReason) {
  const auto refused = [](const std::string& name, const std::string& value, const std::string& reason) {
    const auto error = error_of({{name, value}});
    EXPECT_EQ(error.rfind("ocpp_config." + name + ": ", 0), 0u) << error;
    EXPECT_NE(error.find(reason), std::string::npos) << error;
  };
  refused("ClockCtrlr.DateTime", "2026-01-01T00:00:00Z", "read-only");
  refused("SecurityCtrlr.SecurityProfile", "3", "read-only");
  refused("EVSE.Power", "7400", "each EVSE or connector");
  refused("Connector.ConnectorType", "cCCS2", "each EVSE or connector");
  refused("OCPPCommCtrlr.FileTransferProtocols", "FTP", "fixed");
  refused("OfflineCodeCtrlr.KeyVersion", "9", "newest key");
  refused("SecurityCtrlr.BasicAuthPassword", "0123456789abcdefgh", "top-level basic_auth_password");
}

TEST(V201InitialValues, InvalidValuesAreRefusedAndABadFileChangesNothing) {
  Boot b;
  const std::map<std::string, std::string> config = {
      {"AlignedDataCtrlr.Interval", "900"},        // valid, sorts first
      {"TxCtrlr.TxStartPoint", "DataSigned"},      // refused
  };
  const auto error = apply_initial_values(b.settings, config);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->rfind("ocpp_config.TxCtrlr.TxStartPoint: ", 0), 0u) << *error;
  EXPECT_NE(error->find("not supported by this charging station"), std::string::npos) << *error;
  EXPECT_EQ(b.settings.get_int("clock_aligned_data_interval_s"), 0);

  EXPECT_NE(error_of({{"TxCtrlr.TxStopPoint", ""}}).find("must not be empty"), std::string::npos);
  EXPECT_NE(error_of({{"OCPPCommCtrlr.HeartbeatInterval", "soon"}}).find("not an integer"), std::string::npos);
  EXPECT_NE(error_of({{"OCPPCommCtrlr.HeartbeatInterval", "60"}, {"ocppcommctrlr.heartbeatinterval", "70"}})
                .find("given twice"),
            std::string::npos);
}

TEST(V201InitialValues, TheDaemonFindsWhatItHandlesItself) {
  const std::map<std::string, std::string> config = {{"offlinecodectrlr.KEY", "5:abc"},
                                                     {"OCPPCommCtrlr.HeartbeatInterval", "60"}};
  EXPECT_EQ(config_value(config, "OfflineCodeCtrlr", "Key"), "5:abc");
  EXPECT_EQ(config_value(config, "OfflineCodeCtrlr", "Enabled"), std::nullopt);
}

}  // namespace
}  // namespace ocpp::cp::v201
