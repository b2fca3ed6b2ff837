#include "ocpp/cp/v201/device_model.hpp"

#include <stdexcept>
#include <string>
#include <utility>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/v201/request_size.hpp"
#include "ocpp/messages/serialize.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

using namespace ocpp::v201;

namespace {

constexpr std::string_view kDeviceModelLog = "v201.device_model";

// Exact addressing of GetVariables/SetVariables: the evse and connector a request names (0: none;
// evse id 0 is the charging station itself).
int evse_of(const ComponentType& c) { return c.evse ? c.evse->id : 0; }
int connector_of(const ComponentType& c) { return c.evse && c.evse->connectorId ? *c.evse->connectorId : 0; }

AttributeEnumType attribute_of(const std::optional<AttributeEnumType>& type) {
  return type.value_or(AttributeEnumType::Actual);  // the schema's default
}

// The entries of the catalogue on `topology`, in report order: the station's components, then each
// EVSE followed by its connectors.
std::vector<CatalogueEntry> place(const std::vector<VariableDef>& defs, const Topology& topology) {
  std::vector<CatalogueEntry> entries;
  for (const auto& d : defs) {
    if (d.scope == Scope::Station) entries.push_back({&d, 0, 0});
  }
  for (const auto& evse : topology.evses) {
    for (const auto& d : defs) {
      if (d.scope == Scope::Evse) entries.push_back({&d, evse.id, 0});
    }
    for (const auto& connector : evse.connectors) {
      for (const auto& d : defs) {
        if (d.scope == Scope::Connector) entries.push_back({&d, evse.id, connector.id});
      }
    }
  }
  return entries;
}

const std::vector<VariableDef>& checked_defs(const Settings& settings) {
  const auto& defs = variable_defs();
  for (const auto& d : defs) {
    if (d.source == Source::Setting && !settings.has(d.setting)) {
      throw std::invalid_argument("device model: " + std::string(d.component) + "." + std::string(d.variable) +
                                  " needs setting " + std::string(d.setting) +
                                  ", which is not registered (register v201::all_setting_specs())");
    }
  }
  return defs;
}

// attributeStatusInfo: additionalInfo holds at most 512 characters; cut at a UTF-8 boundary.
StatusInfoType status_info(std::string_view code, std::string_view text) {
  constexpr std::size_t kMostInfo = 512;
  if (text.size() > kMostInfo) {
    std::size_t cut = kMostInfo;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  StatusInfoType info;
  info.reasonCode = code;
  info.additionalInfo = text;
  return info;
}

}  // namespace

struct DeviceModel::Lookup {
  const CatalogueEntry* entry = nullptr;
  bool component_known = false;
};

DeviceModel::DeviceModel(Settings& settings, Topology topology, const LiveValues& live)
    : settings_(settings),
      topology_(std::move(topology)),
      live_(live),
      entries_(place(checked_defs(settings_), topology_)),
      index_(entries_) {}

DeviceModel::Lookup DeviceModel::find(const ComponentType& component, const VariableType& variable) const {
  Lookup found;
  // No component of this charging station has an instance.
  if (component.instance && !component.instance->empty()) return found;
  const EntryAddress where{component.name.str(), evse_of(component), connector_of(component)};
  const std::string_view instance = variable.instance ? std::string_view(variable.instance->str()) : std::string_view();
  found.entry = index_.find(where, variable.name.str(), instance);
  found.component_known = found.entry != nullptr || index_.has_component(where);
  return found;
}

void DeviceModel::check_limits(std::size_t items, std::size_t bytes_bound,
                               const std::function<std::size_t()>& exact_bytes, const char* max_items,
                               const char* max_bytes, const char* what) const {
  const auto most = settings_.get_int(max_items);
  if (static_cast<std::int64_t>(items) > most) {
    const auto why = std::string(what) + " has " + std::to_string(items) + " entries, ItemsPerMessage[" + what +
                     "] is " + std::to_string(most);
    log::warn(kDeviceModelLog, why);
    throw rpc::CallErrorReply(RpcErrorCode::OccurrenceConstraintViolation, why);
  }
  const auto largest = settings_.get_int(max_bytes);
  if (static_cast<std::int64_t>(bytes_bound) <= largest) return;  // the usual case: nothing written
  const auto bytes = exact_bytes();
  if (static_cast<std::int64_t>(bytes) > largest) {
    const auto why = std::string(what) + " takes " + std::to_string(bytes) + " bytes, BytesPerMessage[" + what +
                     "] is " + std::to_string(largest);
    log::warn(kDeviceModelLog, why);
    throw rpc::CallErrorReply(RpcErrorCode::FormatViolation, why);
  }
}

GetVariablesResponse DeviceModel::get_variables(const GetVariablesRequest& request) const {
  // B06.FR.16 (items) and B06.FR.17 (bytes): a CALLERROR, not a partial answer.
  check_limits(request.getVariableData.size(), json_size_bound(request),
               [&request] { return ocpp::serialize(request).size(); }, "get_variables_max_items",
               "get_variables_max_bytes", "GetVariables");
  GetVariablesResponse response;
  response.getVariableResult.reserve(request.getVariableData.size());
  for (const auto& item : request.getVariableData) response.getVariableResult.push_back(get_one(item));
  return response;
}

GetVariableResultType DeviceModel::get_one(const GetVariableDataType& item) const {
  GetVariableResultType result;
  result.component = item.component;
  result.variable = item.variable;
  result.attributeType = item.attributeType;
  const auto found = find(item.component, item.variable);
  if (!found.component_known) {
    result.attributeStatus = GetVariableStatusEnumType::UnknownComponent;
  } else if (found.entry == nullptr) {
    result.attributeStatus = GetVariableStatusEnumType::UnknownVariable;
  } else if (!attribute_mutability(*found.entry->def, attribute_of(item.attributeType))) {
    // B06.FR.08: an attribute this variable does not have (a controller's Target, for one).
    result.attributeStatus = GetVariableStatusEnumType::NotSupportedAttributeType;
  } else if (auto value = value_of(*found.entry, attribute_of(item.attributeType))) {
    result.attributeStatus = GetVariableStatusEnumType::Accepted;
    result.attributeValue = std::move(*value);
  } else {
    // B06: a WriteOnly value is never returned.
    result.attributeStatus = GetVariableStatusEnumType::Rejected;
    result.attributeStatusInfo = status_info("WriteOnly", "write-only: its value is never reported");
  }
  return result;
}

SetVariablesResponse DeviceModel::set_variables(const SetVariablesRequest& request, const SetPolicy& policy) {
  check_limits(request.setVariableData.size(), json_size_bound(request),
               [&request] { return ocpp::serialize(request).size(); }, "set_variables_max_items",
               "set_variables_max_bytes", "SetVariables");
  SetVariablesResponse response;
  response.setVariableResult.reserve(request.setVariableData.size());
  for (const auto& item : request.setVariableData) response.setVariableResult.push_back(set_one(item, policy));
  return response;
}

SetVariableResultType DeviceModel::set_one(const SetVariableDataType& item, const SetPolicy& policy) {
  SetVariableResultType result;
  result.component = item.component;
  result.variable = item.variable;
  result.attributeType = item.attributeType;
  // Settings::set logs its own refusals; the device model logs the ones it makes.
  const auto reject = [&](std::string_view code, const std::string& why, bool logged = false) {
    result.attributeStatus = SetVariableStatusEnumType::Rejected;
    result.attributeStatusInfo = status_info(code, why);
    if (!logged) log::warn(kDeviceModelLog, "SetVariables " + item.component.name.str() + "." + item.variable.name.str() + ": " + why);
    return result;
  };
  const auto found = find(item.component, item.variable);
  if (!found.component_known) {
    result.attributeStatus = SetVariableStatusEnumType::UnknownComponent;
    return result;
  }
  if (found.entry == nullptr) {
    result.attributeStatus = SetVariableStatusEnumType::UnknownVariable;
    return result;
  }
  const auto& d = *found.entry->def;
  const auto mutability = attribute_mutability(d, attribute_of(item.attributeType));
  if (!mutability) {  // B05.FR.06: an attribute this variable does not have
    result.attributeStatus = SetVariableStatusEnumType::NotSupportedAttributeType;
    return result;
  }
  // B05: a ReadOnly attribute is answered Rejected. Only Actual attributes are writable here
  // (AttributeDef), so what follows writes the Actual value's setting.
  if (*mutability == MutabilityEnumType::ReadOnly) return reject("ReadOnly", "read-only");
  if (d.tls_only && !policy.secrets_allowed) {
    return reject("InsecureConnection", "the offline-code key is set only over security profile 2 or 3 (TLS)");
  }
  const auto& value = item.attributeValue.str();
  if (auto empty = refuse_empty(d, *settings_.spec(d.setting), value)) return reject("InvalidValue", *empty);
  std::string why;
  switch (settings_.set(d.setting, value, &why)) {
    case SetResult::Accepted: result.attributeStatus = SetVariableStatusEnumType::Accepted; break;
    case SetResult::RebootRequired: result.attributeStatus = SetVariableStatusEnumType::RebootRequired; break;
    case SetResult::Rejected: return reject("InvalidValue", why, true);
    case SetResult::NotSupported: result.attributeStatus = SetVariableStatusEnumType::UnknownVariable; break;
  }
  return result;
}

}  // namespace ocpp::cp::v201
