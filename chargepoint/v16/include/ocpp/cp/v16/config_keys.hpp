#pragma once
// OCPP 1.6 configuration keys (1.6 edition 2 §9.1 Core, §9.2 LocalAuthListManagement; RemoteTrigger
// has no keys of its own) plus the vendor keys of the offline charging code (DESIGN.md:
// OfflineCodeEnabled, OfflineCodeKey), mapped onto the core's version-neutral settings
// (ocpp/cp/settings.hpp). GetConfiguration and ChangeConfiguration are answered from here; the
// configuration file's `ocpp_config` is checked and applied here at start.
//
// Key names compare case-insensitively (1.6: keys are CiString50Type). Responses spell them as the
// table does.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/cp/settings.hpp"

namespace ocpp::cp::v16 {

// 1.6 "Accessibility": R or RW. WriteOnly is for secrets (the offline-code key): 1.6 has no such
// class, so such a key is reported as writable and without a value (KeyValue.value is optional).
enum class Access { ReadOnly, ReadWrite, WriteOnly };

// Where the value of a key comes from.
enum class Source {
  Setting,             // the core setting `setting`
  MaxItemsOf,          // <Key>MaxLength: max_items of the list setting `setting`
  NumberOfConnectors,  // the runtime's connector count
  FeatureProfiles,     // supported_feature_profiles()
  FeatureProfilesMaxLength,  // 6: the feature profiles 1.6 defines
  RateUnits,           // the list setting `setting` of A and W, spelt Current and Power (§9.4)
};

struct ConfigKey {
  std::string_view key;      // the 1.6 name, e.g. "HeartbeatInterval"
  std::string_view setting;  // the core setting (Source::Setting, MaxItemsOf); else empty
  Access access;
  bool required;             // required by 1.6 for its profile
  std::string_view profile;  // "Core", "LocalAuthListManagement", or "OfflineCode" (vendor)
  std::string_view unit;     // "s", "Wh", "%", "times", or empty
  Source source = Source::Setting;
  // Whether a change needs a reboot is the setting's (SettingSpec::reboot_required): one truth.
};

// Every key this charge point knows, in the order GetConfiguration reports them.
const std::vector<ConfigKey>& config_keys();
// The key named `name`, case-insensitively; nullptr when unknown.
const ConfigKey* find_key(std::string_view name);
// SupportedFeatureProfiles: the profiles whose messages the 1.6 adapter implements. Add a profile
// here when its messages are handled.
std::string_view supported_feature_profiles();

struct KeyValue {
  std::string key;
  bool readonly = false;
  std::optional<std::string> value;  // absent for write-only keys
};

struct GetResult {
  std::vector<KeyValue> known;       // GetConfiguration.conf configurationKey
  std::vector<std::string> unknown;  // GetConfiguration.conf unknownKey, as the CSMS spelt them
  // Set when the request names more keys than GetConfigurationMaxKeys (1.6 §5.8: the number of
  // keys in one request may be limited): the reason. The handler answers with a CALLERROR
  // OccurenceConstraintViolation carrying it, rather than a partial answer.
  std::optional<std::string> refused;
};

// 1.6 §5.8 GetConfiguration: every key when `keys` is absent or empty, else the keys named (each
// once, in the order asked), unknown ones in `unknown`. Write-only keys are listed, never valued.
GetResult get_configuration(const Settings& settings, const std::optional<std::vector<std::string>>& keys,
                            int connectors);

struct ChangePolicy {
  // DESIGN.md: the offline-code key is provisioned only over security profile 2 or 3 unless
  // `offline_code.allow_plaintext_key_provisioning`. The handler sets this from the connection.
  bool write_only_keys_allowed = true;
};

// 1.6 §5.3 ChangeConfiguration: NotSupported for an unknown key; Rejected for a read-only key, a
// refused write-only key or an invalid value (the reason in *why and in the log); RebootRequired
// when the setting needs it; else Accepted.
SetResult change_configuration(Settings& settings, std::string_view key, std::string_view value,
                               const ChangePolicy& policy = {}, std::string* why = nullptr);

// The configuration file's `ocpp_config` (1.6 key names, string values), at start. Checks every
// entry first, then applies them all (Settings::set_initial: values set over OCPP later still win
// across restarts). Keys that are read-only over OCPP but stand for a setting
// (GetConfigurationMaxKeys, LocalAuthListMaxLength, SendLocalListMaxLength) may be given here;
// derived ones (NumberOfConnectors, SupportedFeatureProfiles, *MaxLength of lists) may not.
// Returns nullopt, or the first error as "ocpp_config.<Key>: <reason>".
std::optional<std::string> apply_initial_values(Settings& settings,
                                                const std::map<std::string, std::string>& ocpp_config);

}  // namespace ocpp::cp::v16
