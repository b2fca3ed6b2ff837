#pragma once
// The configuration file's `ocpp_config` for a 2.0.1 charge point: initial values of device-model
// variables, by their OCPP names, as strings:
//   "OCPPCommCtrlr.HeartbeatInterval": "120"
//   "OCPPCommCtrlr.MessageAttempts[TransactionEvent]": "5"     (Component.Variable[instance])
//   "Component[instance].Variable[instance]" is the general form.
// Names compare case-insensitively. The 2.0.1 counterpart of v16::apply_initial_values.
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/cp/settings.hpp"

namespace ocpp::cp::v201 {

struct ConfigName {
  std::string component;
  std::string component_instance;  // empty: none
  std::string variable;
  std::string variable_instance;   // empty: none
};

// Parses "Component.Variable" with an optional "[instance]" after either name; nullopt when the
// text is not of that form.
std::optional<ConfigName> parse_config_name(std::string_view text);

// Checks every entry first, then applies them all with Settings::set_initial (a value set over
// OCPP later still wins across restarts). A read-only variable that stands for a setting
// (DeviceDataCtrlr.ItemsPerMessage[GetVariables], OCPPCommCtrlr.MessageTimeout[Default]) may be
// given; computed ones (ClockCtrlr.DateTime, EVSE and Connector variables, SecurityProfile), unknown
// names and invalid values are refused. Returns nullopt, or the first error as
// "ocpp_config.<Key>: <reason>".
std::optional<std::string> apply_initial_values(Settings& settings,
                                                const std::map<std::string, std::string>& ocpp_config);

// The value `ocpp_config` gives to component.variable (no instances), names compared
// case-insensitively; nullopt when absent. For what the daemon handles itself, such as installing
// the offline-code key of OfflineCodeCtrlr.Key into the key ring.
std::optional<std::string> config_value(const std::map<std::string, std::string>& ocpp_config,
                                        std::string_view component, std::string_view variable);

}  // namespace ocpp::cp::v201
