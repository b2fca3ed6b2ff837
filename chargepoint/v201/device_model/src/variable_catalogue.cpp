#include "ocpp/cp/v201/variable_catalogue.hpp"

#include <utility>

namespace ocpp::cp::v201 {
namespace {

using M = ocpp::v201::MutabilityEnumType;
using T = ocpp::v201::DataEnumType;

// ConnectorStatusEnumType: what AvailabilityState can be.
constexpr std::string_view kAvailabilityStates = "Available,Occupied,Reserved,Unavailable,Faulted";

VariableDef mapped(M mutability, std::string_view component, std::string_view variable, T type,
                   std::string_view setting, std::string_view unit = {}, std::string_view instance = {}) {
  VariableDef d;
  d.component = component;
  d.variable = variable;
  d.instance = instance;
  d.mutability = mutability;
  d.type = type;
  d.unit = unit;
  d.source = Source::Setting;
  d.setting = setting;
  return d;
}

VariableDef computed(Scope scope, std::string_view component, std::string_view variable, T type, Source source,
                     std::string_view unit = {}, std::string_view values = {}) {
  VariableDef d;
  d.component = component;
  d.variable = variable;
  d.type = type;
  d.unit = unit;
  d.source = source;
  d.values = values;
  d.scope = scope;
  return d;
}

VariableDef constant(std::string_view component, std::string_view variable, T type, std::string_view value,
                     std::string_view values) {
  VariableDef d = computed(Scope::Station, component, variable, type, Source::Constant, {}, values);
  d.value = value;
  return d;
}

VariableDef non_empty(VariableDef d) {
  d.not_empty = true;
  return d;
}

// DESIGN.md: the offline-code key is provisioned only over an encrypted link (security profile 2
// or 3) unless the lab allowed plaintext (SetPolicy). A01's BasicAuthPassword is not held back:
// 2.0.1 changes it over profile 1 or 2, whose connections carry it anyway.
VariableDef tls_only(VariableDef d) {
  d.tls_only = true;
  return d;
}

VariableDef not_in_config(VariableDef d, std::string_view why) {
  d.not_in_config = why;
  return d;
}

void add_metering_and_auth(std::vector<VariableDef>& v) {
  v.push_back(mapped(M::ReadWrite, "AlignedDataCtrlr", "Interval", T::integer, "clock_aligned_data_interval_s", "s"));
  v.push_back(mapped(M::ReadWrite, "AlignedDataCtrlr", "Measurands", T::MemberList, "meter_values_aligned_data"));
  v.push_back(
      mapped(M::ReadWrite, "AlignedDataCtrlr", "TxEndedInterval", T::integer, "aligned_data_tx_ended_interval_s", "s"));
  v.push_back(mapped(M::ReadWrite, "AlignedDataCtrlr", "TxEndedMeasurands", T::MemberList, "stop_txn_aligned_data"));
  v.push_back(mapped(M::ReadWrite, "AuthCacheCtrlr", "Enabled", T::boolean, "authorization_cache_enabled"));
  // C10: when full, the cache drops the least recently used id (core AuthCache).
  v.push_back(constant("AuthCacheCtrlr", "Policy", T::OptionList, "LRU", "LRU"));
  v.push_back(mapped(M::ReadWrite, "AuthCtrlr", "AuthorizeRemoteStart", T::boolean, "authorize_remote_start"));
  v.push_back(mapped(M::ReadWrite, "AuthCtrlr", "LocalAuthorizeOffline", T::boolean, "local_authorize_offline"));
  v.push_back(mapped(M::ReadWrite, "AuthCtrlr", "LocalPreAuthorize", T::boolean, "local_pre_authorize"));
  v.push_back(mapped(M::ReadWrite, "AuthCtrlr", "OfflineTxForUnknownIdEnabled", T::boolean,
                     "allow_offline_tx_for_unknown_id"));
  // C16: an id whose group id is this one stops every transaction and starts none.
  v.push_back(mapped(M::ReadWrite, "AuthCtrlr", "MasterPassGroupId", T::string, "master_pass_group_id"));
}

void add_clock_and_device_data(std::vector<VariableDef>& v) {
  v.push_back(computed(Scope::Station, "ClockCtrlr", "DateTime", T::dateTime, Source::DateTime));
  v.push_back(non_empty(mapped(M::ReadWrite, "ClockCtrlr", "TimeSource", T::SequenceList, "time_source")));
  // B06.FR.16/17, B05, B07, B08: the limits the CSMS must keep to in one request.
  const auto limit = [&](std::string_view variable, std::string_view instance, std::string_view setting) {
    v.push_back(mapped(M::ReadOnly, "DeviceDataCtrlr", variable, T::integer, setting, {}, instance));
  };
  limit("BytesPerMessage", "GetReport", "report_max_bytes");
  limit("BytesPerMessage", "GetVariables", "get_variables_max_bytes");
  limit("BytesPerMessage", "SetVariables", "set_variables_max_bytes");
  limit("ItemsPerMessage", "GetReport", "report_max_items");
  limit("ItemsPerMessage", "GetVariables", "get_variables_max_items");
  limit("ItemsPerMessage", "SetVariables", "set_variables_max_items");
  v.push_back(mapped(M::ReadOnly, "LocalAuthListCtrlr", "BytesPerMessage", T::integer, "send_local_list_max_bytes"));
  v.push_back(mapped(M::ReadWrite, "LocalAuthListCtrlr", "Enabled", T::boolean, "local_auth_list_enabled"));
  v.push_back(computed(Scope::Station, "LocalAuthListCtrlr", "Entries", T::integer, Source::LocalAuthListEntries));
  v.push_back(mapped(M::ReadOnly, "LocalAuthListCtrlr", "ItemsPerMessage", T::integer, "send_local_list_max_entries"));
}

void add_communication(std::vector<VariableDef>& v) {
  const auto rw = [&](std::string_view variable, T type, std::string_view setting, std::string_view unit = {},
                      std::string_view instance = {}) {
    v.push_back(mapped(M::ReadWrite, "OCPPCommCtrlr", variable, type, setting, unit, instance));
  };
  // What this pile's file transfers (firmware, logs) are built for: add a protocol here with its client.
  v.push_back(constant("OCPPCommCtrlr", "FileTransferProtocols", T::MemberList, "HTTP,HTTPS", "HTTP,HTTPS"));
  rw("HeartbeatInterval", T::integer, "heartbeat_interval_s", "s");
  rw("MessageAttemptInterval", T::integer, "transaction_message_retry_interval_s", "s", "TransactionEvent");
  rw("MessageAttempts", T::integer, "transaction_message_attempts", {}, "TransactionEvent");
  v.push_back(mapped(M::ReadOnly, "OCPPCommCtrlr", "MessageTimeout", T::integer, "message_timeout_s", "s", "Default"));
  // The OCA appendix types it as a string (a comma-separated list of configuration slots).
  v.push_back(non_empty(
      mapped(M::ReadWrite, "OCPPCommCtrlr", "NetworkConfigurationPriority", T::string, "network_configuration_priority")));
  rw("NetworkProfileConnectionAttempts", T::integer, "network_profile_connection_attempts");
  // B09/B10: the slot of the last successful connection (required: OCA errata 2025-01 of Part 2).
  v.push_back(
      not_in_config(mapped(M::ReadOnly, "OCPPCommCtrlr", "ActiveNetworkProfile", T::integer, "active_network_profile"),
                    "read-only, the charging station records the profile it connected with"));
  rw("OfflineThreshold", T::integer, "offline_threshold_s", "s");
  rw("ResetRetries", T::integer, "reset_retries");
  // B10: the reconnection back-off (read at start: the settings answer RebootRequired).
  rw("RetryBackOffRandomRange", T::integer, "retry_backoff_random_range_s", "s");
  rw("RetryBackOffRepeatTimes", T::integer, "retry_backoff_repeat_times");
  rw("RetryBackOffWaitMinimum", T::integer, "retry_backoff_wait_minimum_s", "s");
  rw("UnlockOnEVSideDisconnect", T::boolean, "unlock_connector_on_ev_side_disconnect");
  rw("WebSocketPingInterval", T::integer, "websocket_ping_interval_s", "s");
}

void add_sampling_security_transactions(std::vector<VariableDef>& v) {
  v.push_back(
      mapped(M::ReadWrite, "SampledDataCtrlr", "TxEndedInterval", T::integer, "sampled_data_tx_ended_interval_s", "s"));
  v.push_back(mapped(M::ReadWrite, "SampledDataCtrlr", "TxEndedMeasurands", T::MemberList, "stop_txn_sampled_data"));
  v.push_back(mapped(M::ReadWrite, "SampledDataCtrlr", "TxStartedMeasurands", T::MemberList,
                     "tx_started_measurands"));
  v.push_back(
      mapped(M::ReadWrite, "SampledDataCtrlr", "TxUpdatedInterval", T::integer, "meter_value_sample_interval_s", "s"));
  v.push_back(
      mapped(M::ReadWrite, "SampledDataCtrlr", "TxUpdatedMeasurands", T::MemberList, "meter_values_sampled_data"));
  // A01: the file's top-level basic_auth_password is the initial value; one place in the file.
  v.push_back(not_in_config(
      non_empty(mapped(M::WriteOnly, "SecurityCtrlr", "BasicAuthPassword", T::string, "basic_auth_password")),
      "give it as the top-level basic_auth_password"));
  v.push_back(computed(Scope::Station, "SecurityCtrlr", "CertificateEntries", T::integer, Source::CertificateEntries));
  v.push_back(computed(Scope::Station, "SecurityCtrlr", "Identity", T::string, Source::Identity));
  v.push_back(mapped(M::ReadWrite, "SecurityCtrlr", "OrganizationName", T::string, "organization_name"));
  v.push_back(mapped(M::ReadWrite, "SecurityCtrlr", "CertSigningWaitMinimum", T::integer, "cert_signing_wait_minimum_s"));
  v.push_back(mapped(M::ReadWrite, "SecurityCtrlr", "CertSigningRepeatTimes", T::integer, "cert_signing_repeat_times"));
  v.push_back(computed(Scope::Station, "SecurityCtrlr", "SecurityProfile", T::integer, Source::SecurityProfile));
  v.push_back(mapped(M::ReadWrite, "TxCtrlr", "EVConnectionTimeOut", T::integer, "connection_timeout_s", "s"));
  v.push_back(
      mapped(M::ReadWrite, "TxCtrlr", "MaxEnergyOnInvalidId", T::integer, "max_energy_on_invalid_id_wh", "Wh"));
  // The core does both (stop, or suspend until the cable returns): writable, as in 1.6.
  v.push_back(mapped(M::ReadWrite, "TxCtrlr", "StopTxOnEVSideDisconnect", T::boolean,
                     "stop_transaction_on_ev_side_disconnect"));
  v.push_back(mapped(M::ReadWrite, "TxCtrlr", "StopTxOnInvalidId", T::boolean, "stop_transaction_on_invalid_id"));
  v.push_back(non_empty(mapped(M::ReadWrite, "TxCtrlr", "TxStartPoint", T::MemberList, "tx_start_point")));
  v.push_back(non_empty(mapped(M::ReadWrite, "TxCtrlr", "TxStopPoint", T::MemberList, "tx_stop_point")));
}

// ChargingStation, EVSE and Connector (Part 1 §7): availability for each, what the topology says.
void add_topology(std::vector<VariableDef>& v) {
  const auto add = [&](Scope scope, std::string_view component) {
    v.push_back(computed(scope, component, "AvailabilityState", T::OptionList, Source::AvailabilityState, {},
                         kAvailabilityStates));
    v.push_back(computed(scope, component, "Available", T::boolean, Source::Available));
    if (scope == Scope::Connector) {
      v.push_back(computed(scope, component, "ConnectorType", T::string, Source::ConnectorType));
    }
    if (scope == Scope::Evse) {
      // OCA appendix: maxLimit is the most the EVSE can deliver. MaxSet is the most it is set to
      // deliver (Part 2 appendix, Storage: "maxLimit specifies absolute limit, MaxSet restricts
      // usage"); the core offers every EVSE its whole capacity, so the two are the topology's.
      auto power = computed(scope, component, "Power", T::decimal, Source::Power, "W");
      power.more_attributes.push_back({ocpp::v201::AttributeEnumType::MaxSet, M::ReadOnly, Source::MaxPower});
      v.push_back(std::move(power));
    }
    v.push_back(computed(scope, component, "Problem", T::boolean, Source::Problem));
    v.push_back(computed(scope, component, "SupplyPhases", T::integer, Source::SupplyPhases));
  };
  add(Scope::Station, "ChargingStation");
  add(Scope::Evse, "EVSE");
  add(Scope::Connector, "Connector");
}

// The offline charging code (DESIGN.md): the same settings as 1.6 OfflineCodeEnabled,
// OfflineCodeKey and OfflineCodeKeyVersion.
void add_offline_code(std::vector<VariableDef>& v) {
  v.push_back(mapped(M::ReadWrite, "OfflineCodeCtrlr", "Enabled", T::boolean, "offline_code_enabled"));
  v.push_back(tls_only(non_empty(mapped(M::WriteOnly, "OfflineCodeCtrlr", "Key", T::string, "offline_code_key"))));
  v.push_back(not_in_config(mapped(M::ReadOnly, "OfflineCodeCtrlr", "KeyVersion", T::integer, "offline_code_key_version"),
                            "read-only, it is the version of the newest key the pile holds"));
}

// K SmartCharging: what the station accepts is the integrator's (configuration file), so the CSMS
// reads it; the core refuses a profile beyond it (validate()).
void add_smart_charging(std::vector<VariableDef>& v) {
  const std::string_view c = "SmartChargingCtrlr";
  // Smart charging is always on in this station: the core applies installed profiles whatever
  // the link does, and there is no switch that would stop it, so Enabled is not writable.
  v.push_back(constant(c, "Available", T::boolean, "true", {}));
  v.push_back(constant(c, "Enabled", T::boolean, "true", {}));
  auto entries = computed(Scope::Station, c, "Entries", T::integer, Source::ChargingProfileEntries);
  entries.instance = "ChargingProfiles";
  v.push_back(std::move(entries));
  // The appendix types it decimal; the setting (shared with 1.6) holds whole percents, and a
  // variable's type is its setting's, so the CSMS is told integer rather than having "10.5"
  // refused behind a decimal. It would govern NotifyChargingLimit, which has no source yet.
  v.push_back(mapped(M::ReadWrite, c, "LimitChangeSignificance", T::integer, "limit_change_significance_pct"));
  v.push_back(mapped(M::ReadOnly, c, "PeriodsPerSchedule", T::integer, "smart_charging_max_periods"));
  v.push_back(mapped(M::ReadOnly, c, "ProfileStackLevel", T::integer, "smart_charging_max_stack_level"));
  v.push_back(mapped(M::ReadOnly, c, "RateUnit", T::MemberList, "smart_charging_rate_units"));
}

// H01-H04: reservations are on unless the CSMS turns them off; a reservation of no EVSE in
// particular only with NonEvseSpecific (the same setting as 1.6 ReserveConnectorZeroSupported).
void add_reservation(std::vector<VariableDef>& v) {
  v.push_back(constant("ReservationCtrlr", "Available", T::boolean, "true", {}));
  v.push_back(mapped(M::ReadWrite, "ReservationCtrlr", "Enabled", T::boolean, "reservation_enabled"));
  v.push_back(mapped(M::ReadWrite, "ReservationCtrlr", "NonEvseSpecific", T::boolean, "reservation_any_connector"));
}

std::vector<VariableDef> make_defs() {
  std::vector<VariableDef> v;
  add_metering_and_auth(v);
  add_clock_and_device_data(v);
  add_communication(v);
  add_sampling_security_transactions(v);
  add_smart_charging(v);
  add_topology(v);
  add_offline_code(v);
  add_reservation(v);
  return v;
}

}  // namespace

const std::vector<VariableDef>& variable_defs() {
  static const std::vector<VariableDef> kDefs = make_defs();
  return kDefs;
}

bool readable(const VariableDef& d) { return d.mutability != ocpp::v201::MutabilityEnumType::WriteOnly; }

bool writable(const VariableDef& d) { return d.mutability != ocpp::v201::MutabilityEnumType::ReadOnly; }

std::optional<ocpp::v201::MutabilityEnumType> attribute_mutability(const VariableDef& d,
                                                                   ocpp::v201::AttributeEnumType type) {
  if (type == ocpp::v201::AttributeEnumType::Actual) return d.mutability;
  for (const auto& a : d.more_attributes) {
    if (a.type == type) return a.mutability;
  }
  return std::nullopt;
}

bool is_list_type(ocpp::v201::DataEnumType t) {
  using ocpp::v201::DataEnumType;
  return t == DataEnumType::OptionList || t == DataEnumType::MemberList || t == DataEnumType::SequenceList;
}

std::optional<std::string> refuse_empty(const VariableDef& d, const SettingSpec& spec, std::string_view value) {
  if (!d.not_empty) return std::nullopt;
  const bool empty = spec.type == SettingType::List ? split_list(value).empty() : value.empty();
  if (!empty) return std::nullopt;
  return std::string("must not be empty");
}

std::vector<std::string> supported_members(const SettingSpec& spec) {
  std::vector<std::string> members;
  for (const auto& m : spec.allowed) {
    if (!spec.check || !spec.check(m)) members.push_back(m);
  }
  return members;
}

}  // namespace ocpp::cp::v201
