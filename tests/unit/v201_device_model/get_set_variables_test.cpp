// B05 SetVariables and B06 GetVariables over the core's settings on a real SQLite database: what a
// CSMS sees when it reads and writes the device model.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/cp/store.hpp"
#include "ocpp/cp/v201/device_model.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {
namespace {

using namespace ocpp::v201;

class FakeLive final : public LiveValues {
 public:
  std::map<std::pair<int, int>, ConnectorStatusEnumType> states;
  ConnectorStatusEnumType availability_state(int evse, int connector) const override {
    const auto it = states.find({evse, connector});
    return it == states.end() ? ConnectorStatusEnumType::Available : it->second;
  }
  double power_w(int evse) const override { return 1000.5 * evse; }
  SystemTime now() const override { return SystemTime{std::chrono::hours{24 * 365 * 56}}; }
  int local_auth_list_entries() const override { return 3; }
  int security_profile() const override { return 2; }
  int certificate_entries() const override { return 4; }
  std::string identity() const override { return "CP-0001"; }
};

// EVSE 1 with one connector, EVSE 2 with two of another type.
Topology two_evses() {
  Topology t = Topology::uniform(2);
  t.evses[1].connectors.push_back(ConnectorInfo{2, "cCCS2", 3});
  return t;
}

struct Pile {
  Pile() : store(":memory:"), settings(store.db(), all_setting_specs()), model(settings, two_evses(), live) {}
  Store store;
  Settings settings;
  FakeLive live;
  DeviceModel model;
};

ComponentType component(const std::string& name, int evse = 0, int connector = 0) {
  ComponentType c;
  c.name = name;
  if (evse > 0) {
    c.evse = EVSEType{};
    c.evse->id = evse;
    if (connector > 0) c.evse->connectorId = connector;
  }
  return c;
}

VariableType variable(const std::string& name, const std::string& instance = {}) {
  VariableType v;
  v.name = name;
  if (!instance.empty()) v.instance = instance;
  return v;
}

GetVariableResultType get(const Pile& p, const ComponentType& c, const VariableType& v,
                          std::optional<AttributeEnumType> type = std::nullopt) {
  GetVariablesRequest req;
  req.getVariableData.push_back(GetVariableDataType{std::nullopt, type, c, v});
  return p.model.get_variables(req).getVariableResult.at(0);
}

SetVariableResultType set(Pile& p, const ComponentType& c, const VariableType& v, const std::string& value,
                          bool secrets_allowed = true, std::optional<AttributeEnumType> type = std::nullopt) {
  SetVariablesRequest req;
  req.setVariableData.push_back(SetVariableDataType{std::nullopt, type, value, c, v});
  return p.model.set_variables(req, SetPolicy{secrets_allowed}).setVariableResult.at(0);
}

std::string info(const SetVariableResultType& r) {
  return r.attributeStatusInfo && r.attributeStatusInfo->additionalInfo ? r.attributeStatusInfo->additionalInfo->str()
                                                                        : std::string();
}

const std::string kKeySpec = "7:" + std::string(64, 'a');

TEST(V201Variables, ASettingReadsTheSameThroughItsVariableAndTheCore) {
  Pile p;
  ASSERT_EQ(p.settings.set("heartbeat_interval_s", "77"), SetResult::Accepted);  // e.g. by the 1.6 adapter
  const auto r = get(p, component("OCPPCommCtrlr"), variable("HeartbeatInterval"));
  EXPECT_EQ(r.attributeStatus, GetVariableStatusEnumType::Accepted);
  ASSERT_TRUE(r.attributeValue);
  EXPECT_EQ(r.attributeValue->str(), "77");

  EXPECT_EQ(set(p, component("OCPPCommCtrlr"), variable("HeartbeatInterval"), "120").attributeStatus,
            SetVariableStatusEnumType::Accepted);
  EXPECT_EQ(p.settings.get_int("heartbeat_interval_s"), 120);
  EXPECT_TRUE(p.settings.is_persisted("heartbeat_interval_s"));
}

TEST(V201Variables, NamesAreCaseInsensitiveAndEchoedAsAsked) {
  Pile p;
  const auto r = get(p, component("ocppcommctrlr"), variable("messageattempts", "transactionevent"));
  EXPECT_EQ(r.attributeStatus, GetVariableStatusEnumType::Accepted);
  EXPECT_EQ(r.component.name.str(), "ocppcommctrlr");
  EXPECT_EQ(r.variable.instance->str(), "transactionevent");
  EXPECT_EQ(r.attributeValue->str(), p.settings.get("transaction_message_attempts"));
}

TEST(V201Variables, UnknownComponentAndUnknownVariable) {
  Pile p;
  EXPECT_EQ(get(p, component("NoSuchCtrlr"), variable("Enabled")).attributeStatus,
            GetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(get(p, component("EVSE", 9), variable("Power")).attributeStatus, GetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(get(p, component("EVSE"), variable("Power")).attributeStatus, GetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(get(p, component("Connector", 1, 2), variable("ConnectorType")).attributeStatus,
            GetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(get(p, component("OCPPCommCtrlr"), variable("NoSuchVariable")).attributeStatus,
            GetVariableStatusEnumType::UnknownVariable);
  // MessageAttempts exists only with its instance.
  EXPECT_EQ(get(p, component("OCPPCommCtrlr"), variable("MessageAttempts")).attributeStatus,
            GetVariableStatusEnumType::UnknownVariable);

  EXPECT_EQ(set(p, component("NoSuchCtrlr"), variable("Enabled"), "true").attributeStatus,
            SetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(set(p, component("TxCtrlr"), variable("NoSuchVariable"), "true").attributeStatus,
            SetVariableStatusEnumType::UnknownVariable);
}

// Part 1 §4.3: controllers use only Actual. OCTT TC_B_34_CS / TC_B_37_CS (B06.FR.08, B05.FR.06):
// OCPPCommCtrlr.OfflineThreshold's Target is NotSupportedAttributeType.
TEST(V201Variables, AControllerHasOnlyTheActualAttribute) {
  Pile p;
  for (const auto type : {AttributeEnumType::Target, AttributeEnumType::MinSet, AttributeEnumType::MaxSet}) {
    for (const auto* name : {"OfflineThreshold", "HeartbeatInterval"}) {
      const auto got = get(p, component("OCPPCommCtrlr"), variable(name), type);
      EXPECT_EQ(got.attributeStatus, GetVariableStatusEnumType::NotSupportedAttributeType) << name;
      EXPECT_EQ(got.attributeType, type);
      EXPECT_FALSE(got.attributeValue);
      const auto put = set(p, component("OCPPCommCtrlr"), variable(name), "7", true, type);
      EXPECT_EQ(put.attributeStatus, SetVariableStatusEnumType::NotSupportedAttributeType) << name;
      EXPECT_EQ(put.attributeType, type);
    }
  }
  const auto actual = get(p, component("OCPPCommCtrlr"), variable("HeartbeatInterval"), AttributeEnumType::Actual);
  EXPECT_EQ(actual.attributeStatus, GetVariableStatusEnumType::Accepted);
  EXPECT_EQ(p.settings.get("heartbeat_interval_s"), "300");  // unchanged
  EXPECT_EQ(p.settings.get("offline_threshold_s"), "5");
}

// EVSE.Power: Actual is what the EVSE delivers now, MaxSet the most it is set to deliver (the
// topology's maximum, also its maxLimit); both read-only, and it has no Target or MinSet.
TEST(V201Variables, EvsePowerHasItsMaxSetAttribute) {
  Pile p;
  const auto max_set = get(p, component("EVSE", 2), variable("Power"), AttributeEnumType::MaxSet);
  EXPECT_EQ(max_set.attributeStatus, GetVariableStatusEnumType::Accepted);
  EXPECT_EQ(max_set.attributeType, AttributeEnumType::MaxSet);
  ASSERT_TRUE(max_set.attributeValue);
  EXPECT_EQ(max_set.attributeValue->str(), "22080");
  EXPECT_EQ(get(p, component("EVSE", 2), variable("Power")).attributeValue->str(), "2001");  // Actual
  for (const auto type : {AttributeEnumType::Target, AttributeEnumType::MinSet}) {
    EXPECT_EQ(get(p, component("EVSE", 1), variable("Power"), type).attributeStatus,
              GetVariableStatusEnumType::NotSupportedAttributeType);
    EXPECT_EQ(set(p, component("EVSE", 1), variable("Power"), "1000", true, type).attributeStatus,
              SetVariableStatusEnumType::NotSupportedAttributeType);
  }
  const auto write = set(p, component("EVSE", 1), variable("Power"), "7000", true, AttributeEnumType::MaxSet);
  EXPECT_EQ(write.attributeStatus, SetVariableStatusEnumType::Rejected);
  ASSERT_TRUE(write.attributeStatusInfo);
  EXPECT_EQ(write.attributeStatusInfo->reasonCode.str(), "ReadOnly");
  EXPECT_EQ(get(p, component("EVSE", 1), variable("Power"), AttributeEnumType::MaxSet).attributeValue->str(), "22080");
  // Another variable of the same EVSE has Actual alone.
  EXPECT_EQ(get(p, component("EVSE", 1), variable("SupplyPhases"), AttributeEnumType::MaxSet).attributeStatus,
            GetVariableStatusEnumType::NotSupportedAttributeType);
}

// What a CSMS reads as minLimit/maxLimit (characteristics) is what it may write: the limits are
// accepted, one past either is Rejected with the reason (B05).
TEST(V201Variables, WritesOutsideMinLimitAndMaxLimitAreRejectedWithTheReason) {
  Pile p;
  int bounded = 0;
  for (const auto& e : p.model.entries()) {
    if (e.def->type != DataEnumType::integer || e.def->mutability != MutabilityEnumType::ReadWrite) continue;
    const auto c = p.model.characteristics(e);
    ASSERT_TRUE(c.minLimit && c.maxLimit) << e.def->variable;
    ++bounded;
    const auto name = std::string(e.def->variable);
    const auto low = static_cast<std::int64_t>(*c.minLimit);
    const auto high = static_cast<std::int64_t>(*c.maxLimit);
    for (const auto inside : {low, high}) {
      const auto r = set(p, p.model.component_of(e), p.model.variable_of(e), std::to_string(inside));
      EXPECT_NE(r.attributeStatus, SetVariableStatusEnumType::Rejected) << name << " " << inside << " " << info(r);
    }
    const auto below = set(p, p.model.component_of(e), p.model.variable_of(e), std::to_string(low - 1));
    EXPECT_EQ(below.attributeStatus, SetVariableStatusEnumType::Rejected) << name;
    EXPECT_NE(info(below).find("below the minimum " + std::to_string(low)), std::string::npos) << info(below);
    const auto above = set(p, p.model.component_of(e), p.model.variable_of(e), std::to_string(high + 1));
    EXPECT_EQ(above.attributeStatus, SetVariableStatusEnumType::Rejected) << name;
    EXPECT_EQ(above.attributeStatusInfo->reasonCode.str(), "InvalidValue");
    EXPECT_EQ(p.model.value_of(e), std::to_string(high)) << name << ": a rejected write changes nothing";
  }
  EXPECT_GE(bounded, 15);
}

TEST(V201Variables, EveryReadOnlyVariableIsRejectedBySetVariablesAndUnchanged) {
  Pile p;
  int read_only = 0;
  for (const auto& e : p.model.entries()) {
    if (e.def->mutability != MutabilityEnumType::ReadOnly) continue;
    ++read_only;
    const auto before = p.model.value_of(e);
    const auto r = set(p, p.model.component_of(e), p.model.variable_of(e), "1");
    EXPECT_EQ(r.attributeStatus, SetVariableStatusEnumType::Rejected) << e.def->component << "." << e.def->variable;
    ASSERT_TRUE(r.attributeStatusInfo);
    EXPECT_EQ(p.model.value_of(e), before);
  }
  EXPECT_GT(read_only, 20);
}

TEST(V201Variables, WriteOnlyValuesAreNeverReturned) {
  Pile p;
  ASSERT_EQ(set(p, component("SecurityCtrlr"), variable("BasicAuthPassword"), "0123456789abcdefXYZ").attributeStatus,
            SetVariableStatusEnumType::Accepted);
  ASSERT_EQ(set(p, component("OfflineCodeCtrlr"), variable("Key"), kKeySpec).attributeStatus,
            SetVariableStatusEnumType::Accepted);
  int write_only = 0;
  for (const auto& e : p.model.entries()) {
    if (e.def->mutability != MutabilityEnumType::WriteOnly) continue;
    ++write_only;
    const auto r = get(p, p.model.component_of(e), p.model.variable_of(e));
    EXPECT_EQ(r.attributeStatus, GetVariableStatusEnumType::Rejected);
    EXPECT_FALSE(r.attributeValue);
    EXPECT_FALSE(p.model.value_of(e));
  }
  EXPECT_EQ(write_only, 2);
}

TEST(V201Variables, AnInvalidValueIsRejectedWithTheReason) {
  Pile p;
  const auto low = set(p, component("OCPPCommCtrlr"), variable("HeartbeatInterval"), "-5");
  EXPECT_EQ(low.attributeStatus, SetVariableStatusEnumType::Rejected);
  EXPECT_NE(info(low).find("below the minimum"), std::string::npos) << info(low);
  EXPECT_EQ(low.attributeStatusInfo->reasonCode.str(), "InvalidValue");

  const auto word = set(p, component("AuthCtrlr"), variable("LocalPreAuthorize"), "maybe");
  EXPECT_EQ(word.attributeStatus, SetVariableStatusEnumType::Rejected);
  EXPECT_NE(info(word).find("boolean"), std::string::npos) << info(word);

  const auto signed_data = set(p, component("TxCtrlr"), variable("TxStartPoint"), "Authorized,DataSigned");
  EXPECT_EQ(signed_data.attributeStatus, SetVariableStatusEnumType::Rejected);
  EXPECT_NE(info(signed_data).find("not supported by this charging station"), std::string::npos) << info(signed_data);
  const auto bay = set(p, component("TxCtrlr"), variable("TxStopPoint"), "ParkingBayOccupancy");
  EXPECT_NE(info(bay).find("not supported by this charging station"), std::string::npos) << info(bay);

  const auto none = set(p, component("TxCtrlr"), variable("TxStartPoint"), "");
  EXPECT_EQ(none.attributeStatus, SetVariableStatusEnumType::Rejected);
  EXPECT_NE(info(none).find("empty"), std::string::npos);
  EXPECT_EQ(p.settings.get("tx_start_point"), "PowerPathClosed");
}

TEST(V201Variables, ListVariablesAcceptTheirValuesListAndNothingElse) {
  Pile p;
  int lists = 0;
  for (const auto& e : p.model.entries()) {
    if (!is_list_type(e.def->type) || !writable(*e.def)) continue;
    ++lists;
    const auto values = split_list(p.model.characteristics(e).valuesList->str());
    ASSERT_FALSE(values.empty());
    for (const auto& member : values) {
      const auto r = set(p, p.model.component_of(e), p.model.variable_of(e), member);
      EXPECT_EQ(r.attributeStatus, SetVariableStatusEnumType::Accepted) << e.def->variable << " " << member << info(r);
      EXPECT_EQ(p.model.value_of(e), member);
    }
    const auto outside = set(p, p.model.component_of(e), p.model.variable_of(e), "NotAMember");
    EXPECT_EQ(outside.attributeStatus, SetVariableStatusEnumType::Rejected) << e.def->variable;
  }
  EXPECT_GE(lists, 8);
}

TEST(V201Variables, RebootRequiredWhenTheSettingSaysSo) {
  Pile p;
  const auto r = set(p, component("OCPPCommCtrlr"), variable("RetryBackOffWaitMinimum"), "17");
  EXPECT_EQ(r.attributeStatus, SetVariableStatusEnumType::RebootRequired);
  EXPECT_EQ(get(p, component("OCPPCommCtrlr"), variable("RetryBackOffWaitMinimum")).attributeValue->str(), "17");
  EXPECT_EQ(set(p, component("OCPPCommCtrlr"), variable("HeartbeatInterval"), "17").attributeStatus,
            SetVariableStatusEnumType::Accepted);
}

TEST(V201Variables, TheOfflineCodeKeyIsRefusedOverAnInsecureLink) {
  Pile p;
  const auto key = set(p, component("OfflineCodeCtrlr"), variable("Key"), kKeySpec, false);
  EXPECT_EQ(key.attributeStatus, SetVariableStatusEnumType::Rejected);
  EXPECT_NE(info(key).find("security profile"), std::string::npos);
  EXPECT_EQ(p.settings.get("offline_code_key"), "");
  // A01: BasicAuthPassword is changed over profile 1 or 2, which carry it in every connection.
  const auto password = set(p, component("SecurityCtrlr"), variable("BasicAuthPassword"), "0123456789abcdefXYZ", false);
  EXPECT_EQ(password.attributeStatus, SetVariableStatusEnumType::Accepted);
  // Everything else is writable as usual over the same link.
  EXPECT_EQ(set(p, component("OfflineCodeCtrlr"), variable("Enabled"), "false", false).attributeStatus,
            SetVariableStatusEnumType::Accepted);
}

TEST(V201Variables, BasicAuthPasswordIsCheckedWithoutRepeatingIt) {
  Pile p;
  std::vector<std::string> changed;
  p.settings.on_change([&](std::string_view name, const std::string&) { changed.emplace_back(name); });
  const std::string short_one = "short-secret";
  const auto r = set(p, component("SecurityCtrlr"), variable("BasicAuthPassword"), short_one);
  EXPECT_EQ(r.attributeStatus, SetVariableStatusEnumType::Rejected);
  EXPECT_EQ(info(r).find(short_one), std::string::npos) << info(r);
  EXPECT_EQ(set(p, component("SecurityCtrlr"), variable("BasicAuthPassword"), "").attributeStatus,
            SetVariableStatusEnumType::Rejected);
  EXPECT_EQ(set(p, component("SecurityCtrlr"), variable("BasicAuthPassword"), std::string(41, 'x')).attributeStatus,
            SetVariableStatusEnumType::Rejected);
  const std::string good(16, 'p');
  EXPECT_EQ(set(p, component("SecurityCtrlr"), variable("BasicAuthPassword"), good).attributeStatus,
            SetVariableStatusEnumType::Accepted);
  EXPECT_EQ(p.settings.get("basic_auth_password"), good);
  // A01: the adapter learns of the change and reconnects with the new password.
  EXPECT_EQ(changed, std::vector<std::string>{"basic_auth_password"});
}

TEST(V201Variables, TopologyAndLiveValuesPerEvseAndConnector) {
  Pile p;
  p.live.states[{2, 2}] = ConnectorStatusEnumType::Faulted;
  p.live.states[{1, 0}] = ConnectorStatusEnumType::Unavailable;
  const auto value = [&](const ComponentType& c, const std::string& v) {
    const auto r = get(p, c, variable(v));
    EXPECT_EQ(r.attributeStatus, GetVariableStatusEnumType::Accepted) << c.name << "." << v;
    return r.attributeValue ? r.attributeValue->str() : std::string("<none>");
  };
  EXPECT_EQ(value(component("Connector", 2, 2), "ConnectorType"), "cCCS2");
  EXPECT_EQ(value(component("Connector", 2, 2), "AvailabilityState"), "Faulted");
  EXPECT_EQ(value(component("Connector", 2, 2), "Problem"), "true");
  EXPECT_EQ(value(component("Connector", 2, 2), "Available"), "true");
  EXPECT_EQ(value(component("EVSE", 1), "Available"), "false");
  EXPECT_EQ(value(component("EVSE", 1), "AvailabilityState"), "Unavailable");
  EXPECT_EQ(value(component("EVSE", 2), "Power"), "2001");
  EXPECT_EQ(value(component("ChargingStation"), "SupplyPhases"), "3");
  EXPECT_EQ(value(component("ClockCtrlr"), "DateTime"), format_rfc3339(p.live.now()));
  EXPECT_EQ(value(component("LocalAuthListCtrlr"), "Entries"), "3");
  EXPECT_EQ(value(component("SecurityCtrlr"), "SecurityProfile"), "2");
  EXPECT_EQ(value(component("SecurityCtrlr"), "Identity"), "CP-0001");
}

TEST(V201Variables, OfflineCodeControllerIsTheSameSettingsAs16) {
  Pile p;
  EXPECT_EQ(set(p, component("OfflineCodeCtrlr"), variable("Key"), kKeySpec).attributeStatus,
            SetVariableStatusEnumType::Accepted);
  EXPECT_EQ(p.settings.get("offline_code_key"), kKeySpec);
  EXPECT_EQ(set(p, component("OfflineCodeCtrlr"), variable("Key"), "7:xyz").attributeStatus,
            SetVariableStatusEnumType::Rejected);
  EXPECT_EQ(set(p, component("OfflineCodeCtrlr"), variable("KeyVersion"), "9").attributeStatus,
            SetVariableStatusEnumType::Rejected);
  EXPECT_EQ(set(p, component("OfflineCodeCtrlr"), variable("Enabled"), "false").attributeStatus,
            SetVariableStatusEnumType::Accepted);
  EXPECT_FALSE(p.settings.get_bool("offline_code_enabled"));
}

std::vector<GetVariableDataType> heartbeat_items(int n) {
  return std::vector<GetVariableDataType>(
      static_cast<std::size_t>(n),
      GetVariableDataType{std::nullopt, std::nullopt, component("OCPPCommCtrlr"), variable("HeartbeatInterval")});
}

TEST(V201Variables, MoreItemsThanItemsPerMessageIsACallError) {
  Pile p;
  ASSERT_FALSE(p.settings.set_initial("get_variables_max_items", "3"));
  ASSERT_FALSE(p.settings.set_initial("set_variables_max_items", "2"));
  GetVariablesRequest three;
  three.getVariableData = heartbeat_items(3);
  EXPECT_EQ(p.model.get_variables(three).getVariableResult.size(), 3u);
  GetVariablesRequest four;
  four.getVariableData = heartbeat_items(4);
  try {
    (void)p.model.get_variables(four);
    ADD_FAILURE() << "no CALLERROR";
  } catch (const rpc::CallErrorReply& e) {
    EXPECT_EQ(e.code(), RpcErrorCode::OccurrenceConstraintViolation);
  }
  SetVariablesRequest set_three;
  set_three.setVariableData.assign(
      3, SetVariableDataType{std::nullopt, std::nullopt, "60", component("OCPPCommCtrlr"), variable("HeartbeatInterval")});
  EXPECT_THROW((void)p.model.set_variables(set_three, SetPolicy{}), rpc::CallErrorReply);
  EXPECT_EQ(p.settings.get("heartbeat_interval_s"), "300");  // nothing applied
}

TEST(V201Variables, MoreBytesThanBytesPerMessageIsAFormatViolation) {
  Pile p;
  ASSERT_FALSE(p.settings.set_initial("get_variables_max_bytes", "1024"));
  GetVariablesRequest req;
  req.getVariableData = heartbeat_items(30);  // about 2 kB of JSON, within ItemsPerMessage
  try {
    (void)p.model.get_variables(req);
    ADD_FAILURE() << "no CALLERROR";
  } catch (const rpc::CallErrorReply& e) {
    EXPECT_EQ(e.code(), RpcErrorCode::FormatViolation);
  }
}

TEST(V201Variables, EachEntryOfARequestIsAnsweredInOrder) {
  Pile p;
  SetVariablesRequest req;
  req.setVariableData.push_back({std::nullopt, std::nullopt, "45", component("OCPPCommCtrlr"), variable("HeartbeatInterval")});
  req.setVariableData.push_back({std::nullopt, std::nullopt, "x", component("OCPPCommCtrlr"), variable("ResetRetries")});
  req.setVariableData.push_back({std::nullopt, std::nullopt, "1", component("Nope"), variable("Nope")});
  const auto r = p.model.set_variables(req, SetPolicy{});
  ASSERT_EQ(r.setVariableResult.size(), 3u);
  EXPECT_EQ(r.setVariableResult[0].attributeStatus, SetVariableStatusEnumType::Accepted);
  EXPECT_EQ(r.setVariableResult[1].attributeStatus, SetVariableStatusEnumType::Rejected);
  EXPECT_EQ(r.setVariableResult[2].attributeStatus, SetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(p.settings.get_int("heartbeat_interval_s"), 45);
}

TEST(V201Variables, AModelNeedsItsSettingsRegistered) {
  Store store(":memory:");
  Settings core_only(store.db(), core_setting_specs());
  FakeLive live;
  EXPECT_THROW(DeviceModel(core_only, Topology::uniform(1), live), std::invalid_argument);
}

}  // namespace
}  // namespace ocpp::cp::v201
