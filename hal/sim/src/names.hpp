#pragma once
// How the simulated pile names a connector in its log lines and refusals.
#include <string>

#include "ocpp/hal/types.hpp"

namespace ocpp::hal::sim::detail {

inline std::string connector_name(ConnectorId id) { return "connector " + std::to_string(id); }

}  // namespace ocpp::hal::sim::detail
