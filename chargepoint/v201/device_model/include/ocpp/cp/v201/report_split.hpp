#pragma once
// Splitting a report into NotifyReport messages (B08.FR.03, and B07 likewise: "one or more
// NotifyReportRequest messages"): seqNo 0, 1, ... and tbc on all but the last, each message holding
// at most `max_items` entries and at most `max_bytes` of JSON as it goes on the wire (the payload,
// measured by serializing it).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ocpp/common/datetime.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

struct ReportLimits {
  std::size_t max_items = 100;  // DeviceDataCtrlr.ItemsPerMessage[GetReport]
  std::size_t max_bytes = 65536;  // DeviceDataCtrlr.BytesPerMessage[GetReport]
};

// The messages for `items`, in their order; none when `items` is empty. An entry that alone is
// larger than max_bytes still goes, alone in its message (a report never leaves a variable out),
// and is logged.
std::vector<ocpp::v201::NotifyReportRequest> split_report(std::vector<ocpp::v201::ReportDataType> items,
                                                          std::int32_t request_id, DateTime generated_at,
                                                          const ReportLimits& limits);

}  // namespace ocpp::cp::v201
