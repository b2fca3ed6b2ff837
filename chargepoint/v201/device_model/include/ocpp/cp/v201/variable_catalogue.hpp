#pragma once
// The 2.0.1 device model's components and variables (Part 1 §4, functional block B) and where each
// value comes from: a core setting (one truth: the 1.6 configuration keys and these variables are
// two views of the same settings store), the pile's topology, or a value computed at run time
// (live_values.hpp). Covers every required variable of the Core profile and of LocalAuthListCtrlr
// (OCA device-model appendix, "Required? = yes"), the RetryBackOff, HeartbeatInterval,
// WebSocketPingInterval, AuthCacheCtrlr and TxCtrlr/AuthCtrlr extras, and the vendor component
// OfflineCodeCtrlr of the offline charging code.
//
// A definition stands for one component (Scope::Station) or for one per EVSE / per connector of
// the topology; DeviceModel expands them.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/cp/settings.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

enum class Source {
  Setting,               // the setting named by `setting`
  Constant,              // `value`, fixed by this implementation
  SupplyPhases,          // from the topology: phases of the station (the most of any EVSE), EVSE or connector
  ConnectorType,         // from the topology
  AvailabilityState,     // LiveValues::availability_state
  Available,             // not Unavailable
  Problem,               // Faulted
  Power,                 // LiveValues::power_w; maxLimit from the topology
  DateTime,              // LiveValues::now
  LocalAuthListEntries,  // LiveValues::local_auth_list_entries; maxLimit local_auth_list_max_entries
  SecurityProfile,       // LiveValues::security_profile
  CertificateEntries,    // LiveValues::certificate_entries
  Identity,              // LiveValues::identity
  MaxPower,              // from the topology: the most an EVSE delivers (EVSE.Power MaxSet)
  ChargingProfileEntries,  // LiveValues::charging_profile_entries; maxLimit smart_charging_max_profiles
};

// Which components a definition stands for.
enum class Scope {
  Station,    // one component, not on an EVSE (controllers, ChargingStation)
  Evse,       // "EVSE", once per EVSE
  Connector,  // "Connector", once per connector of each EVSE
};

// An attribute besides Actual (Part 1 §4.3): Target is what the station tries to reach, MinSet and
// MaxSet the configured bounds within the characteristics' minLimit and maxLimit. Controllers use
// only Actual (Part 1 §4.3; OCTT TC_B_34_CS and TC_B_37_CS expect NotSupportedAttributeType for
// OCPPCommCtrlr.OfflineThreshold's Target), so only physical quantities have them. They are
// read-only and computed: a writable one needs a store and a block that honours it.
struct AttributeDef {
  ocpp::v201::AttributeEnumType type = ocpp::v201::AttributeEnumType::MaxSet;
  ocpp::v201::MutabilityEnumType mutability = ocpp::v201::MutabilityEnumType::ReadOnly;
  Source source = Source::Constant;
};

struct VariableDef {
  std::string_view component;
  std::string_view variable;
  std::string_view instance;  // the variable's instance; empty: none
  ocpp::v201::MutabilityEnumType mutability = ocpp::v201::MutabilityEnumType::ReadOnly;
  ocpp::v201::DataEnumType type = ocpp::v201::DataEnumType::string;
  std::string_view unit;      // VariableCharacteristics unit ("s", "W", "Wh"); empty: none
  Source source = Source::Constant;
  std::string_view setting;   // Source::Setting
  std::string_view value;     // Source::Constant
  // valuesList of an OptionList/MemberList/SequenceList that no setting backs; a setting's list
  // comes from its allowed members.
  std::string_view values;
  Scope scope = Scope::Station;
  // Refused when set empty over OCPP or in ocpp_config (a list of start points with none, a
  // password of nothing), although the setting's default may be empty.
  bool not_empty = false;
  // Set only when SetPolicy::secrets_allowed (the offline-code key: an encrypted link or a lab).
  bool tls_only = false;
  // Why ocpp_config may not give it although a setting backs it; empty: it may.
  std::string_view not_in_config;
  // Its attributes besides Actual, in report order; `mutability` and `source` are Actual's.
  std::vector<AttributeDef> more_attributes;
};

// Every definition, controllers first, in the order reports list them.
const std::vector<VariableDef>& variable_defs();

// Whether the CSMS may read the Actual value (ReadOnly, ReadWrite) / write it (ReadWrite, WriteOnly).
bool readable(const VariableDef& d);
bool writable(const VariableDef& d);
// The mutability of attribute `type` of `d`; nullopt when `d` has no such attribute
// (B05.FR.06, B06.FR.08: NotSupportedAttributeType).
std::optional<ocpp::v201::MutabilityEnumType> attribute_mutability(const VariableDef& d,
                                                                   ocpp::v201::AttributeEnumType type);
// Whether the type carries a valuesList (OptionList, MemberList, SequenceList).
bool is_list_type(ocpp::v201::DataEnumType t);
// The reason to refuse `value` for a not_empty variable backed by `spec` ("", or a list of no
// items); nullopt when it may be set.
std::optional<std::string> refuse_empty(const VariableDef& d, const SettingSpec& spec, std::string_view value);
// A list setting's members that this charging station supports: its allowed members that its own
// check does not refuse (TxStartPoint lists DataSigned only to refuse it with a reason).
std::vector<std::string> supported_members(const SettingSpec& spec);

}  // namespace ocpp::cp::v201
