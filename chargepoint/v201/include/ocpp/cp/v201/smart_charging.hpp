#pragma once
// Between the core's neutral charging profiles (ocpp/cp/charging_profile.hpp) and 2.0.1's
// ChargingProfileType: smart_charging.cpp uses it for block K, and remote_control.cpp for the
// profile a RequestStartTransaction carries (K05). Apart from the adapter so that the rules of
// translation are tested on their own.
#include <cstdint>
#include <optional>
#include <variant>
#include <vector>

#include "ocpp/cp/charging_profile.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

// The profile in the core's terms for EVSE `evse`, or why this station cannot take it at all
// (parts of ChargingProfileType it does not implement). The core's checks come after.
std::variant<ChargingProfile, ocpp::cp::ProfileRefusal> to_core_profile(const ocpp::v201::ChargingProfileType& in,
                                                                        int evse);
// The profile as ReportChargingProfiles carries it.
ocpp::v201::ChargingProfileType to_v201(const ChargingProfile& p);
// K09: one ReportChargingProfiles per EVSE (a message carries one evseId and one
// chargingLimitSource), in EVSE order, all but the last with tbc, each with `request_id`.
std::vector<ocpp::v201::ReportChargingProfilesRequest> charging_profile_reports(
    std::int32_t request_id, const std::vector<ChargingProfile>& profiles);
// statusInfo for a refusal: reasonCode (at most 20 characters) and the message as additionalInfo.
ocpp::v201::StatusInfoType status_info(const ocpp::cp::ProfileRefusal& refusal);

}  // namespace ocpp::cp::v201
