#pragma once
// An upper bound of the bytes a request's compact JSON takes (ocpp::serialize), counted from its
// fields without writing it: DeviceDataCtrlr.BytesPerMessage is checked against it, and the request
// is serialized only when the bound is over the limit (B06.FR.17). Each string counts as if every
// control character were written \u00XX and every quote and backslash escaped, every integer as
// 11 characters, so the bound is never below the real size; for names without such characters it
// is above it by the integers' slack only.
#include <cstddef>

#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

std::size_t json_size_bound(const ocpp::v201::GetVariablesRequest& request);
std::size_t json_size_bound(const ocpp::v201::SetVariablesRequest& request);
std::size_t json_size_bound(const ocpp::v201::GetReportRequest& request);

}  // namespace ocpp::cp::v201
