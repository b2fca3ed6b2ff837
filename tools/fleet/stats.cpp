#include "stats.hpp"

#include <algorithm>
#include <cmath>

namespace ocpp::fleet {
namespace {

// A CALLRESULT that answers "no": BootNotification Rejected or Pending (1.6 §4.2, 2.0.1 B01),
// an id tag or token not Accepted (1.6 IdTagInfo, 2.0.1 IdTokenInfo), any other status Rejected.
bool rejected(const rapidjson::Value& payload) {
  if (!payload.IsObject()) return false;
  for (const char* info : {"idTagInfo", "idTokenInfo"}) {
    const auto m = payload.FindMember(info);
    if (m != payload.MemberEnd() && m->value.IsObject()) {
      const auto s = m->value.FindMember("status");
      if (s != m->value.MemberEnd() && s->value.IsString() && std::string(s->value.GetString()) != "Accepted") return true;
    }
  }
  const auto s = payload.FindMember("status");
  if (s == payload.MemberEnd() || !s->value.IsString()) return false;
  const std::string status = s->value.GetString();
  return status == "Rejected" || status == "Pending";
}

}  // namespace

void ActionStats::merge(const ActionStats& o) {
  calls += o.calls;
  call_errors += o.call_errors;
  timeouts += o.timeouts;
  disconnected += o.disconnected;
  rejected += o.rejected;
  latency_us.insert(latency_us.end(), o.latency_us.begin(), o.latency_us.end());
}

void PileStats::call_completed(const std::string& action, const rpc::CallOutcome& outcome,
                               std::chrono::microseconds since_sent) {
  auto& a = actions[action];
  ++a.calls;
  using S = rpc::CallOutcome::Status;
  switch (outcome.status) {
    case S::Result:
      a.latency_us.push_back(static_cast<std::uint32_t>(std::min<long long>(since_sent.count(), UINT32_MAX)));
      if (rejected(outcome.payload)) ++a.rejected;
      break;
    case S::Error:
    case S::InvalidResponse:
      a.latency_us.push_back(static_cast<std::uint32_t>(std::min<long long>(since_sent.count(), UINT32_MAX)));
      ++a.call_errors;
      break;
    case S::Timeout: ++a.timeouts; break;
    case S::Disconnected:
    case S::NotSent: ++a.disconnected; break;
  }
}

ActionStats PileStats::totals() const {
  ActionStats t;
  for (const auto& [name, a] : actions) t.merge(a);
  return t;
}

double percentile_ms(const std::vector<std::uint32_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  // Nearest rank: the smallest value with at least p % of the values at or below it.
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)] / 1000.0;
}

}  // namespace ocpp::fleet
