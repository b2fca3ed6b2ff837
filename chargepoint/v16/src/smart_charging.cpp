// Feature profile Smart Charging (1.6 §3.13): §5.16 SetChargingProfile, §5.5 ClearChargingProfile
// and §5.7 GetCompositeSchedule, and the profile a RemoteStartTransaction may carry (§5.11). The
// rules live in the core (charging_limits.hpp); this file translates 1.6's wire form: connectorId
// to EVSE, the CSMS's integer transactionId to the pile's own transaction id, and back.
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v16/smart_charging.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

ProfilePurpose purpose_of(m::ChargingProfilePurpose p) {
  switch (p) {
    case m::ChargingProfilePurpose::ChargePointMaxProfile: return ProfilePurpose::StationMax;
    case m::ChargingProfilePurpose::TxDefaultProfile: return ProfilePurpose::TxDefault;
    case m::ChargingProfilePurpose::TxProfile: return ProfilePurpose::Tx;
  }
  return ProfilePurpose::TxDefault;
}

ChargingSchedule schedule_of(const m::ChargingSchedule& s) {
  ChargingSchedule out;
  if (s.startSchedule) out.start = s.startSchedule->time();
  out.duration_s = s.duration;
  out.unit = s.chargingRateUnit == m::ChargingRateUnit::W ? RateUnit::W : RateUnit::A;
  out.min_rate = s.minChargingRate;
  for (const auto& p : s.chargingSchedulePeriod) out.periods.push_back({p.startPeriod, p.limit, p.numberPhases});
  return out;
}

// §5.7 GetCompositeSchedule: Rejected for a connector the pile lacks, a unit it does not allow or
// a duration that is not positive.
m::GetCompositeScheduleResponse composite_answer(ChargePoint& core, const m::GetCompositeScheduleRequest& req) {
  m::GetCompositeScheduleResponse res;
  res.status = m::GetCompositeScheduleStatus::Rejected;
  CompositeRequest r;
  if (req.connectorId != 0) {
    const auto where = core.topology().located(req.connectorId);
    if (!where) return res;
    r.evse = where->first;
  }
  const auto allowed = core.limits().accepted();
  r.unit = req.chargingRateUnit ? (*req.chargingRateUnit == m::ChargingRateUnit::W ? RateUnit::W : RateUnit::A)
                                : (allowed.allow_amperes ? RateUnit::A : RateUnit::W);
  if ((r.unit == RateUnit::A && !allowed.allow_amperes) || (r.unit == RateUnit::W && !allowed.allow_watts) ||
      req.duration <= 0) {
    return res;
  }
  r.from = std::chrono::time_point_cast<std::chrono::seconds>(core.now());
  r.duration_s = req.duration;
  const auto composite = core.limits().composite(r);
  res.status = m::GetCompositeScheduleStatus::Accepted;
  res.connectorId = req.connectorId;
  res.scheduleStart = DateTime(composite.start);
  m::ChargingSchedule s;
  s.duration = composite.duration_s;
  s.startSchedule = DateTime(composite.start);
  s.chargingRateUnit = composite.unit == RateUnit::W ? m::ChargingRateUnit::W : m::ChargingRateUnit::A;
  for (const auto& p : composite.periods) s.chargingSchedulePeriod.push_back({p.start_s, p.limit, p.phases});
  res.chargingSchedule = std::move(s);
  return res;
}

}  // namespace

std::optional<ChargingProfile> to_core_profile(ChargePoint& core, int connector_id, const m::ChargingProfile& in) {
  ChargingProfile p;
  p.id = in.chargingProfileId;
  p.stack_level = in.stackLevel;
  p.purpose = purpose_of(in.chargingProfilePurpose);
  switch (in.chargingProfileKind) {
    case m::ChargingProfileKind::Absolute: p.kind = ProfileKind::Absolute; break;
    case m::ChargingProfileKind::Recurring: p.kind = ProfileKind::Recurring; break;
    case m::ChargingProfileKind::Relative: p.kind = ProfileKind::Relative; break;
  }
  if (in.recurrencyKind) {
    p.recurrency = *in.recurrencyKind == m::RecurrencyKind::Weekly ? Recurrency::Weekly : Recurrency::Daily;
  }
  if (in.validFrom) p.valid_from = in.validFrom->time();
  if (in.validTo) p.valid_to = in.validTo->time();
  if (connector_id != 0) {
    const auto where = core.topology().located(connector_id);
    if (!where) return std::nullopt;
    p.evse = where->first;
  }
  if (in.transactionId) {
    // The CSMS names transactions by the id it gave in StartTransaction.conf; the core by its own.
    const auto record = core.transactions().find_by_csms_id(std::to_string(*in.transactionId));
    p.transaction_id = record ? record->station_id : "csms:" + std::to_string(*in.transactionId);
  }
  p.schedule = schedule_of(in.chargingSchedule);
  // 1.6 ChargingSchedule.startSchedule: "if absent the schedule will be relative to start of
  // charging": an Absolute profile without it is what the core calls Relative (2.0.1 K01.FR.40
  // refuses the first form, so the core knows only the second).
  if (p.kind == ProfileKind::Absolute && !p.schedule.start) p.kind = ProfileKind::Relative;
  return p;
}

void Adapter::register_smart_charging_handlers() {
  auto& ep = client_->rpc();
  // §5.16: Accepted when installed; Rejected with a log line saying why (core).
  rpc::handle<m::SetChargingProfileRequest>(ep, [this](const m::SetChargingProfileRequest& req) {
    m::SetChargingProfileResponse res;
    res.status = m::SetChargingProfileStatus::Rejected;
    const auto profile = to_core_profile(*core_, req.connectorId, req.csChargingProfiles);
    if (!profile) {
      log::warn("v16", "SetChargingProfile for connector " + std::to_string(req.connectorId) +
                           ", which this pile does not have: Rejected");
      return res;
    }
    // §3.13.2: a profile of the same purpose and stack level on the same connector is replaced.
    if (!core_->limits().install(*profile, true)) res.status = m::SetChargingProfileStatus::Accepted;
    return res;
  });
  // §5.5: every field given must match; Unknown when nothing did.
  rpc::handle<m::ClearChargingProfileRequest>(ep, [this](const m::ClearChargingProfileRequest& req) {
    m::ClearChargingProfileResponse res;
    ProfileCriteria c;
    if (req.id) c.ids = std::vector<std::int32_t>{*req.id};
    if (req.connectorId) {
      const auto where = *req.connectorId == 0 ? std::optional<std::pair<int, int>>(std::pair<int, int>{0, 0})
                                               : core_->topology().located(*req.connectorId);
      if (!where) {
        res.status = m::ClearChargingProfileStatus::Unknown;
        return res;
      }
      c.evse = where->first;
    }
    if (req.chargingProfilePurpose) c.purpose = purpose_of(*req.chargingProfilePurpose);
    c.stack_level = req.stackLevel;
    // §5.5: with an id, the other fields are not looked at.
    if (req.id) {
      c.evse.reset();
      c.purpose.reset();
      c.stack_level.reset();
    }
    res.status = core_->limits().clear(c) > 0 ? m::ClearChargingProfileStatus::Accepted
                                              : m::ClearChargingProfileStatus::Unknown;
    return res;
  });
  // §5.7: the schedule from now, for a connector (0: what the whole pile draws from the grid).
  rpc::handle<m::GetCompositeScheduleRequest>(
      ep, [this](const m::GetCompositeScheduleRequest& req) { return composite_answer(*core_, req); });
}

}  // namespace ocpp::cp::v16
