#pragma once
// OCPP 2.0.1 functional block B, the device model: SetVariables (B05), GetVariables (B06),
// GetBaseReport (B07) and GetReport (B08), answered from the variable catalogue
// (variable_catalogue.hpp) placed on the pile's topology. Values live in the core's Settings
// (the same store the 1.6 configuration keys read), in the topology, or are asked of LiveValues
// when read. Each handler returns what the adapter's RPC handler returns, or throws
// rpc::CallErrorReply for a request over DeviceDataCtrlr's limits.
//
// Addressing. Component and variable names compare case-insensitively (CiString). In GetVariables
// and SetVariables a request names one variable exactly: no evse for a controller or
// ChargingStation, evse.id for an EVSE, evse.id and evse.connectorId for a connector, and the
// variable's instance when it has one (OCPPCommCtrlr.MessageAttempts[TransactionEvent]). In a
// GetReport filter an omitted evse, connectorId, instance or variable matches all.
//
// Attributes. Every variable has Actual; a physical quantity may have Target, MinSet or MaxSet
// too (VariableDef::more_attributes), each with its own mutability. A request for an attribute a
// variable lacks is answered NotSupportedAttributeType; reports list every attribute a variable
// has. WriteOnly values are never returned or reported.
// All calls are made from the event loop thread (DESIGN.md principle 2).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/topology.hpp"
#include "ocpp/cp/v201/catalogue_index.hpp"
#include "ocpp/cp/v201/live_values.hpp"
#include "ocpp/cp/v201/variable_catalogue.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

struct SetPolicy {
  // DESIGN.md: the offline-code key (OfflineCodeCtrlr.Key) is set only over security profile 2 or
  // 3 unless the lab allowed plaintext
  // (offline_code.allow_plaintext_key_provisioning). The adapter sets this from the connection.
  bool secrets_allowed = true;
};

// The answer to a report request and the NotifyReport messages that follow it (B07, B08.FR.03):
// the handler returns `response`, then sends `messages` in order. The values are those of the
// moment the request was answered.
template <class Response>
struct Report {
  Response response;
  std::vector<ocpp::v201::NotifyReportRequest> messages;
};

class DeviceModel {
 public:
  // Throws std::invalid_argument when a setting of the catalogue is not registered in `settings`
  // (register all_setting_specs()). `live` must outlive the model.
  DeviceModel(Settings& settings, Topology topology, const LiveValues& live);
  // The index refers to the entries: neither copied nor moved.
  DeviceModel(const DeviceModel&) = delete;
  DeviceModel& operator=(const DeviceModel&) = delete;

  // B06. Throws rpc::CallErrorReply OccurrenceConstraintViolation for more entries than
  // ItemsPerMessage[GetVariables], FormatViolation for more bytes than BytesPerMessage[GetVariables].
  ocpp::v201::GetVariablesResponse get_variables(const ocpp::v201::GetVariablesRequest& request) const;
  // B05. Each entry is applied on its own, in order; the limits are SetVariables'.
  ocpp::v201::SetVariablesResponse set_variables(const ocpp::v201::SetVariablesRequest& request,
                                                 const SetPolicy& policy);
  // B07: ConfigurationInventory (what the CSMS can write), FullInventory (everything),
  // SummaryInventory (availability and problems of the station, each EVSE and each connector).
  Report<ocpp::v201::GetBaseReportResponse> get_base_report(const ocpp::v201::GetBaseReportRequest& request) const;
  // B08: the variables that match componentVariable and componentCriteria, or EmptyResultSet.
  // The request's limits are ItemsPerMessage[GetReport] and BytesPerMessage[GetReport].
  Report<ocpp::v201::GetReportResponse> get_report(const ocpp::v201::GetReportRequest& request) const;

  // The catalogue on this topology, in report order.
  const std::vector<CatalogueEntry>& entries() const { return entries_; }
  // What an entry reports: the value of its Actual or another attribute (nullopt when WriteOnly or
  // when the variable has no such attribute), component, variable, characteristics and the whole
  // ReportDataType (every attribute).
  std::optional<std::string> value_of(const CatalogueEntry& e,
                                      ocpp::v201::AttributeEnumType type = ocpp::v201::AttributeEnumType::Actual) const;
  ocpp::v201::ComponentType component_of(const CatalogueEntry& e) const;
  ocpp::v201::VariableType variable_of(const CatalogueEntry& e) const;
  ocpp::v201::VariableCharacteristicsType characteristics(const CatalogueEntry& e) const;
  ocpp::v201::ReportDataType report_data(const CatalogueEntry& e) const;

 private:
  struct Lookup;
  Lookup find(const ocpp::v201::ComponentType& component, const ocpp::v201::VariableType& variable) const;
  std::optional<std::string> attribute_value(const CatalogueEntry& e, const AttributeDef& a) const;
  ocpp::v201::GetVariableResultType get_one(const ocpp::v201::GetVariableDataType& item) const;
  ocpp::v201::SetVariableResultType set_one(const ocpp::v201::SetVariableDataType& item, const SetPolicy& policy);
  std::optional<std::string> computed_value(const CatalogueEntry& e) const;
  std::vector<ocpp::v201::NotifyReportRequest> notify_messages(std::vector<ocpp::v201::ReportDataType> items,
                                                               std::int32_t request_id) const;
  bool criteria_match(const CatalogueEntry& e, const std::vector<ocpp::v201::ComponentCriterionEnumType>& c) const;
  // Throws rpc::CallErrorReply when a request's entries or bytes exceed the two settings named.
  // `bytes_bound` is at least the size of the request's JSON (request_size.hpp); `exact_bytes`
  // serializes the request, and is called only when the bound is over the limit.
  void check_limits(std::size_t items, std::size_t bytes_bound, const std::function<std::size_t()>& exact_bytes,
                    const char* max_items, const char* max_bytes, const char* what) const;

  Settings& settings_;
  Topology topology_;
  const LiveValues& live_;
  std::vector<CatalogueEntry> entries_;
  CatalogueIndex index_;  // over entries_
};

}  // namespace ocpp::cp::v201
