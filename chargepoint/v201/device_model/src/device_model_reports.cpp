// B07 GetBaseReport and B08 GetReport: which entries a report holds, then split_report().
#include <string>
#include <utility>

#include "ocpp/cp/v201/device_model.hpp"
#include "ocpp/cp/v201/report_split.hpp"
#include "ocpp/cp/v201/request_size.hpp"
#include "ocpp/messages/serialize.hpp"

namespace ocpp::cp::v201 {

using namespace ocpp::v201;

namespace {

// Whether `d` belongs to the base report, or nullopt when the base is not supported.
std::optional<bool> in_base_report(ReportBaseEnumType base, const VariableDef& d) {
  switch (base) {
    case ReportBaseEnumType::ConfigurationInventory: return writable(d);
    case ReportBaseEnumType::FullInventory: return true;
    case ReportBaseEnumType::SummaryInventory:
      // The state of the station, each EVSE and each connector: availability and problems (not
      // whether a controller's feature is there, such as ReservationCtrlr.Available).
      return (d.component == "ChargingStation" || d.component == "EVSE" || d.component == "Connector") &&
             (d.variable == "AvailabilityState" || d.variable == "Available" || d.variable == "Problem");
  }
  return std::nullopt;
}

// A GetReport filter: an omitted evse, connectorId, instance or variable matches all.
bool filter_matches(const CatalogueEntry& e, const ComponentVariableType& filter) {
  const auto& c = filter.component;
  if (!iequals(e.def->component, c.name.str())) return false;
  if (c.instance && !c.instance->empty()) return false;  // no component here has an instance
  if (c.evse) {
    if (c.evse->id != e.evse) return false;
    if (c.evse->connectorId && *c.evse->connectorId != e.connector) return false;
  }
  if (!filter.variable) return true;
  if (!iequals(e.def->variable, filter.variable->name.str())) return false;
  return !filter.variable->instance || iequals(e.def->instance, filter.variable->instance->str());
}

bool filters_match(const CatalogueEntry& e, const std::optional<std::vector<ComponentVariableType>>& filters) {
  if (!filters || filters->empty()) return true;
  for (const auto& f : *filters) {
    if (filter_matches(e, f)) return true;
  }
  return false;
}

}  // namespace

Report<GetBaseReportResponse> DeviceModel::get_base_report(const GetBaseReportRequest& request) const {
  Report<GetBaseReportResponse> report;
  std::vector<ReportDataType> items;
  for (const auto& e : entries_) {
    const auto included = in_base_report(request.reportBase, *e.def);
    if (!included) {
      report.response.status = GenericDeviceModelStatusEnumType::NotSupported;  // a base this station lacks
      return report;
    }
    if (*included) items.push_back(report_data(e));
  }
  if (items.empty()) {
    report.response.status = GenericDeviceModelStatusEnumType::EmptyResultSet;
    return report;
  }
  report.response.status = GenericDeviceModelStatusEnumType::Accepted;
  report.messages = notify_messages(std::move(items), request.requestId);
  return report;
}

Report<GetReportResponse> DeviceModel::get_report(const GetReportRequest& request) const {
  // ItemsPerMessage[GetReport] and BytesPerMessage[GetReport] bound what one GetReport may ask.
  check_limits(request.componentVariable ? request.componentVariable->size() : 0, json_size_bound(request),
               [&request] { return ocpp::serialize(request).size(); }, "report_max_items", "report_max_bytes",
               "GetReport");
  const auto criteria = request.componentCriteria.value_or(std::vector<ComponentCriterionEnumType>{});
  std::vector<ReportDataType> items;
  for (const auto& e : entries_) {
    if (filters_match(e, request.componentVariable) && criteria_match(e, criteria)) items.push_back(report_data(e));
  }
  Report<GetReportResponse> report;
  if (items.empty()) {
    report.response.status = GenericDeviceModelStatusEnumType::EmptyResultSet;
    return report;
  }
  report.response.status = GenericDeviceModelStatusEnumType::Accepted;
  report.messages = notify_messages(std::move(items), request.requestId);
  return report;
}

// B08: a component meets a criterion when its variable of that name (Active, Available, Enabled,
// Problem) is true; the criteria are alternatives. A component without Available or Enabled is
// available and enabled (Part 1 §4.2: read-only true values need not exist); one without Active
// or Problem is neither active nor in trouble.
bool DeviceModel::criteria_match(const CatalogueEntry& e, const std::vector<ComponentCriterionEnumType>& criteria) const {
  if (criteria.empty()) return true;
  for (const auto criterion : criteria) {
    const auto name = to_string(criterion);
    const auto* state = index_.find({e.def->component, e.evse, e.connector}, name, {});
    if (state == nullptr) {
      if (criterion == ComponentCriterionEnumType::Available || criterion == ComponentCriterionEnumType::Enabled) {
        return true;
      }
      continue;
    }
    if (value_of(*state) == std::optional<std::string>("true")) return true;
  }
  return false;
}

std::vector<NotifyReportRequest> DeviceModel::notify_messages(std::vector<ReportDataType> items,
                                                              std::int32_t request_id) const {
  ReportLimits limits;
  limits.max_items = static_cast<std::size_t>(settings_.get_int("report_max_items"));
  limits.max_bytes = static_cast<std::size_t>(settings_.get_int("report_max_bytes"));
  return split_report(std::move(items), request_id, DateTime(live_.now()), limits);
}

}  // namespace ocpp::cp::v201
