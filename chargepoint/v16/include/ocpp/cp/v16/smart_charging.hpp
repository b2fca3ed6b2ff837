#pragma once
// 1.6's ChargingProfile in the core's terms (smart_charging.cpp).
#include <optional>

#include "ocpp/cp/charge_point.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

// The profile for `connector_id` (0: the whole pile) as the core keeps it: the EVSE of the
// connector, the pile's own id of the transaction. Nothing when the pile has no such connector.
std::optional<ChargingProfile> to_core_profile(ChargePoint& core, int connector_id,
                                               const ocpp::v16::ChargingProfile& profile);

}  // namespace ocpp::cp::v16
