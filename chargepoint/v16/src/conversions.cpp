#include "conversions.hpp"

#include <cmath>
#include <cstdio>

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

// 1.6 §4.9 ChargePointStatus, one value for the whole state: a fault or an inoperative connector
// first (Faulted, Unavailable), then the session (Preparing, Finishing; during a transaction
// Charging, SuspendedEVSE when the pile withholds energy, else SuspendedEV: the EV does not draw or
// is unplugged), then a free connector (Reserved, Available). Connector 0 has only the first and
// the last.
m::StatusNotificationStatus to_v16(const ConnectorState& s) {
  using S = m::StatusNotificationStatus;
  if (s.availability == Availability::Faulted) return S::Faulted;
  if (s.availability == Availability::Unavailable) return S::Unavailable;
  switch (s.session) {
    case SessionPhase::Transaction:
      if (s.energy_withheld) return S::SuspendedEVSE;
      return s.charging == ChargingState::Charging ? S::Charging : S::SuspendedEV;
    case SessionPhase::Finishing: return S::Finishing;
    case SessionPhase::Preparing: return S::Preparing;
    case SessionPhase::None: break;
  }
  return s.availability == Availability::Reserved ? S::Reserved : S::Available;
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
