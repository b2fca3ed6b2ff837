// The variable catalogue and the 2.0.1-only settings: one truth (each variable is one setting or
// one computed value), types that agree, and the rules of the settings 2.0.1 adds.
#include "ocpp/cp/v201/variable_catalogue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <tuple>

#include "ocpp/cp/store.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"

namespace ocpp::cp::v201 {
namespace {

using ocpp::v201::AttributeEnumType;
using ocpp::v201::DataEnumType;
using ocpp::v201::MutabilityEnumType;

TEST(V201Catalogue, EachVariableIsDefinedOnceAndEachSettingViewedOnce) {
  std::set<std::tuple<std::string, std::string, std::string>> names;
  std::set<std::string> settings;
  for (const auto& d : variable_defs()) {
    EXPECT_TRUE(names.emplace(std::string(d.component), std::string(d.variable), std::string(d.instance)).second)
        << d.component << "." << d.variable;
    if (d.source == Source::Setting) {
      EXPECT_TRUE(settings.emplace(d.setting).second) << d.setting << " is mapped twice";
    }
  }
}

TEST(V201Catalogue, TypesAgreeWithTheSettingsAndOnlySettingsAreWritable) {
  Store store(":memory:");
  Settings s(store.db(), all_setting_specs());
  for (const auto& d : variable_defs()) {
    if (d.source != Source::Setting) {
      EXPECT_EQ(d.mutability, MutabilityEnumType::ReadOnly) << d.variable << ": computed values cannot be written";
      if (is_list_type(d.type)) {
        EXPECT_FALSE(d.values.empty()) << d.variable;
      }
      continue;
    }
    const auto* spec = s.spec(d.setting);
    ASSERT_NE(spec, nullptr) << d.setting;
    switch (spec->type) {
      case SettingType::Bool: EXPECT_EQ(d.type, DataEnumType::boolean) << d.variable; break;
      case SettingType::Integer: EXPECT_EQ(d.type, DataEnumType::integer) << d.variable; break;
      case SettingType::String: EXPECT_EQ(d.type, DataEnumType::string) << d.variable; break;
      case SettingType::List:
        EXPECT_TRUE(is_list_type(d.type) || d.type == DataEnumType::string) << d.variable;
        if (is_list_type(d.type)) {
          EXPECT_FALSE(supported_members(*spec).empty()) << d.variable;
        }
        break;
    }
    // A secret is write-only, and write-only is only for secrets.
    EXPECT_EQ(spec->secret, d.mutability == MutabilityEnumType::WriteOnly) << d.variable;
  }
}

// Part 1 §4.3: controllers use only Actual. An attribute besides Actual is read-only: writing one
// needs a store of its own and a block that honours it, which DeviceModel::set_variables lacks.
TEST(V201Catalogue, OnlyPhysicalQuantitiesHaveAttributesBesidesActual) {
  int more = 0;
  for (const auto& d : variable_defs()) {
    std::set<AttributeEnumType> types{AttributeEnumType::Actual};
    for (const auto& a : d.more_attributes) {
      ++more;
      EXPECT_NE(d.scope, Scope::Station) << d.component << "." << d.variable;
      EXPECT_EQ(a.mutability, MutabilityEnumType::ReadOnly) << d.component << "." << d.variable;
      EXPECT_NE(a.source, Source::Setting) << d.component << "." << d.variable;
      EXPECT_TRUE(types.insert(a.type).second) << d.component << "." << d.variable << " repeats an attribute";
      EXPECT_EQ(attribute_mutability(d, a.type), a.mutability);
    }
    EXPECT_EQ(attribute_mutability(d, AttributeEnumType::Actual), d.mutability);
  }
  EXPECT_EQ(more, 1);  // EVSE.Power's MaxSet
}

TEST(V201Catalogue, SettingsOf201RegisterBesideTheCoreOnes) {
  Store store(":memory:");
  Settings s(store.db(), all_setting_specs());  // no duplicate names, every default valid
  for (const auto& spec : setting_specs()) EXPECT_TRUE(s.has(spec.name));
  EXPECT_EQ(s.get("tx_start_point"), "PowerPathClosed");
  EXPECT_EQ(s.get_list("tx_stop_point"), (std::vector<std::string>{"EVConnected", "Authorized"}));
  EXPECT_EQ(s.get("time_source"), "Heartbeat");
  EXPECT_EQ(s.get("basic_auth_password"), "");
  EXPECT_TRUE(s.spec("basic_auth_password")->secret);
}

TEST(V201Catalogue, StartAndStopPointsOfferWhatTheCoreReports) {
  Store store(":memory:");
  Settings s(store.db(), all_setting_specs());
  const std::vector<std::string> supported = {"EVConnected", "Authorized", "PowerPathClosed", "EnergyTransfer"};
  for (const auto* name : {"tx_start_point", "tx_stop_point"}) {
    auto members = supported_members(*s.spec(name));
    std::sort(members.begin(), members.end());
    auto expected = supported;
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(members, expected) << name;
    for (const auto* unsupported : {"DataSigned", "ParkingBayOccupancy"}) {
      const auto why = s.validate(name, unsupported);
      ASSERT_TRUE(why) << unsupported;
      EXPECT_NE(why->find("not supported by this charging station"), std::string::npos) << *why;
    }
  }
  EXPECT_EQ(supported_members(*s.spec("time_source")), (std::vector<std::string>{"Heartbeat", "RealTimeClock"}));
}

TEST(V201Catalogue, BasicAuthPasswordIsSixteenToFortyCharacters) {
  Store store(":memory:");
  Settings s(store.db(), all_setting_specs());
  EXPECT_TRUE(s.validate("basic_auth_password", std::string(15, 'a')));
  EXPECT_FALSE(s.validate("basic_auth_password", std::string(16, 'a')));
  EXPECT_FALSE(s.validate("basic_auth_password", std::string(40, 'a')));
  EXPECT_TRUE(s.validate("basic_auth_password", std::string(41, 'a')));
}

}  // namespace
}  // namespace ocpp::cp::v201
