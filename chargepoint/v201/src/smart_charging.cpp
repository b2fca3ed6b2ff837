// K SmartCharging (2.0.1 Part 2): K01 SetChargingProfile, K08 GetCompositeSchedule, K09
// GetChargingProfiles with its ReportChargingProfiles, K10 ClearChargingProfile. The rules every
// version shares live in the core (charging_limits.hpp, validate()); this file translates 2.0.1's
// wire form and adds what only 2.0.1 asks. A Tx profile names its transaction by the station's own
// transactionId, which in 2.0.1 is the one the CSMS knows, so no mapping is needed.
//
// A site energy manager's limit (ocpp-cpctl external-limit) enters the core as a
// ChargingStationExternalConstraints profile; charging_limit_notices.cpp tells the CSMS (K12, K13).
#include "ocpp/cp/v201/smart_charging.hpp"

#include <algorithm>
#include <map>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/charging_limits.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;
// The core's refusal of a charging profile (network_profiles.hpp has a ProfileRefusal of its own).
using Refusal = ocpp::cp::ProfileRefusal;

namespace {

ProfilePurpose purpose_of(m::ChargingProfilePurposeEnumType p) {
  switch (p) {
    case m::ChargingProfilePurposeEnumType::ChargingStationExternalConstraints:
      return ProfilePurpose::ExternalConstraints;
    case m::ChargingProfilePurposeEnumType::ChargingStationMaxProfile: return ProfilePurpose::StationMax;
    case m::ChargingProfilePurposeEnumType::TxDefaultProfile: return ProfilePurpose::TxDefault;
    case m::ChargingProfilePurposeEnumType::TxProfile: return ProfilePurpose::Tx;
  }
  return ProfilePurpose::TxDefault;
}

m::ChargingProfilePurposeEnumType purpose_of(ProfilePurpose p) {
  switch (p) {
    case ProfilePurpose::ExternalConstraints: return m::ChargingProfilePurposeEnumType::ChargingStationExternalConstraints;
    case ProfilePurpose::StationMax: return m::ChargingProfilePurposeEnumType::ChargingStationMaxProfile;
    case ProfilePurpose::TxDefault: return m::ChargingProfilePurposeEnumType::TxDefaultProfile;
    case ProfilePurpose::Tx: return m::ChargingProfilePurposeEnumType::TxProfile;
  }
  return m::ChargingProfilePurposeEnumType::TxDefaultProfile;
}

RateUnit unit_of(m::ChargingRateUnitEnumType u) { return u == m::ChargingRateUnitEnumType::W ? RateUnit::W : RateUnit::A; }
m::ChargingRateUnitEnumType unit_of(RateUnit u) {
  return u == RateUnit::W ? m::ChargingRateUnitEnumType::W : m::ChargingRateUnitEnumType::A;
}

// The parts of ChargingProfileType this station does not implement: refused, not ignored, so that
// the CSMS never believes a plan is in force that is not.
std::optional<Refusal> unsupported_parts(const m::ChargingProfileType& in) {
  // ChargingProfileType.chargingSchedule: up to three schedules exist only for ISO 15118 schedule
  // negotiation, where the EV picks one of them (each with its salesTariff). This station has no
  // ISO 15118 link, so nobody would pick; taking the first would silently drop the others.
  if (in.chargingSchedule.size() != 1) {
    return Refusal{"UnsupportedParam", std::to_string(in.chargingSchedule.size()) +
                                                  " charging schedules: this station takes exactly one (more are "
                                                  "for ISO 15118 negotiation, which it does not do)"};
  }
  // ChargingSchedulePeriodType.phaseToUse is for EVSEs that switch phases
  // (ACPhaseSwitchingSupported); this station's EVSEs do not.
  for (const auto& p : in.chargingSchedule.front().chargingSchedulePeriod) {
    if (p.phaseToUse) {
      return Refusal{"UnsupportedParam", "phaseToUse: this station does not switch phases"};
    }
  }
  return std::nullopt;
}

ChargingSchedule schedule_of(const m::ChargingScheduleType& s) {
  ChargingSchedule out;
  out.id = s.id;
  if (s.startSchedule) out.start = s.startSchedule->time();
  out.duration_s = s.duration;
  out.unit = unit_of(s.chargingRateUnit);
  out.min_rate = s.minChargingRate;
  for (const auto& p : s.chargingSchedulePeriod) out.periods.push_back({p.startPeriod, p.limit, p.numberPhases});
  return out;
}

m::ChargingScheduleType schedule_of(const ChargingSchedule& s) {
  m::ChargingScheduleType out;
  out.id = s.id;
  if (s.start) out.startSchedule = DateTime(*s.start);
  out.duration = s.duration_s;
  out.chargingRateUnit = unit_of(s.unit);
  out.minChargingRate = s.min_rate;
  for (const auto& p : s.periods) {
    m::ChargingSchedulePeriodType period;
    period.startPeriod = p.start_s;
    period.limit = p.limit;
    period.numberPhases = p.phases;
    out.chargingSchedulePeriod.push_back(std::move(period));
  }
  return out;
}

// 2.0.1 leaves reasonCode free text of at most 20 characters (StatusInfoType). The core's codes
// keep within it; a longer one would be cut rather than make the answer invalid, and the detail
// stays in additionalInfo.
std::string short_reason(const std::string& code) {
  constexpr std::size_t kMost = 20;
  return code.size() <= kMost ? code : code.substr(0, kMost);
}

// K09: which installed profiles a GetChargingProfiles asks for.
ProfileCriteria criteria_of(const m::GetChargingProfilesRequest& req) {
  ProfileCriteria c;
  c.evse = req.evseId;  // absent: every EVSE; 0: the station's own (ChargingProfileCriterionType)
  const auto& k = req.chargingProfile;
  if (k.chargingProfilePurpose) c.purpose = purpose_of(*k.chargingProfilePurpose);
  c.stack_level = k.stackLevel;
  if (k.chargingProfileId) c.ids = *k.chargingProfileId;
  return c;
}

// K08: the station's composite schedule for an EVSE, or why it cannot give one.
std::variant<CompositeSchedule, Refusal> composite_of(ChargePoint& core,
                                                             const m::GetCompositeScheduleRequest& req) {
  const auto allowed = core.limits().accepted();
  if (req.evseId < 0 || req.evseId > allowed.evse_count) {
    return Refusal{"UnknownEvse", "EVSE " + std::to_string(req.evseId) + " does not exist"};
  }
  CompositeRequest r;
  r.evse = req.evseId;
  // Without a unit asked for, the first one the station works in (SmartChargingCtrlr.RateUnit).
  r.unit = req.chargingRateUnit ? unit_of(*req.chargingRateUnit)
                                : (allowed.allow_amperes ? RateUnit::A : RateUnit::W);
  if ((r.unit == RateUnit::A && !allowed.allow_amperes) || (r.unit == RateUnit::W && !allowed.allow_watts)) {
    return Refusal{"UnsupportedRateUnit",
                          "rate unit " + std::string(to_string(r.unit)) + " is not in SmartChargingCtrlr.RateUnit"};
  }
  if (req.duration <= 0) {
    return Refusal{"ValueTooLow", "duration " + std::to_string(req.duration) + " s: it must be positive"};
  }
  r.from = std::chrono::time_point_cast<std::chrono::seconds>(core.now());
  r.duration_s = req.duration;
  return core.limits().composite(r);
}

m::CompositeScheduleType to_v201(const CompositeSchedule& s) {
  m::CompositeScheduleType out;
  out.evseId = s.evse;
  out.duration = s.duration_s;
  out.scheduleStart = DateTime(s.start);
  out.chargingRateUnit = unit_of(s.unit);
  for (const auto& p : s.periods) {
    m::ChargingSchedulePeriodType period;
    period.startPeriod = p.start_s;
    period.limit = p.limit;
    period.numberPhases = p.phases;
    out.chargingSchedulePeriod.push_back(std::move(period));
  }
  return out;
}

}  // namespace

std::variant<ChargingProfile, Refusal> to_core_profile(const m::ChargingProfileType& in, int evse) {
  if (auto refusal = unsupported_parts(in)) return *refusal;
  ChargingProfile p;
  p.id = in.id;
  p.stack_level = in.stackLevel;
  p.purpose = purpose_of(in.chargingProfilePurpose);
  switch (in.chargingProfileKind) {
    case m::ChargingProfileKindEnumType::Absolute: p.kind = ProfileKind::Absolute; break;
    case m::ChargingProfileKindEnumType::Recurring: p.kind = ProfileKind::Recurring; break;
    case m::ChargingProfileKindEnumType::Relative: p.kind = ProfileKind::Relative; break;
  }
  if (in.recurrencyKind) {
    p.recurrency = *in.recurrencyKind == m::RecurrencyKindEnumType::Weekly ? Recurrency::Weekly : Recurrency::Daily;
  }
  if (in.validFrom) p.valid_from = in.validFrom->time();
  if (in.validTo) p.valid_to = in.validTo->time();
  // Only a TxProfile belongs to a transaction; on other purposes the field means nothing.
  if (in.transactionId && p.purpose == ProfilePurpose::Tx) p.transaction_id = in.transactionId->str();
  p.evse = evse;
  p.schedule = schedule_of(in.chargingSchedule.front());
  return p;
}

m::ChargingProfileType to_v201(const ChargingProfile& p) {
  m::ChargingProfileType out;
  out.id = p.id;
  out.stackLevel = p.stack_level;
  out.chargingProfilePurpose = purpose_of(p.purpose);
  switch (p.kind) {
    case ProfileKind::Absolute: out.chargingProfileKind = m::ChargingProfileKindEnumType::Absolute; break;
    case ProfileKind::Recurring: out.chargingProfileKind = m::ChargingProfileKindEnumType::Recurring; break;
    case ProfileKind::Relative: out.chargingProfileKind = m::ChargingProfileKindEnumType::Relative; break;
  }
  if (p.recurrency) {
    out.recurrencyKind =
        *p.recurrency == Recurrency::Weekly ? m::RecurrencyKindEnumType::Weekly : m::RecurrencyKindEnumType::Daily;
  }
  if (p.valid_from) out.validFrom = DateTime(*p.valid_from);
  if (p.valid_to) out.validTo = DateTime(*p.valid_to);
  // The station's transactionId has at most 36 characters (it made it); one longer cannot be a
  // 2.0.1 transaction's and is left out rather than failing the whole report.
  if (p.transaction_id && p.transaction_id->size() <= 36) out.transactionId = *p.transaction_id;
  out.chargingSchedule.push_back(schedule_of(p.schedule));
  return out;
}

std::vector<m::ReportChargingProfilesRequest> charging_profile_reports(std::int32_t request_id,
                                                                       const std::vector<ChargingProfile>& profiles) {
  // A report carries one source: the CSMS's profiles are CSO's, the limits of the site's energy
  // manager (ChargingLimits::set_external_limit) are EMS's.
  using Source = m::ChargingLimitSourceEnumType;
  std::map<std::pair<int, Source>, std::vector<m::ChargingProfileType>> by_evse;
  for (const auto& p : profiles) {
    const auto source = p.purpose == ProfilePurpose::ExternalConstraints ? Source::EMS : Source::CSO;
    by_evse[{p.evse, source}].push_back(to_v201(p));
  }
  std::vector<m::ReportChargingProfilesRequest> out;
  for (auto& [key, list] : by_evse) {
    m::ReportChargingProfilesRequest r;
    r.requestId = request_id;
    r.chargingLimitSource = key.second;
    const int evse = key.first;
    r.evseId = evse;
    r.chargingProfile = std::move(list);
    out.push_back(std::move(r));
  }
  for (std::size_t i = 0; i + 1 < out.size(); ++i) out[i].tbc = true;
  return out;
}

m::StatusInfoType status_info(const Refusal& refusal) {
  constexpr std::size_t kMostInfo = 512;
  std::string_view text = refusal.message;
  if (text.size() > kMostInfo) {
    std::size_t cut = kMostInfo;  // at a UTF-8 boundary
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  m::StatusInfoType info;
  info.reasonCode = short_reason(refusal.reason_code);
  if (!text.empty()) info.additionalInfo = text;
  return info;
}

// K01 SetChargingProfile: the checks only 2.0.1 has, then the core's (validate(), K01.FR.06).
std::optional<Refusal> Adapter::set_charging_profile(const m::SetChargingProfileRequest& req) {
  const auto& in = req.chargingProfile;
  // K01.FR.22: ChargingStationExternalConstraints come from outside OCPP; the CSMS cannot set them.
  if (in.chargingProfilePurpose == m::ChargingProfilePurposeEnumType::ChargingStationExternalConstraints) {
    return Refusal{"InvalidPurpose", "ChargingStationExternalConstraints cannot be set by the CSMS (K01.FR.22)"};
  }
  // K01.FR.03: a TxProfile names its transaction. (1.6 let the pile pick the running one; the
  // core would do the same, so the absence is refused here, before it gets there.)
  if (in.chargingProfilePurpose == m::ChargingProfilePurposeEnumType::TxProfile && !in.transactionId) {
    return Refusal{"MissingParam", "a TxProfile must carry transactionId (K01.FR.03)"};
  }
  auto converted = to_core_profile(in, req.evseId);
  if (auto* refusal = std::get_if<Refusal>(&converted)) return *refusal;
  // K01.FR.16 (TxProfile only on an EVSE > 0), K01.FR.40/41 (startSchedule by kind), stack level,
  // rate unit, periods: validate(). K01.FR.06: a second profile of the same purpose, stack level
  // and EVSE (and transaction) is refused, not put in the first one's place: `false`.
  return core_->limits().install(std::get<ChargingProfile>(converted), false);
}

void Adapter::register_smart_charging_handlers() {
  auto& ep = client_->rpc();
  rpc::handle<m::SetChargingProfileRequest>(ep, [this](const m::SetChargingProfileRequest& req) {
    m::SetChargingProfileResponse res;
    res.status = m::ChargingProfileStatusEnumType::Accepted;
    if (auto refusal = set_charging_profile(req)) {
      log::info("v201", "SetChargingProfile " + std::to_string(req.chargingProfile.id) + " on EVSE " +
                            std::to_string(req.evseId) + " Rejected: " + refusal->message);
      res.status = m::ChargingProfileStatusEnumType::Rejected;
      res.statusInfo = status_info(*refusal);
    }
    return res;
  });
  // K10: by chargingProfileId, or by the criteria (every one given must match; none: all). The
  // core never clears ExternalConstraints, which the CSMS did not set.
  rpc::handle<m::ClearChargingProfileRequest>(ep, [this](const m::ClearChargingProfileRequest& req) {
    ProfileCriteria c;
    if (req.chargingProfileId) {
      c.ids = std::vector<std::int32_t>{*req.chargingProfileId};
    } else if (req.chargingProfileCriteria) {
      const auto& k = *req.chargingProfileCriteria;
      c.evse = k.evseId;
      if (k.chargingProfilePurpose) c.purpose = purpose_of(*k.chargingProfilePurpose);
      c.stack_level = k.stackLevel;
    }
    m::ClearChargingProfileResponse res;
    res.status = core_->limits().clear(c) > 0 ? m::ClearChargingProfileStatusEnumType::Accepted
                                              : m::ClearChargingProfileStatusEnumType::Unknown;
    return res;
  });
  register_charging_profile_reports();
  // K08: the limits from now for `duration` seconds, for an EVSE or (0) the whole station.
  rpc::handle<m::GetCompositeScheduleRequest>(ep, [this](const m::GetCompositeScheduleRequest& req) {
    m::GetCompositeScheduleResponse res;
    const auto composite = composite_of(*core_, req);
    if (const auto* refusal = std::get_if<Refusal>(&composite)) {
      res.status = m::GenericStatusEnumType::Rejected;
      res.statusInfo = status_info(*refusal);
      return res;
    }
    res.status = m::GenericStatusEnumType::Accepted;
    res.schedule = to_v201(std::get<CompositeSchedule>(composite));
    return res;
  });
}

// K09 GetChargingProfiles: Accepted or NoProfiles, then the reports after the answer has gone.
void Adapter::register_charging_profile_reports() {
  rpc::handle<m::GetChargingProfilesRequest>(client_->rpc(), [this](const m::GetChargingProfilesRequest& req) {
    const auto& sources = req.chargingProfile.chargingLimitSource;
    // The CSMS's profiles are CSO's, the site energy manager's limits EMS's; no other source
    // sets limits on this station.
    const auto asked = [&](m::ChargingLimitSourceEnumType s) {
      return !sources || std::find(sources->begin(), sources->end(), s) != sources->end();
    };
    std::vector<ChargingProfile> found;
    for (auto& p : core_->limits().installed(criteria_of(req))) {
      const bool external = p.purpose == ProfilePurpose::ExternalConstraints;
      if (asked(external ? m::ChargingLimitSourceEnumType::EMS : m::ChargingLimitSourceEnumType::CSO)) {
        found.push_back(std::move(p));
      }
    }
    m::GetChargingProfilesResponse res;
    res.status = found.empty() ? m::GetChargingProfileStatusEnumType::NoProfiles
                               : m::GetChargingProfileStatusEnumType::Accepted;
    if (found.empty()) return res;
    auto alive = alive_;
    loop_.post([this, alive, reports = charging_profile_reports(req.requestId, found)] {
      if (!*alive) return;
      for (const auto& r : reports) rpc::call(client_->rpc(), r);
    });
    return res;
  });
}

}  // namespace ocpp::cp::v201
