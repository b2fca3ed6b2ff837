#include "ocpp/cp/v201/report_split.hpp"

#include <string>
#include <utility>

#include "ocpp/common/log.hpp"
#include "ocpp/messages/serialize.hpp"

namespace ocpp::cp::v201 {
namespace {

constexpr std::string_view kReportSplitLog = "v201.device_model";

template <class T>
std::size_t json_size(const T& value) {
  return ocpp::serialize(value).size();
}

// A message with no entries yet, sized with the longest spelling of its flags ("tbc":false):
// the final message is never larger than what was measured.
ocpp::v201::NotifyReportRequest empty_message(std::int32_t request_id, DateTime generated_at, std::int32_t seq_no) {
  ocpp::v201::NotifyReportRequest m;
  m.requestId = request_id;
  m.generatedAt = generated_at;
  m.seqNo = seq_no;
  m.reportData.emplace();
  m.tbc = false;
  return m;
}

}  // namespace

std::vector<ocpp::v201::NotifyReportRequest> split_report(std::vector<ocpp::v201::ReportDataType> items,
                                                          std::int32_t request_id, DateTime generated_at,
                                                          const ReportLimits& limits) {
  const std::size_t max_items = limits.max_items == 0 ? 1 : limits.max_items;
  std::vector<ocpp::v201::NotifyReportRequest> out;
  std::size_t next = 0;
  while (next < items.size()) {
    auto message = empty_message(request_id, generated_at, static_cast<std::int32_t>(out.size()));
    auto& data = *message.reportData;
    // Compact JSON: [a,b] is [] plus each entry plus a comma between two.
    std::size_t bytes = json_size(message);
    while (next < items.size() && data.size() < max_items) {
      const std::size_t item = json_size(items[next]) + (data.empty() ? 0 : 1);
      if (!data.empty() && bytes + item > limits.max_bytes) break;
      if (data.empty() && bytes + item > limits.max_bytes) {
        log::warn(kReportSplitLog, "report " + std::to_string(request_id) + ": " + items[next].component.name.str() + "." +
                            items[next].variable.name.str() + " alone takes " + std::to_string(bytes + item) +
                            " bytes, more than BytesPerMessage " + std::to_string(limits.max_bytes) +
                            "; sent alone");
      }
      bytes += item;
      data.push_back(std::move(items[next]));
      ++next;
    }
    out.push_back(std::move(message));
  }
  // B07/B08: tbc tells the CSMS that more parts follow; the last part leaves it out (false).
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (k + 1 < out.size()) {
      out[k].tbc = true;
    } else {
      out[k].tbc.reset();
    }
  }
  return out;
}

}  // namespace ocpp::cp::v201
