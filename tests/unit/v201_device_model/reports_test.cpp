// B07 GetBaseReport and B08 GetReport: what the CSMS receives in NotifyReport, and how a report is
// cut into messages.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ocpp/cp/store.hpp"
#include "ocpp/cp/v201/device_model.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"
#include "ocpp/cp/v201/report_split.hpp"
#include "ocpp/messages/serialize.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {
namespace {

using namespace ocpp::v201;

class ReportLive final : public LiveValues {
 public:
  std::map<std::pair<int, int>, ConnectorStatusEnumType> states;
  ConnectorStatusEnumType availability_state(int evse, int connector) const override {
    const auto it = states.find({evse, connector});
    return it == states.end() ? ConnectorStatusEnumType::Available : it->second;
  }
  double power_w(int) const override { return 0; }
  SystemTime now() const override { return SystemTime{std::chrono::hours{24 * 365 * 56}}; }
  int local_auth_list_entries() const override { return 0; }
  int security_profile() const override { return 2; }
  int certificate_entries() const override { return 1; }
  std::string identity() const override { return "CP-0001"; }
};

// EVSE 1 with one connector, EVSE 2 with two and less power.
Topology two_unequal_evses() {
  Topology t = Topology::uniform(2);
  t.evses[1].connectors.push_back(ConnectorInfo{2, "cCCS2", 3});
  t.evses[1].max_power_w = 11040;
  return t;
}

struct ReportPile {
  ReportPile() : store(":memory:"), settings(store.db(), all_setting_specs()), model(settings, two_unequal_evses(), live) {}
  Store store;
  Settings settings;
  ReportLive live;
  DeviceModel model;
};

std::vector<ReportDataType> items_of(const std::vector<NotifyReportRequest>& messages) {
  std::vector<ReportDataType> all;
  for (const auto& m : messages) {
    if (m.reportData) all.insert(all.end(), m.reportData->begin(), m.reportData->end());
  }
  return all;
}

Report<GetBaseReportResponse> base(const ReportPile& p, ReportBaseEnumType what, int request_id = 5) {
  return p.model.get_base_report(GetBaseReportRequest{std::nullopt, request_id, what});
}

using Key = std::tuple<std::string, int, int, std::string, std::string>;  // component, evse, connector, variable, instance

Key key_of(const ReportDataType& r) {
  const int evse = r.component.evse ? r.component.evse->id : 0;
  const int connector = r.component.evse && r.component.evse->connectorId ? *r.component.evse->connectorId : 0;
  return {r.component.name.str(), evse, connector, r.variable.name.str(),
          r.variable.instance ? r.variable.instance->str() : std::string()};
}

const ReportDataType* find(const std::vector<ReportDataType>& items, const Key& k) {
  const auto it = std::find_if(items.begin(), items.end(), [&](const ReportDataType& r) { return key_of(r) == k; });
  return it == items.end() ? nullptr : &*it;
}

// ocpp201-scope.md §2.2: the required variables of Core and LocalAuthListCtrlr, plus the ones
// this charging station promises besides (B10 back-off, heartbeat, ping, the offline code).
std::vector<Key> required_station_variables() {
  std::vector<Key> k;
  const auto add = [&](const char* c, std::initializer_list<const char*> vars, const char* instance = "") {
    for (const auto* v : vars) k.emplace_back(c, 0, 0, v, instance);
  };
  add("AlignedDataCtrlr", {"Interval", "TxEndedInterval", "Measurands", "TxEndedMeasurands"});
  add("AuthCtrlr", {"AuthorizeRemoteStart", "LocalAuthorizeOffline", "LocalPreAuthorize", "OfflineTxForUnknownIdEnabled"});
  add("AuthCacheCtrlr", {"Enabled"});
  add("ChargingStation", {"AvailabilityState", "Available", "SupplyPhases"});
  add("ClockCtrlr", {"DateTime", "TimeSource"});
  for (const auto* instance : {"GetReport", "GetVariables", "SetVariables"}) {
    add("DeviceDataCtrlr", {"BytesPerMessage", "ItemsPerMessage"}, instance);
  }
  add("OCPPCommCtrlr", {"FileTransferProtocols", "NetworkConfigurationPriority", "NetworkProfileConnectionAttempts",
                        "ActiveNetworkProfile",
                        "ResetRetries", "OfflineThreshold", "UnlockOnEVSideDisconnect", "HeartbeatInterval",
                        "WebSocketPingInterval", "RetryBackOffRandomRange", "RetryBackOffRepeatTimes",
                        "RetryBackOffWaitMinimum"});
  add("OCPPCommCtrlr", {"MessageTimeout"}, "Default");
  add("OCPPCommCtrlr", {"MessageAttemptInterval", "MessageAttempts"}, "TransactionEvent");
  add("SampledDataCtrlr",
      {"TxEndedInterval", "TxUpdatedInterval", "TxStartedMeasurands", "TxUpdatedMeasurands", "TxEndedMeasurands"});
  add("SecurityCtrlr", {"CertificateEntries", "SecurityProfile", "OrganizationName", "BasicAuthPassword"});
  add("TxCtrlr", {"EVConnectionTimeOut", "StopTxOnEVSideDisconnect", "StopTxOnInvalidId", "TxStartPoint",
                  "TxStopPoint", "MaxEnergyOnInvalidId"});
  add("LocalAuthListCtrlr", {"BytesPerMessage", "Entries", "ItemsPerMessage"});
  add("OfflineCodeCtrlr", {"Enabled", "Key", "KeyVersion"});
  return k;
}

TEST(V201Reports, FullInventoryHasEveryRequiredVariableOnEveryEvseAndConnector) {
  ReportPile p;
  const auto report = base(p, ReportBaseEnumType::FullInventory);
  EXPECT_EQ(report.response.status, GenericDeviceModelStatusEnumType::Accepted);
  const auto items = items_of(report.messages);
  EXPECT_EQ(items.size(), p.model.entries().size());
  for (const auto& k : required_station_variables()) {
    EXPECT_NE(find(items, k), nullptr) << std::get<0>(k) << "." << std::get<3>(k) << "[" << std::get<4>(k) << "]";
  }
  for (const auto& evse : two_unequal_evses().evses) {
    for (const auto* v : {"AvailabilityState", "Available", "SupplyPhases", "Power"}) {
      EXPECT_NE(find(items, {"EVSE", evse.id, 0, v, ""}), nullptr) << "EVSE " << evse.id << " " << v;
    }
    const auto* power = find(items, {"EVSE", evse.id, 0, "Power", ""});
    ASSERT_NE(power, nullptr);
    EXPECT_EQ(power->variableCharacteristics->maxLimit, evse.max_power_w);  // the required part of Power
    for (const auto& c : evse.connectors) {
      for (const auto* v : {"Available", "ConnectorType", "SupplyPhases"}) {
        EXPECT_NE(find(items, {"Connector", evse.id, c.id, v, ""}), nullptr) << evse.id << "/" << c.id << " " << v;
      }
    }
  }
}

// TC_B_53_CS: every list has a non-empty valuesList, and each value lies inside it.
TEST(V201Reports, EveryListHasAValuesListHoldingItsValue) {
  ReportPile p;
  int lists = 0;
  for (const auto& item : items_of(base(p, ReportBaseEnumType::FullInventory).messages)) {
    const auto& c = *item.variableCharacteristics;
    if (c.dataType != DataEnumType::OptionList && c.dataType != DataEnumType::MemberList &&
        c.dataType != DataEnumType::SequenceList) {
      continue;
    }
    ++lists;
    ASSERT_TRUE(c.valuesList && !c.valuesList->empty()) << item.variable.name;
    const auto allowed = split_list(c.valuesList->str());
    const auto& value = item.variableAttribute.at(0).value;
    ASSERT_TRUE(value) << item.variable.name;
    const auto members = c.dataType == DataEnumType::OptionList ? std::vector<std::string>{value->str()}
                                                                : split_list(value->str());
    for (const auto& m : members) {
      EXPECT_NE(std::find(allowed.begin(), allowed.end(), m), allowed.end())
          << item.component.name << "." << item.variable.name << ": " << m << " not in " << c.valuesList->str();
    }
  }
  EXPECT_GT(lists, 10);
}

TEST(V201Reports, WriteOnlyValuesAreInNoReport) {
  ReportPile p;
  const std::string password = "a-password-nobody-sees";
  const std::string key = "3:" + std::string(64, 'c');
  ASSERT_EQ(p.settings.set("basic_auth_password", password), SetResult::Accepted);
  ASSERT_EQ(p.settings.set("offline_code_key", key), SetResult::Accepted);
  std::vector<NotifyReportRequest> sent;
  for (const auto what : {ReportBaseEnumType::ConfigurationInventory, ReportBaseEnumType::FullInventory,
                          ReportBaseEnumType::SummaryInventory}) {
    const auto r = base(p, what);
    sent.insert(sent.end(), r.messages.begin(), r.messages.end());
  }
  const auto custom = p.model.get_report(GetReportRequest{std::nullopt, std::nullopt, 6, std::nullopt});
  sent.insert(sent.end(), custom.messages.begin(), custom.messages.end());
  int write_only = 0;
  for (const auto& m : sent) {
    const auto text = ocpp::serialize(m);
    EXPECT_EQ(text.find(password), std::string::npos);
    EXPECT_EQ(text.find(std::string(64, 'c')), std::string::npos);
    for (const auto& item : *m.reportData) {
      if (item.variableAttribute.at(0).mutability != MutabilityEnumType::WriteOnly) continue;
      ++write_only;
      EXPECT_FALSE(item.variableAttribute.at(0).value) << item.variable.name;
    }
  }
  EXPECT_EQ(write_only, 6);  // Key and BasicAuthPassword in three reports
}

TEST(V201Reports, ConfigurationInventoryIsWhatTheCsmsCanWrite) {
  ReportPile p;
  const auto items = items_of(base(p, ReportBaseEnumType::ConfigurationInventory).messages);
  std::size_t writable_entries = 0;
  for (const auto& e : p.model.entries()) writable_entries += writable(*e.def) ? 1 : 0;
  EXPECT_EQ(items.size(), writable_entries);
  for (const auto& item : items) {
    EXPECT_NE(item.variableAttribute.at(0).mutability, MutabilityEnumType::ReadOnly) << item.variable.name;
  }
  EXPECT_NE(find(items, {"TxCtrlr", 0, 0, "TxStartPoint", ""}), nullptr);
  EXPECT_EQ(find(items, {"ClockCtrlr", 0, 0, "DateTime", ""}), nullptr);
}

TEST(V201Reports, SummaryInventoryIsTheAvailabilityOfEachComponent) {
  ReportPile p;
  p.live.states[{2, 1}] = ConnectorStatusEnumType::Faulted;
  const auto items = items_of(base(p, ReportBaseEnumType::SummaryInventory).messages);
  const std::vector<std::tuple<std::string, int, int>> components = {
      {"ChargingStation", 0, 0}, {"EVSE", 1, 0}, {"EVSE", 2, 0}, {"Connector", 1, 1}, {"Connector", 2, 1}, {"Connector", 2, 2}};
  for (const auto& [name, evse, connector] : components) {
    for (const auto* v : {"AvailabilityState", "Available", "Problem"}) {
      EXPECT_NE(find(items, {name, evse, connector, v, ""}), nullptr) << name << evse << connector << v;
    }
  }
  EXPECT_EQ(items.size(), components.size() * 3);
  EXPECT_EQ(find(items, {"Connector", 2, 1, "Problem", ""})->variableAttribute.at(0).value->str(), "true");
  EXPECT_EQ(find(items, {"Connector", 2, 1, "AvailabilityState", ""})->variableAttribute.at(0).value->str(), "Faulted");
}

TEST(V201Reports, AnUnknownReportBaseIsNotSupported) {
  ReportPile p;
  const auto r = base(p, static_cast<ReportBaseEnumType>(42));
  EXPECT_EQ(r.response.status, GenericDeviceModelStatusEnumType::NotSupported);
  EXPECT_TRUE(r.messages.empty());
}

TEST(V201Reports, CharacteristicsAndAttributesComeFromTheSettings) {
  ReportPile p;
  const auto items = items_of(base(p, ReportBaseEnumType::FullInventory).messages);
  for (const auto& item : items) {
    EXPECT_FALSE(item.variableCharacteristics->supportsMonitoring);
    EXPECT_EQ(item.variableAttribute.at(0).type, AttributeEnumType::Actual);
  }
  const auto* heartbeat = find(items, {"OCPPCommCtrlr", 0, 0, "HeartbeatInterval", ""});
  ASSERT_NE(heartbeat, nullptr);
  const auto* spec = p.settings.spec("heartbeat_interval_s");
  EXPECT_EQ(heartbeat->variableCharacteristics->dataType, DataEnumType::integer);
  EXPECT_EQ(heartbeat->variableCharacteristics->unit->str(), "s");
  EXPECT_EQ(heartbeat->variableCharacteristics->minLimit, static_cast<double>(spec->min));
  EXPECT_EQ(heartbeat->variableCharacteristics->maxLimit, static_cast<double>(spec->max));
  EXPECT_EQ(heartbeat->variableAttribute.at(0).value->str(), p.settings.get("heartbeat_interval_s"));
  EXPECT_EQ(heartbeat->variableAttribute.at(0).persistent, true);
  const auto* password = find(items, {"SecurityCtrlr", 0, 0, "BasicAuthPassword", ""});
  EXPECT_EQ(password->variableCharacteristics->maxLimit, static_cast<double>(kMaxBasicAuthPassword));
  const auto* type = find(items, {"Connector", 2, 2, "ConnectorType", ""});
  EXPECT_EQ(type->variableAttribute.at(0).value->str(), "cCCS2");
  EXPECT_EQ(type->variableAttribute.at(0).constant, true);
}

std::vector<NotifyReportRequest> full_inventory_with(const std::string& setting, const std::string& value) {
  ReportPile p;
  EXPECT_FALSE(p.settings.set_initial(setting, value));
  return base(p, ReportBaseEnumType::FullInventory, 77).messages;
}

void expect_well_formed_parts(const std::vector<NotifyReportRequest>& messages, std::size_t total_items) {
  ASSERT_GT(messages.size(), 1u);
  std::size_t items = 0;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].seqNo, static_cast<std::int32_t>(i));
    EXPECT_EQ(messages[i].requestId, 77);
    EXPECT_EQ(messages[i].generatedAt, DateTime(ReportLive{}.now()));
    EXPECT_EQ(messages[i].tbc.value_or(false), i + 1 < messages.size()) << "part " << i;
    ASSERT_TRUE(messages[i].reportData && !messages[i].reportData->empty());
    items += messages[i].reportData->size();
  }
  EXPECT_EQ(items, total_items);
}

// B07/B08: a report lists every attribute a variable has, each with its own mutability. Controllers
// have Actual alone (Part 1 §4.3); EVSE.Power also has MaxSet, the most the EVSE is set to deliver.
TEST(V201Reports, EveryAttributeOfAVariableIsReportedOnce) {
  ReportPile p;
  const auto items = items_of(base(p, ReportBaseEnumType::FullInventory).messages);
  for (const auto& item : items) {
    std::set<AttributeEnumType> types;
    for (const auto& a : item.variableAttribute) {
      ASSERT_TRUE(a.type && a.mutability);
      EXPECT_TRUE(types.insert(*a.type).second) << item.variable.name << ": " << to_string(*a.type) << " twice";
    }
    const bool controller = item.component.name.str().size() > 5 &&
                            item.component.name.str().compare(item.component.name.str().size() - 5, 5, "Ctrlr") == 0;
    if (controller) {
      EXPECT_EQ(types, std::set<AttributeEnumType>{AttributeEnumType::Actual}) << item.component.name;
    }
  }
  for (const auto& [evse, most] : {std::pair<int, double>{1, 22080}, {2, 11040}}) {
    const auto* power = find(items, {"EVSE", evse, 0, "Power", ""});
    ASSERT_NE(power, nullptr);
    ASSERT_EQ(power->variableAttribute.size(), 2u);
    const auto& actual = power->variableAttribute[0];
    EXPECT_EQ(actual.mutability, MutabilityEnumType::ReadOnly);
    EXPECT_EQ(actual.value->str(), "0");  // ReportLive: nothing delivered
    const auto& max_set = power->variableAttribute[1];
    EXPECT_EQ(max_set.type, AttributeEnumType::MaxSet);
    EXPECT_EQ(max_set.mutability, MutabilityEnumType::ReadOnly);
    ASSERT_TRUE(max_set.value);
    EXPECT_EQ(std::stod(max_set.value->str()), most);
    EXPECT_EQ(max_set.constant, true);
    EXPECT_EQ(power->variableCharacteristics->maxLimit, most);
  }
}

TEST(V201Reports, NotifyReportsAreCutAtItemsPerMessage) {
  const ReportPile whole;
  const auto messages = full_inventory_with("report_max_items", "7");
  expect_well_formed_parts(messages, whole.model.entries().size());
  for (const auto& m : messages) EXPECT_LE(m.reportData->size(), 7u);
  EXPECT_EQ(messages.size(), (whole.model.entries().size() + 6) / 7);
}

TEST(V201Reports, NotifyReportsAreCutAtBytesPerMessage) {
  const ReportPile whole;
  const auto messages = full_inventory_with("report_max_bytes", "2048");
  expect_well_formed_parts(messages, whole.model.entries().size());
  for (const auto& m : messages) EXPECT_LE(ocpp::serialize(m).size(), 2048u);
  // The same variables in the same order as one unlimited report.
  const auto keys = [](const std::vector<ReportDataType>& items) {
    std::vector<Key> k;
    for (const auto& i : items) k.push_back(key_of(i));
    return k;
  };
  EXPECT_TRUE(keys(items_of(messages)) == keys(items_of(base(whole, ReportBaseEnumType::FullInventory).messages)));
}

TEST(V201Reports, SplittingKeepsAnOversizedEntryAloneAndSendsNothingForNothing) {
  ReportPile p;
  auto items = items_of(base(p, ReportBaseEnumType::FullInventory).messages);
  items.resize(3);
  const std::size_t one = ocpp::serialize(items[1]).size();
  const auto messages = split_report(items, 1, DateTime(p.live.now()), ReportLimits{100, one});  // below a message with it
  ASSERT_EQ(messages.size(), 3u);
  for (const auto& m : messages) EXPECT_EQ(m.reportData->size(), 1u);
  EXPECT_TRUE(split_report({}, 1, DateTime(p.live.now()), ReportLimits{}).empty());
  const auto single = split_report(items, 1, DateTime(p.live.now()), ReportLimits{});
  ASSERT_EQ(single.size(), 1u);
  EXPECT_FALSE(single[0].tbc.value_or(false));
  EXPECT_EQ(single[0].seqNo, 0);
}

ComponentVariableType filter(const std::string& component, std::optional<int> evse = std::nullopt,
                             const std::string& variable = {}, const std::string& instance = {}) {
  ComponentVariableType f;
  f.component.name = component;
  if (evse) f.component.evse = EVSEType{std::nullopt, *evse, std::nullopt};
  if (!variable.empty()) {
    f.variable = VariableType{};
    f.variable->name = variable;
    if (!instance.empty()) f.variable->instance = instance;
  }
  return f;
}

std::vector<ReportDataType> report(const ReportPile& p, std::vector<ComponentVariableType> filters,
                                   std::vector<ComponentCriterionEnumType> criteria = {}) {
  GetReportRequest req;
  req.requestId = 9;
  if (!filters.empty()) req.componentVariable = std::move(filters);
  if (!criteria.empty()) req.componentCriteria = std::move(criteria);
  const auto r = p.model.get_report(req);
  EXPECT_EQ(r.response.status, r.messages.empty() ? GenericDeviceModelStatusEnumType::EmptyResultSet
                                                  : GenericDeviceModelStatusEnumType::Accepted);
  for (const auto& m : r.messages) EXPECT_EQ(m.requestId, 9);
  return items_of(r.messages);
}

std::set<std::string> components_in(const std::vector<ReportDataType>& items) {
  std::set<std::string> names;
  for (const auto& i : items) {
    names.insert(i.component.name.str() + (i.component.evse ? " " + std::to_string(i.component.evse->id) : "") +
                 (i.component.evse && i.component.evse->connectorId ? "/" + std::to_string(*i.component.evse->connectorId) : ""));
  }
  return names;
}

TEST(V201Reports, GetReportSelectsByComponentAndVariable) {
  ReportPile p;
  EXPECT_EQ(components_in(report(p, {filter("ocppcommctrlr")})), std::set<std::string>{"OCPPCommCtrlr"});
  EXPECT_EQ(components_in(report(p, {filter("EVSE")})), (std::set<std::string>{"EVSE 1", "EVSE 2"}));
  EXPECT_EQ(components_in(report(p, {filter("Connector", 2)})), (std::set<std::string>{"Connector 2/1", "Connector 2/2"}));
  EXPECT_EQ(report(p, {filter("DeviceDataCtrlr", std::nullopt, "ItemsPerMessage")}).size(), 3u);
  const auto one = report(p, {filter("DeviceDataCtrlr", std::nullopt, "ItemsPerMessage", "GetVariables")});
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].variableAttribute.at(0).value->str(), p.settings.get("get_variables_max_items"));
  EXPECT_EQ(report(p, {filter("TxCtrlr", std::nullopt, "TxStartPoint"), filter("ClockCtrlr")}).size(), 3u);
  EXPECT_TRUE(report(p, {filter("NoSuchCtrlr")}).empty());
  EXPECT_TRUE(report(p, {filter("EVSE", 7)}).empty());
}

TEST(V201Reports, GetReportSelectsByComponentCriteria) {
  ReportPile p;
  using C = ComponentCriterionEnumType;
  p.live.states[{2, 2}] = ConnectorStatusEnumType::Faulted;
  p.live.states[{1, 0}] = ConnectorStatusEnumType::Unavailable;
  EXPECT_EQ(components_in(report(p, {}, {C::Problem})), std::set<std::string>{"Connector 2/2"});
  const auto available = components_in(report(p, {}, {C::Available}));
  EXPECT_EQ(available.count("EVSE 1"), 0u);
  EXPECT_EQ(available.count("EVSE 2"), 1u);
  EXPECT_EQ(available.count("OCPPCommCtrlr"), 1u);  // no Available variable: available
  ASSERT_EQ(p.settings.set("local_auth_list_enabled", "false"), SetResult::Accepted);
  const auto enabled = components_in(report(p, {}, {C::Enabled}));
  EXPECT_EQ(enabled.count("LocalAuthListCtrlr"), 0u);
  EXPECT_EQ(enabled.count("AuthCacheCtrlr"), 1u);
  EXPECT_TRUE(report(p, {}, {C::Active}).empty());  // no component reports being active
  // Criteria are alternatives; with a filter, both must hold.
  EXPECT_EQ(components_in(report(p, {}, {C::Active, C::Problem})), std::set<std::string>{"Connector 2/2"});
  EXPECT_EQ(components_in(report(p, {filter("Connector")}, {C::Problem})), std::set<std::string>{"Connector 2/2"});
  EXPECT_TRUE(report(p, {filter("EVSE")}, {C::Problem}).empty());
}

TEST(V201Reports, GetReportOverItsLimitsIsACallError) {
  ReportPile p;
  ASSERT_FALSE(p.settings.set_initial("report_max_items", "2"));
  GetReportRequest req;
  req.requestId = 1;
  req.componentVariable = std::vector<ComponentVariableType>{filter("TxCtrlr"), filter("ClockCtrlr"), filter("EVSE")};
  try {
    (void)p.model.get_report(req);
    ADD_FAILURE() << "no CALLERROR";
  } catch (const rpc::CallErrorReply& e) {
    EXPECT_EQ(e.code(), RpcErrorCode::OccurrenceConstraintViolation);
  }
}

}  // namespace
}  // namespace ocpp::cp::v201
