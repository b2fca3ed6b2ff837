#pragma once
// The settings that only OCPP 2.0.1 needs (TxStartPoint, TimeSource, DeviceDataCtrlr limits,
// BasicAuthPassword, ...), with the same neutral snake_case names and rules as the core's
// (ocpp/cp/settings.hpp). A 2.0.1 charge point registers core_setting_specs() plus these; every
// other device-model variable maps onto a core setting or is computed at run time
// (variable_catalogue.hpp).
#include <cstddef>
#include <vector>

#include "ocpp/cp/charge_point.hpp"
#include "ocpp/cp/settings.hpp"

namespace ocpp::cp::v201 {

// The 2.0.1-only settings, in the order docs/configuration.md lists them.
const std::vector<SettingSpec>& setting_specs();

// core_setting_specs() followed by setting_specs(): what a 2.0.1 charge point registers.
std::vector<SettingSpec> all_setting_specs();

// The rules a 2.0.1 pile gives its core: the station names its transactions, each milestone is a
// TransactionEvent Updated, and TxCtrlr.TxStartPoint / TxStopPoint place the start and the stop
// (E01-E03, E06). Read from `settings` (all_setting_specs()) now.
TransactionRules transaction_rules(const Settings& settings);

// B09/B10: the configuration slots of SetNetworkProfile this pile has, 1 to kNetworkProfileSlots
// (slot 1 is the configuration file's link until the CSMS sets it).
constexpr int kNetworkProfileSlots = 4;

// BasicAuthPassword's length (2.0.1 passwordString; A01): 16 to 40 characters.
constexpr std::size_t kMinBasicAuthPassword = 16;
constexpr std::size_t kMaxBasicAuthPassword = 40;

}  // namespace ocpp::cp::v201
