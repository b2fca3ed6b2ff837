#include "ocpp/cp/v16/config_keys.hpp"

#include <algorithm>

#include "ocpp/common/log.hpp"

namespace ocpp::cp::v16 {
namespace {

constexpr std::string_view kConfigKeysLog = "v16.config";

constexpr Access R = Access::ReadOnly;
constexpr Access RW = Access::ReadWrite;
constexpr Access W = Access::WriteOnly;

// 1.6 edition 2 §9.1 (Core) and §9.2 (LocalAuthListManagement): type, accessibility, required and
// unit are the specification's. AuthorizeRemoteTxRequests may be R or RW at the charge point's
// choice: it is RW here.
const std::vector<ConfigKey> kKeys = {
    {"AllowOfflineTxForUnknownId", "allow_offline_tx_for_unknown_id", RW, false, "Core", ""},
    {"AuthorizationCacheEnabled", "authorization_cache_enabled", RW, false, "Core", ""},
    {"AuthorizeRemoteTxRequests", "authorize_remote_start", RW, true, "Core", ""},
    {"BlinkRepeat", "blink_repeat", RW, false, "Core", "times"},
    {"ClockAlignedDataInterval", "clock_aligned_data_interval_s", RW, true, "Core", "s"},
    {"ConnectionTimeOut", "connection_timeout_s", RW, true, "Core", "s"},
    {"ConnectorPhaseRotation", "connector_phase_rotation", RW, true, "Core", ""},
    {"ConnectorPhaseRotationMaxLength", "connector_phase_rotation", R, false, "Core", "", Source::MaxItemsOf},
    {"GetConfigurationMaxKeys", "get_configuration_max_keys", R, true, "Core", ""},
    {"HeartbeatInterval", "heartbeat_interval_s", RW, true, "Core", "s"},
    {"LightIntensity", "light_intensity_percent", RW, false, "Core", "%"},
    {"LocalAuthorizeOffline", "local_authorize_offline", RW, true, "Core", ""},
    {"LocalPreAuthorize", "local_pre_authorize", RW, true, "Core", ""},
    {"MaxEnergyOnInvalidId", "max_energy_on_invalid_id_wh", RW, false, "Core", "Wh"},
    {"MeterValuesAlignedData", "meter_values_aligned_data", RW, true, "Core", ""},
    {"MeterValuesAlignedDataMaxLength", "meter_values_aligned_data", R, false, "Core", "", Source::MaxItemsOf},
    {"MeterValuesSampledData", "meter_values_sampled_data", RW, true, "Core", ""},
    {"MeterValuesSampledDataMaxLength", "meter_values_sampled_data", R, false, "Core", "", Source::MaxItemsOf},
    {"MeterValueSampleInterval", "meter_value_sample_interval_s", RW, true, "Core", "s"},
    {"MinimumStatusDuration", "minimum_status_duration_s", RW, false, "Core", "s"},
    {"NumberOfConnectors", "", R, true, "Core", "", Source::NumberOfConnectors},
    {"ResetRetries", "reset_retries", RW, true, "Core", "times"},
    {"StopTransactionOnEVSideDisconnect", "stop_transaction_on_ev_side_disconnect", RW, true, "Core", ""},
    {"StopTransactionOnInvalidId", "stop_transaction_on_invalid_id", RW, true, "Core", ""},
    {"StopTxnAlignedData", "stop_txn_aligned_data", RW, true, "Core", ""},
    {"StopTxnAlignedDataMaxLength", "stop_txn_aligned_data", R, false, "Core", "", Source::MaxItemsOf},
    {"StopTxnSampledData", "stop_txn_sampled_data", RW, true, "Core", ""},
    {"StopTxnSampledDataMaxLength", "stop_txn_sampled_data", R, false, "Core", "", Source::MaxItemsOf},
    {"SupportedFeatureProfiles", "", R, true, "Core", "", Source::FeatureProfiles},
    {"SupportedFeatureProfilesMaxLength", "", R, false, "Core", "", Source::FeatureProfilesMaxLength},
    {"TransactionMessageAttempts", "transaction_message_attempts", RW, true, "Core", "times"},
    {"TransactionMessageRetryInterval", "transaction_message_retry_interval_s", RW, true, "Core", "s"},
    {"UnlockConnectorOnEVSideDisconnect", "unlock_connector_on_ev_side_disconnect", RW, true, "Core", ""},
    {"WebSocketPingInterval", "websocket_ping_interval_s", RW, false, "Core", "s"},
    // Vendor key, named after 2.0.1 OCPPCommCtrlr.OfflineThreshold (issue 5: how long before the
    // pile acts as offline).
    {"OfflineThreshold", "offline_threshold_s", RW, false, "Core", "s"},
    // Vendor keys, named after 2.0.1 OCPPCommCtrlr (B10 reconnection back-off); read at start.
    {"RetryBackOffRandomRange", "retry_backoff_random_range_s", RW, false, "Core", "s"},
    {"RetryBackOffRepeatTimes", "retry_backoff_repeat_times", RW, false, "Core", "times"},
    {"RetryBackOffWaitMinimum", "retry_backoff_wait_minimum_s", RW, false, "Core", "s"},
    {"LocalAuthListEnabled", "local_auth_list_enabled", RW, true, "LocalAuthListManagement", ""},
    {"LocalAuthListMaxLength", "local_auth_list_max_entries", R, true, "LocalAuthListManagement", ""},
    {"SendLocalListMaxLength", "send_local_list_max_entries", R, true, "LocalAuthListManagement", ""},
    // §9.3 Reservation profile: connectorId 0 in ReserveNow. RW here, so that a CSMS may turn it on.
    {"ReserveConnectorZeroSupported", "reservation_any_connector", RW, false, "Reservation", ""},
    // §9.4 Smart Charging: what the pile accepts is the integrator's, read-only to the CSMS.
    {"ChargeProfileMaxStackLevel", "smart_charging_max_stack_level", R, true, "SmartCharging", ""},
    {"ChargingScheduleAllowedChargingRateUnit", "smart_charging_rate_units", R, true, "SmartCharging", "",
     Source::RateUnits},
    {"ChargingScheduleMaxPeriods", "smart_charging_max_periods", R, true, "SmartCharging", ""},
    {"MaxChargingProfilesInstalled", "smart_charging_max_profiles", R, true, "SmartCharging", ""},
    // Security Whitepaper edition 3 §6 configuration keys.
    {"CpoName", "organization_name", RW, false, "Security", ""},
    {"CertificateSignedMaxChainSize", "certificate_signed_max_chain_size", R, false, "Security", ""},
    {"CertificateStoreMaxLength", "certificate_store_max_entries", R, false, "Security", ""},
    {"SecurityProfile", "security_profile", RW, false, "Security", ""},
    {"CertSigningWaitMinimum", "cert_signing_wait_minimum_s", RW, false, "Security", "s"},
    {"CertSigningRepeatTimes", "cert_signing_repeat_times", RW, false, "Security", "times"},
    // Vendor keys of the offline charging code (DESIGN.md, docs/offline-code.md).
    {"OfflineCodeEnabled", "offline_code_enabled", RW, false, "OfflineCode", ""},
    {"OfflineCodeKey", "offline_code_key", W, false, "OfflineCode", ""},
    // Read-only: the newest key version the pile holds ("0": none), so that the server knows after
    // each boot whether to provision a key (docs/offline-code.md §6).
    {"OfflineCodeKeyVersion", "offline_code_key_version", R, false, "OfflineCode", ""},
};

// The six feature profiles 1.6 defines: the most SupportedFeatureProfiles can hold.
constexpr int kFeatureProfileCount = 6;

// The value a readable key reports; nullopt when its setting is not registered in `settings`.
std::optional<std::string> value_of(const ConfigKey& k, const Settings& settings, int connectors) {
  switch (k.source) {
    case Source::Setting:
      if (!settings.has(k.setting)) return std::nullopt;
      return settings.get(k.setting);
    case Source::MaxItemsOf: {
      const auto* spec = settings.spec(k.setting);
      if (spec == nullptr) return std::nullopt;
      return std::to_string(spec->max_items);
    }
    case Source::NumberOfConnectors: return std::to_string(connectors);
    case Source::FeatureProfiles: return std::string(supported_feature_profiles());
    case Source::FeatureProfilesMaxLength: return std::to_string(kFeatureProfileCount);
    case Source::RateUnits: {
      // §9.4: the units spelt Current and Power.
      if (!settings.has(k.setting)) return std::nullopt;
      std::string out;
      for (const auto& u : settings.get_list(k.setting)) {
        out += (out.empty() ? "" : ",") + std::string(u == "W" ? "Power" : "Current");
      }
      return out;
    }
  }
  return std::nullopt;
}

// Whether `settings` can answer for `k` (a table key whose setting is not registered is unknown).
bool available(const ConfigKey& k, const Settings& settings) {
  if (k.setting.empty()) return true;
  return settings.has(k.setting);
}

KeyValue key_value(const ConfigKey& k, const Settings& settings, int connectors) {
  KeyValue kv;
  kv.key = std::string(k.key);
  kv.readonly = k.access == Access::ReadOnly;
  // Write-only: listed so that the CSMS sees the key is supported, never valued (DESIGN.md).
  if (k.access != Access::WriteOnly) kv.value = value_of(k, settings, connectors);
  return kv;
}

}  // namespace

const std::vector<ConfigKey>& config_keys() { return kKeys; }

const ConfigKey* find_key(std::string_view name) {
  const auto it = std::find_if(kKeys.begin(), kKeys.end(), [&](const ConfigKey& k) { return iequals(k.key, name); });
  return it == kKeys.end() ? nullptr : &*it;
}

std::string_view supported_feature_profiles() {
  return "Core,FirmwareManagement,LocalAuthListManagement,RemoteTrigger,SmartCharging,Reservation";
}

GetResult get_configuration(const Settings& settings, const std::optional<std::vector<std::string>>& keys,
                            int connectors) {
  GetResult result;
  // 1.6 §5.8: no key list, or an empty one, asks for every key.
  if (!keys || keys->empty()) {
    for (const auto& k : kKeys) {
      if (available(k, settings)) result.known.push_back(key_value(k, settings, connectors));
    }
    return result;
  }
  // 1.6 §9.1 GetConfigurationMaxKeys: the most keys one request may name.
  if (settings.has("get_configuration_max_keys")) {
    const auto max_keys = settings.get_int("get_configuration_max_keys");
    if (static_cast<std::int64_t>(keys->size()) > max_keys) {
      result.refused = "GetConfiguration names " + std::to_string(keys->size()) +
                       " keys, GetConfigurationMaxKeys is " + std::to_string(max_keys);
      log::warn(kConfigKeysLog, *result.refused);
      return result;
    }
  }
  std::vector<const ConfigKey*> seen;
  for (const auto& name : *keys) {
    const auto* k = find_key(name);
    if (k == nullptr || !available(*k, settings)) {
      if (std::none_of(result.unknown.begin(), result.unknown.end(),
                       [&](const std::string& u) { return iequals(u, name); })) {
        result.unknown.push_back(name);
      }
      continue;
    }
    if (std::find(seen.begin(), seen.end(), k) != seen.end()) continue;  // asked twice: answered once
    seen.push_back(k);
    result.known.push_back(key_value(*k, settings, connectors));
  }
  return result;
}

SetResult change_configuration(Settings& settings, std::string_view key, std::string_view value,
                               const ChangePolicy& policy, std::string* why) {
  const auto refuse = [&](SetResult r, const std::string& reason) {
    log::warn(kConfigKeysLog, "ChangeConfiguration " + std::string(key) + ": " + std::string(to_string(r)) + ", " + reason);
    if (why) *why = reason;
    return r;
  };
  const auto* k = find_key(key);
  if (k == nullptr || !available(*k, settings)) return refuse(SetResult::NotSupported, "unknown key");
  // 1.6 §5.3: a read-only key is answered Rejected.
  if (k->access == Access::ReadOnly) return refuse(SetResult::Rejected, "read-only key");
  if (k->access == Access::WriteOnly && !policy.write_only_keys_allowed) {
    return refuse(SetResult::Rejected, "a key is provisioned only over security profile 2 or 3");
  }
  std::string reason;
  const auto result = settings.set(k->setting, value, &reason);
  if (why) *why = reason;
  return result;
}

std::optional<std::string> apply_initial_values(Settings& settings,
                                                const std::map<std::string, std::string>& ocpp_config) {
  // Check everything first, so that a bad file changes nothing.
  std::vector<std::pair<const ConfigKey*, const std::string*>> checked;
  for (const auto& [name, value] : ocpp_config) {
    const auto error = [&](const std::string& reason) { return "ocpp_config." + name + ": " + reason; };
    const auto* k = find_key(name);
    if (k == nullptr || !available(*k, settings)) return error("unknown OCPP 1.6 configuration key");
    if (k->source != Source::Setting) {
      return error(k->source == Source::NumberOfConnectors
                       ? "read-only, it comes from `connectors`"
                       : "read-only, it is fixed by the charge point");
    }
    for (const auto& [other, unused] : checked) {
      if (other == k) return error("given twice (keys are case-insensitive)");
    }
    if (auto reason = settings.validate(k->setting, value)) return error(*reason);
    checked.emplace_back(k, &value);
  }
  for (const auto& [k, value] : checked) {
    if (auto reason = settings.set_initial(k->setting, *value)) {
      return "ocpp_config." + std::string(k->key) + ": " + *reason;  // validated above: not reached
    }
  }
  return std::nullopt;
}

}  // namespace ocpp::cp::v16
