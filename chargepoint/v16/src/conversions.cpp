#include "conversions.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

// 1.6 §4.9 ChargePointStatus is the one word for people that the core's summary() gives (a fault
// or an inoperative connector first, then the session, then a free connector): one rule, so that
// what a 1.6 CSMS hears and what `ocpp-cpctl status` shows cannot drift apart.
m::StatusNotificationStatus to_v16(const ConnectorState& s) {
  m::StatusNotificationStatus out = m::StatusNotificationStatus::Available;
  if (!m::from_string(summary(s), out)) throw std::logic_error("summary() gave a word 1.6 does not have");
  return out;
}

m::ErrorCode to_v16(ErrorCode e) {
  m::ErrorCode out = m::ErrorCode::OtherError;
  m::from_string(to_string(e), out);
  return out;
}

m::Reason to_v16(StopReason r) {
  m::Reason out = m::Reason::Other;
  // EnergyLimitReached and TimeLimitReached are 2.0.1 reasons; 1.6 calls them Other.
  m::from_string(to_string(r), out);
  return out;
}

m::IdTagInfo to_v16(const IdTagInfo& info) {
  m::IdTagInfo out;
  m::from_string(to_string(info.status), out.status);
  if (info.expiry) out.expiryDate = DateTime(*info.expiry);
  if (info.parent_id_tag) out.parentIdTag = info.parent_id_tag->substr(0, 20);
  return out;
}

IdTagInfo from_v16(const m::IdTagInfo& info) {
  IdTagInfo out;
  from_string(m::to_string(info.status), out.status);
  if (info.expiryDate) out.expiry = info.expiryDate->time();
  if (info.parentIdTag) out.parent_id_tag = info.parentIdTag->str();
  return out;
}

std::string decimal(double value) {
  if (std::fabs(value - std::round(value)) < 1e-9) return std::to_string(static_cast<long long>(std::llround(value)));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", value);
  std::string s(buf);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

m::MeterValue to_v16(const MeterSample& sample) {
  m::MeterValue mv;
  mv.timestamp = DateTime(sample.at);
  for (const auto& v : sample.values) {
    m::SampledValue sv;
    sv.value = decimal(v.value);
    m::Context context{};
    if (m::from_string(sample.context, context)) sv.context = context;
    m::Measurand measurand{};
    if (m::from_string(v.measurand, measurand)) sv.measurand = measurand;
    m::Unit unit{};
    if (m::from_string(v.unit, unit)) sv.unit = unit;
    if (v.phase) {
      m::Phase phase{};
      if (m::from_string(*v.phase, phase)) sv.phase = phase;
    }
    mv.sampledValue.push_back(std::move(sv));
  }
  return mv;
}

}  // namespace ocpp::cp::v16
