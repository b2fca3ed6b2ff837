// What one catalogue entry says: its value, its address, its characteristics, its report entry.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "ocpp/common/datetime.hpp"
#include "ocpp/cp/v201/device_model.hpp"

namespace ocpp::cp::v201 {

using namespace ocpp::v201;

namespace {

std::string bool_text(bool b) { return b ? "true" : "false"; }

// 2.0.1 decimal: shortest text that reads back as the same number ("7400", "11.5").
std::string decimal_text(double x) {
  if (!std::isfinite(x)) return "0";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ',';
    out += item;
  }
  return out;
}

const ConnectorInfo* connector_info(const Topology& t, int evse, int connector) {
  const auto* e = t.evse(evse);
  if (e == nullptr) return nullptr;
  const auto it = std::find_if(e->connectors.begin(), e->connectors.end(),
                               [&](const ConnectorInfo& c) { return c.id == connector; });
  return it == e->connectors.end() ? nullptr : &*it;
}

// The station has as many phases as its widest EVSE.
int supply_phases(const Topology& t, const CatalogueEntry& e) {
  if (e.connector > 0) {
    const auto* c = connector_info(t, e.evse, e.connector);
    return c == nullptr ? 0 : c->phases;
  }
  if (e.evse > 0) {
    const auto* evse = t.evse(e.evse);
    return evse == nullptr ? 0 : evse->phases;
  }
  int most = 0;
  for (const auto& evse : t.evses) most = std::max(most, evse.phases);
  return most;
}

// Limits a setting carries: an integer's range, a string's longest length (Part 2: for string
// types maxLimit is the maximum length), a list's members.
void add_setting_limits(VariableCharacteristicsType& c, const VariableDef& d, const SettingSpec& spec) {
  switch (spec.type) {
    case SettingType::Integer:
      c.minLimit = static_cast<double>(spec.min);
      c.maxLimit = static_cast<double>(spec.max);
      break;
    case SettingType::String: c.maxLimit = static_cast<double>(spec.max_length); break;
    case SettingType::List:
      if (is_list_type(d.type)) c.valuesList = joined(supported_members(spec));
      break;
    case SettingType::Bool: break;
  }
}

// Whether a value of that source cannot change while the pile runs (it comes from the topology or
// this implementation).
bool constant_source(Source s) {
  return s == Source::Constant || s == Source::SupplyPhases || s == Source::ConnectorType || s == Source::MaxPower;
}

}  // namespace

std::optional<std::string> DeviceModel::value_of(const CatalogueEntry& e, AttributeEnumType type) const {
  const auto& d = *e.def;
  if (type != AttributeEnumType::Actual) {
    for (const auto& a : d.more_attributes) {
      if (a.type == type) return attribute_value(e, a);
    }
    return std::nullopt;
  }
  if (!readable(d)) return std::nullopt;
  if (d.source != Source::Setting) return computed_value(e);
  // A secret is never shown, whatever its mutability says.
  if (settings_.spec(d.setting)->secret) return std::nullopt;
  return settings_.get(d.setting);
}

std::optional<std::string> DeviceModel::attribute_value(const CatalogueEntry& e, const AttributeDef& a) const {
  if (a.mutability == MutabilityEnumType::WriteOnly) return std::nullopt;
  if (a.source == Source::MaxPower) {
    const auto* evse = topology_.evse(e.evse);
    return decimal_text(evse == nullptr ? 0 : evse->max_power_w);
  }
  return std::nullopt;  // AttributeDef: no other source backs an attribute besides Actual yet
}

std::optional<std::string> DeviceModel::computed_value(const CatalogueEntry& e) const {
  const auto& d = *e.def;
  switch (d.source) {
    case Source::Setting: return settings_.get(d.setting);
    case Source::Constant: return std::string(d.value);
    case Source::SupplyPhases: return std::to_string(supply_phases(topology_, e));
    case Source::ConnectorType: {
      const auto* c = connector_info(topology_, e.evse, e.connector);
      return c == nullptr ? std::string() : c->type;
    }
    case Source::AvailabilityState:
      return std::string(to_string(live_.availability_state(e.evse, e.connector)));
    case Source::Available:
      return bool_text(live_.availability_state(e.evse, e.connector) != ConnectorStatusEnumType::Unavailable);
    case Source::Problem:
      return bool_text(live_.availability_state(e.evse, e.connector) == ConnectorStatusEnumType::Faulted);
    case Source::Power: return decimal_text(live_.power_w(e.evse));
    case Source::DateTime: return format_rfc3339(live_.now());
    case Source::LocalAuthListEntries: return std::to_string(live_.local_auth_list_entries());
    case Source::ChargingProfileEntries: return std::to_string(live_.charging_profile_entries());
    case Source::SecurityProfile: return std::to_string(live_.security_profile());
    case Source::CertificateEntries: return std::to_string(live_.certificate_entries());
    case Source::Identity: return live_.identity();
    case Source::MaxPower: break;  // an attribute's source (attribute_value), never an Actual value's
  }
  return std::nullopt;
}

ComponentType DeviceModel::component_of(const CatalogueEntry& e) const {
  ComponentType c;
  c.name = e.def->component;
  if (e.evse > 0) {
    EVSEType evse;
    evse.id = e.evse;
    if (e.connector > 0) evse.connectorId = e.connector;
    c.evse = evse;
  }
  return c;
}

VariableType DeviceModel::variable_of(const CatalogueEntry& e) const {
  VariableType v;
  v.name = e.def->variable;
  if (!e.def->instance.empty()) v.instance = e.def->instance;
  return v;
}

VariableCharacteristicsType DeviceModel::characteristics(const CatalogueEntry& e) const {
  const auto& d = *e.def;
  VariableCharacteristicsType c;
  c.dataType = d.type;
  if (!d.unit.empty()) c.unit = d.unit;
  c.supportsMonitoring = false;  // monitoring (N02-N08) is not implemented
  if (d.source == Source::Setting) add_setting_limits(c, d, *settings_.spec(d.setting));
  if (!d.values.empty()) c.valuesList = d.values;
  switch (d.source) {
    case Source::Power:  // required: what the EVSE can deliver at most
      if (const auto* evse = topology_.evse(e.evse)) c.maxLimit = evse->max_power_w;
      break;
    case Source::LocalAuthListEntries:
      c.maxLimit = static_cast<double>(settings_.get_int("local_auth_list_max_entries"));
      break;
    case Source::ChargingProfileEntries:
      c.maxLimit = static_cast<double>(settings_.get_int("smart_charging_max_profiles"));
      break;
    case Source::SecurityProfile:
      c.minLimit = 0;
      c.maxLimit = 3;
      break;
    default: break;
  }
  return c;
}

ReportDataType DeviceModel::report_data(const CatalogueEntry& e) const {
  const auto& d = *e.def;
  VariableAttributeType actual;
  actual.type = AttributeEnumType::Actual;
  actual.mutability = d.mutability;
  // B07, B08.FR.03: the value of a WriteOnly variable is left out.
  if (auto value = value_of(e)) actual.value = std::move(*value);
  if (d.source == Source::Setting) actual.persistent = true;  // kept across reboots (table `settings`)
  if (constant_source(d.source)) actual.constant = true;
  ReportDataType r;
  r.component = component_of(e);
  r.variable = variable_of(e);
  r.variableAttribute.push_back(std::move(actual));
  // B07/B08: every attribute the variable has.
  for (const auto& a : d.more_attributes) {
    VariableAttributeType more;
    more.type = a.type;
    more.mutability = a.mutability;
    if (auto value = attribute_value(e, a)) more.value = std::move(*value);
    if (constant_source(a.source)) more.constant = true;
    r.variableAttribute.push_back(std::move(more));
  }
  r.variableCharacteristics = characteristics(e);
  return r;
}

}  // namespace ocpp::cp::v201
