#pragma once
// The fleet's report (docs/fleet.md "The report"): a table on standard output, and the same
// figures per pile and in total as JSON with --report.
#include <string>

#include "fleet.hpp"

namespace ocpp::fleet {

std::string report_json(Fleet& fleet);
std::string report_table(Fleet& fleet);

}  // namespace ocpp::fleet
