// The lookup index and the request size bound behind GetVariables, SetVariables and GetReport: a
// CSMS finds every variable of a large pile by any spelling, and a request is refused for its size
// exactly when its JSON is larger than BytesPerMessage, never because of the cheaper bound.
#include "ocpp/cp/v201/request_size.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <iterator>
#include <random>
#include <string>

#include "ocpp/cp/store.hpp"
#include "ocpp/cp/v201/device_model.hpp"
#include "ocpp/cp/v201/device_model_settings.hpp"
#include "ocpp/messages/serialize.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {
namespace {

using namespace ocpp::v201;

class QuietLive final : public LiveValues {
 public:
  ConnectorStatusEnumType availability_state(int, int) const override { return ConnectorStatusEnumType::Available; }
  double power_w(int) const override { return 0; }
  SystemTime now() const override { return SystemTime{}; }
  int local_auth_list_entries() const override { return 0; }
  int security_profile() const override { return 0; }
  int certificate_entries() const override { return 0; }
  std::string identity() const override { return "CP"; }
};

// 32 EVSEs of 3 connectors: several hundred entries in the index.
Topology large() {
  Topology t = Topology::uniform(32);
  for (auto& evse : t.evses) {
    evse.connectors.push_back(ConnectorInfo{2, "cCCS2", 3});
    evse.connectors.push_back(ConnectorInfo{3, "cChaoJi", 0});
  }
  return t;
}

struct LargePile {
  LargePile() : store(":memory:"), settings(store.db(), all_setting_specs()), model(settings, large(), live) {}
  Store store;
  Settings settings;
  QuietLive live;
  DeviceModel model;
};

std::string swap_case(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::isupper(static_cast<unsigned char>(c)) ? std::tolower(c) : std::toupper(c));
  return s;
}

TEST(V201Lookup, EveryVariableOfALargePileIsFoundByAnySpelling) {
  LargePile p;
  ASSERT_GT(p.model.entries().size(), 600u);
  for (const auto& e : p.model.entries()) {
    auto c = p.model.component_of(e);
    auto v = p.model.variable_of(e);
    c.name = swap_case(c.name.str());
    v.name = swap_case(v.name.str());
    if (v.instance) v.instance = swap_case(v.instance->str());
    GetVariablesRequest req;
    req.getVariableData.push_back({std::nullopt, std::nullopt, c, v});
    const auto r = p.model.get_variables(req).getVariableResult.at(0);
    const auto expected = e.def->mutability == MutabilityEnumType::WriteOnly ? GetVariableStatusEnumType::Rejected
                                                                              : GetVariableStatusEnumType::Accepted;
    EXPECT_EQ(r.attributeStatus, expected) << e.def->component << "(" << e.evse << "," << e.connector << ")."
                                           << e.def->variable;
    EXPECT_EQ(r.attributeValue.has_value(), expected == GetVariableStatusEnumType::Accepted);
  }
}

TEST(V201Lookup, AddressesBesideTheCatalogueAreUnknown) {
  LargePile p;
  const auto status = [&](const std::string& component, int evse, int connector, const std::string& variable,
                          std::optional<std::string> instance = std::nullopt) {
    ComponentType c;
    c.name = component;
    if (evse > 0) c.evse = EVSEType{std::nullopt, evse, connector > 0 ? std::optional<int>(connector) : std::nullopt};
    VariableType v;
    v.name = variable;
    if (instance) v.instance = *instance;
    GetVariablesRequest req;
    req.getVariableData.push_back({std::nullopt, std::nullopt, c, v});
    return p.model.get_variables(req).getVariableResult.at(0).attributeStatus;
  };
  EXPECT_EQ(status("Connector", 32, 3, "ConnectorType"), GetVariableStatusEnumType::Accepted);
  EXPECT_EQ(status("Connector", 32, 4, "ConnectorType"), GetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(status("Connector", 33, 1, "ConnectorType"), GetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(status("EVSE", 5, 0, "ConnectorType"), GetVariableStatusEnumType::UnknownVariable);
  EXPECT_EQ(status("EVSE", 0, 0, "Power"), GetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(status("OCPPCommCtrlr", 0, 0, "MessageAttempts"), GetVariableStatusEnumType::UnknownVariable);
  EXPECT_EQ(status("OCPPCommCtrlr", 0, 0, "MessageAttempts", "TransactionEvent"), GetVariableStatusEnumType::Accepted);
  EXPECT_EQ(status("OCPPCommCtrlr", 0, 0, "MessageAttempts", "Other"), GetVariableStatusEnumType::UnknownVariable);
  EXPECT_EQ(status("OCPPCommCtrl", 0, 0, "HeartbeatInterval"), GetVariableStatusEnumType::UnknownComponent);
  EXPECT_EQ(status("OCPPCommCtrlr", 1, 0, "HeartbeatInterval"), GetVariableStatusEnumType::UnknownComponent);
}

// Strings with what JSON must escape (quotes, backslashes, control characters) and UTF-8.
std::string awkward(std::mt19937& rng, std::size_t most) {
  static const std::string kPieces[] = {"a", "Z", "\"", "\\", "\n", "\t", std::string(1, '\x01'), "\xc3\xa9", "/", " "};
  std::string s;
  const auto n = rng() % (most + 1);
  for (;;) {
    const auto& piece = kPieces[rng() % std::size(kPieces)];
    if (s.size() + piece.size() > n) return s;  // at most `most` bytes, so at most `most` characters
    s += piece;
  }
}

ComponentType any_component(std::mt19937& rng, bool full) {
  ComponentType c;
  c.name = awkward(rng, 50);
  if (full || rng() % 2) c.instance = awkward(rng, 50);
  if (full || rng() % 2) c.evse = EVSEType{CustomDataType{awkward(rng, 255)}, -2147483647 - 1, -2147483647 - 1};
  if (full) c.customData = CustomDataType{awkward(rng, 255)};
  return c;
}

VariableType any_variable(std::mt19937& rng, bool full) {
  VariableType v;
  v.name = awkward(rng, 50);
  if (full || rng() % 2) v.instance = awkward(rng, 50);
  if (full) v.customData = CustomDataType{awkward(rng, 255)};
  return v;
}

TEST(V201RequestSize, TheBoundIsNeverBelowTheJson) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    const bool full = round % 3 == 0;
    GetVariablesRequest get;
    SetVariablesRequest put;
    GetReportRequest report;
    report.requestId = -2147483647 - 1;
    if (full) get.customData = put.customData = report.customData = CustomDataType{awkward(rng, 255)};
    report.componentVariable.emplace();
    report.componentCriteria = std::vector<ComponentCriterionEnumType>{ComponentCriterionEnumType::Available,
                                                                      ComponentCriterionEnumType::Problem};
    for (int k = 0; k < 6; ++k) {
      const auto type = full ? std::optional<AttributeEnumType>(AttributeEnumType::MaxSet) : std::nullopt;
      const auto custom = full ? std::optional<CustomDataType>(CustomDataType{awkward(rng, 255)}) : std::nullopt;
      get.getVariableData.push_back({custom, type, any_component(rng, full), any_variable(rng, full)});
      put.setVariableData.push_back({custom, type, awkward(rng, 1000), any_component(rng, full), any_variable(rng, full)});
      report.componentVariable->push_back({custom, any_component(rng, full),
                                           full || rng() % 2 ? std::optional<VariableType>(any_variable(rng, full))
                                                             : std::nullopt});
    }
    EXPECT_GE(json_size_bound(get), ocpp::serialize(get).size());
    EXPECT_GE(json_size_bound(put), ocpp::serialize(put).size());
    EXPECT_GE(json_size_bound(report), ocpp::serialize(report).size());
  }
}

TEST(V201RequestSize, TheBoundOfPlainNamesIsCloseToTheJson) {
  GetVariablesRequest req;
  ComponentType evse;
  evse.name = "EVSE";
  evse.evse = EVSEType{std::nullopt, 1, std::nullopt};
  for (int k = 0; k < 20; ++k) {
    VariableType v;
    v.name = "AvailabilityState";
    req.getVariableData.push_back({std::nullopt, AttributeEnumType::Actual, evse, v});
  }
  const auto exact = ocpp::serialize(req).size();
  EXPECT_GE(json_size_bound(req), exact);
  EXPECT_LE(json_size_bound(req), exact + 20 * 16);  // the integers' slack and a comma or two per item
}

// B06.FR.17: the size checked is the request's JSON; a request whose bound is over
// BytesPerMessage but whose JSON fits is answered (newlines count 2 bytes in JSON, 6 in the bound).
TEST(V201RequestSize, ARequestIsRefusedForItsRealSizeOnly) {
  LargePile p;
  ASSERT_FALSE(p.settings.set_initial("get_variables_max_bytes", "1024"));
  const auto request_with = [](std::size_t items) {
    GetVariablesRequest req;
    ComponentType c;
    c.name = "OCPPCommCtrlr";
    VariableType v;
    v.name = "HeartbeatInterval";
    v.instance = std::string(40, '\n');
    req.getVariableData.assign(items, {std::nullopt, std::nullopt, c, v});
    return req;
  };
  std::size_t items = 1;
  while (ocpp::serialize(request_with(items + 1)).size() <= 1024) ++items;
  const auto fits = request_with(items);
  ASSERT_GT(json_size_bound(fits), 1024u);
  const auto answer = p.model.get_variables(fits);
  ASSERT_EQ(answer.getVariableResult.size(), items);
  EXPECT_EQ(answer.getVariableResult[0].attributeStatus, GetVariableStatusEnumType::UnknownVariable);
  try {
    (void)p.model.get_variables(request_with(items + 1));
    ADD_FAILURE() << "no CALLERROR";
  } catch (const rpc::CallErrorReply& e) {
    EXPECT_EQ(e.code(), RpcErrorCode::FormatViolation);
  }
}

}  // namespace
}  // namespace ocpp::cp::v201
