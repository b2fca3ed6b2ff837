// The checks a charging profile passes before the pile installs it, shared by 1.6 (§5.16
// SetChargingProfile, §3.13.1) and 2.0.1 (K01 SetChargingProfile, its K01.FR.* requirements). Each
// refusal carries a 2.0.1-style reason code, which the 1.6 adapter only logs (1.6's
// SetChargingProfile.conf says Rejected and nothing more), and a message that names the value.
#include <cstdio>
#include <string>

#include "ocpp/cp/charging_profile.hpp"

namespace ocpp::cp {
namespace {

ProfileRefusal refuse(std::string code, std::string message) { return {std::move(code), std::move(message)}; }

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Where the profile may go and what it may be for.
std::optional<ProfileRefusal> check_target(const ChargingProfile& p, const ProfileLimits& limits,
                                           bool transaction_running) {
  // K01.FR.22: the CSMS never sets ChargingStationExternalConstraints; only the energy manager
  // behind the pile does, and the pile reports them.
  if (p.purpose == ProfilePurpose::ExternalConstraints)
    return refuse("InvalidPurpose", "ChargingStationExternalConstraints cannot be set by the CSMS (K01.FR.22)");
  // K01.FR.28 (and 1.6 §5.16: an unknown connector is refused).
  if (p.evse < 0 || p.evse > limits.evse_count)
    return refuse("UnknownEvse", "EVSE " + std::to_string(p.evse) + " does not exist (0.." +
                                     std::to_string(limits.evse_count) + ")");
  // 1.6 §3.13.1 "ChargePointMaxProfile can only be set at Charge Point ConnectorId 0"; K01.FR.03.
  if (p.purpose == ProfilePurpose::StationMax && p.evse != 0)
    return refuse("InvalidPurpose",
                  "a station maximum profile must be set on EVSE 0, not " + std::to_string(p.evse) + " (K01.FR.03)");
  if (p.purpose == ProfilePurpose::Tx) {
    // 1.6 §3.13.1 "TxProfile SHALL only be set at Charge Point ConnectorId >0"; K01.FR.16.
    if (p.evse == 0)
      return refuse("InvalidPurpose", "a TxProfile must name an EVSE, not EVSE 0 (K01.FR.16)");
    // 1.6 §3.13.1: with no transaction on the connector the pile "SHALL discard it and return an
    // error status"; 2.0.1 K01.FR.09 (no transaction on the EVSE) and K01.FR.33 (not this one).
    if (!transaction_running)
      return refuse("TxNotFound", "transaction " + p.transaction_id.value_or("(none given)") +
                                      " does not run on EVSE " + std::to_string(p.evse) + " (K01.FR.09, K01.FR.33)");
  }
  return std::nullopt;
}

// What the pile says it supports (1.6 §3.13.5 configuration keys; 2.0.1 SmartChargingCtrlr).
std::optional<ProfileRefusal> check_capabilities(const ChargingProfile& p, const ProfileLimits& limits) {
  if (p.stack_level < 0 || p.stack_level > limits.max_stack_level)
    return refuse("InvalidStackLevel", "stack level " + std::to_string(p.stack_level) + " is outside 0.." +
                                           std::to_string(limits.max_stack_level));
  const RateUnit unit = p.schedule.unit;
  // K01.FR.26: a rate unit the station did not list in ChargingScheduleChargingRateUnit.
  if ((unit == RateUnit::A && !limits.allow_amperes) || (unit == RateUnit::W && !limits.allow_watts))
    return refuse("UnsupportedRateUnit",
                  "rate unit " + std::string(to_string(unit)) + " is not supported here (K01.FR.26)");
  const auto n = p.schedule.periods.size();
  if (n > static_cast<std::size_t>(limits.max_periods))
    return refuse("TooManyPeriods", std::to_string(n) + " periods, at most " + std::to_string(limits.max_periods));
  return std::nullopt;
}

// The periods: at least one, the first at 0 (K01.FR.31), strictly ascending (K01.FR.35), limits
// not negative, 1..3 phases (1.6 ChargingSchedulePeriod.numberPhases, 2.0.1 ChargingSchedulePeriodType).
std::optional<ProfileRefusal> check_periods(const ChargingSchedule& s) {
  if (s.periods.empty()) return refuse("InvalidSchedule", "the schedule has no periods");
  if (s.periods.front().start_s != 0)
    return refuse("InvalidSchedule",
                  "the first period starts at " + std::to_string(s.periods.front().start_s) + ", not 0 (K01.FR.31)");
  for (std::size_t i = 0; i < s.periods.size(); ++i) {
    const auto& period = s.periods[i];
    if (i > 0 && period.start_s <= s.periods[i - 1].start_s)
      return refuse("InvalidSchedule", "period " + std::to_string(i) + " starts at " + std::to_string(period.start_s) +
                                           ", not after " + std::to_string(s.periods[i - 1].start_s) + " (K01.FR.35)");
    if (!(period.limit >= 0))  // also refuses NaN
      return refuse("InvalidSchedule", "period " + std::to_string(i) + " has the limit " + num(period.limit));
    if (period.phases && (*period.phases < 1 || *period.phases > 3))
      return refuse("InvalidSchedule", "period " + std::to_string(i) + " has " + std::to_string(*period.phases) +
                                           " phases, not 1..3");
  }
  if (s.duration_s && *s.duration_s < 0)
    return refuse("InvalidSchedule", "the duration " + std::to_string(*s.duration_s) + " s is negative");
  return std::nullopt;
}

// Kind, recurrence and start agree, and the validity window is a window.
std::optional<ProfileRefusal> check_timing(const ChargingProfile& p) {
  const bool has_start = p.schedule.start.has_value();
  if (p.kind == ProfileKind::Recurring && !p.recurrency)
    return refuse("InvalidSchedule", "a Recurring profile needs a recurrencyKind");
  // K01.FR.40: Absolute and Recurring schedules carry startSchedule. (1.6's ChargingSchedule leaves it optional;
  // the pile asks for it under both versions so that a schedule never moves with the transaction
  // when its kind says it is fixed in time.)
  if ((p.kind == ProfileKind::Absolute || p.kind == ProfileKind::Recurring) && !has_start)
    return refuse("InvalidSchedule",
                  "an " + std::string(to_string(p.kind)) + " profile needs startSchedule (K01.FR.40)");
  // K01.FR.41: a Relative schedule counts from the transaction's start, so it has no startSchedule.
  if (p.kind == ProfileKind::Relative && has_start)
    return refuse("InvalidSchedule", "a Relative profile must not have startSchedule (K01.FR.41)");
  if (p.valid_from && p.valid_to && !(*p.valid_from < *p.valid_to)) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(*p.valid_to - *p.valid_from).count();
    return refuse("InvalidValidity",
                  "validTo is " + std::to_string(secs) + " s after validFrom; it must be later");
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProfileRefusal> validate(const ChargingProfile& profile, const ProfileLimits& limits,
                                       bool transaction_running) {
  if (auto r = check_target(profile, limits, transaction_running)) return r;
  if (auto r = check_capabilities(profile, limits)) return r;
  if (auto r = check_periods(profile.schedule)) return r;
  return check_timing(profile);
}

}  // namespace ocpp::cp
