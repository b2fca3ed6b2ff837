// K12 "Charging limit from an external system" and K13 "Reset/release external charging limit":
// when the site's energy manager sets, moves or lifts its limit on the station or an EVSE
// (ChargingLimits::set_external_limit, a ChargingStationExternalConstraints profile in the core),
// the CSMS is told with NotifyChargingLimit (chargingLimitSource EMS, the schedule in force) or
// ClearedChargingLimit. A move within SmartChargingCtrlr.LimitChangeSignificance percent of the
// limit last told is not worth a message (K12). Offline, only the latest state of each EVSE waits.
#include <cmath>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/cp/v201/smart_charging.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

double first_limit(const ChargingProfile& p) { return p.schedule.periods.empty() ? 0 : p.schedule.periods.front().limit; }

// Whether `now` differs from `told` by more than `percent` of `told` (a change of unit always does).
bool significant(const ChargingProfile& told, const ChargingProfile& now, double percent) {
  if (told.schedule.unit != now.schedule.unit) return true;
  const double before = first_limit(told);
  const double after = first_limit(now);
  if (before <= 0) return after != before;
  return std::abs(after - before) * 100.0 / before > percent;
}

}  // namespace

void Adapter::external_limit_changed(int evse, const std::optional<ChargingProfile>& profile) {
  const auto told = told_limit_.find(evse);
  const bool was_told = told != told_limit_.end() && told->second.has_value();
  if (profile && was_told && limit_notices_.count(evse) == 0) {
    const auto percent = static_cast<double>(settings_.get_int("limit_change_significance_pct"));
    if (!significant(*told->second, *profile, percent)) {
      log::debug("v201", "external limit of EVSE " + std::to_string(evse) + " moved within LimitChangeSignificance");
      return;
    }
  }
  if (!profile && !was_told) {
    limit_notices_.erase(evse);  // never told of: nothing to clear
    return;
  }
  limit_notices_[evse] = profile;
  send_limit_notices();
}

void Adapter::send_limit_notices() {
  if (sending_limit_notice_ || limit_notices_.empty() || !online()) return;
  auto entry = limit_notices_.begin();
  const int evse = entry->first;
  const std::optional<ChargingProfile> notice = entry->second;
  limit_notices_.erase(entry);
  sending_limit_notice_ = true;
  auto alive = alive_;
  // Sent again after a timeout or a lost link, unless a newer state of the EVSE came meanwhile.
  const auto done = [this, alive, evse, notice](bool delivered) {
    if (!*alive) return;
    sending_limit_notice_ = false;
    if (delivered) {
      told_limit_[evse] = notice;
    } else if (limit_notices_.count(evse) == 0) {
      limit_notices_[evse] = notice;
      return;
    }
    send_limit_notices();
  };
  using S = rpc::CallOutcome::Status;
  const auto outcome = [done](const auto& r) {
    if (!r.ok() && r.status != S::Timeout && r.status != S::Disconnected) {
      log::warn("v201", "the CSMS did not take a charging limit notice (" + r.error_code + ")");
    }
    done(r.status != S::Timeout && r.status != S::Disconnected);
  };
  if (notice) {
    m::NotifyChargingLimitRequest req;
    req.chargingLimit.chargingLimitSource = m::ChargingLimitSourceEnumType::EMS;
    if (evse > 0) req.evseId = evse;
    req.chargingSchedule = to_v201(*notice).chargingSchedule;
    rpc::call(client_->rpc(), req, [outcome](rpc::Typed<m::NotifyChargingLimitResponse>& r) { outcome(r); });
  } else {
    m::ClearedChargingLimitRequest req;
    req.chargingLimitSource = m::ChargingLimitSourceEnumType::EMS;
    if (evse > 0) req.evseId = evse;
    rpc::call(client_->rpc(), req, [outcome](rpc::Typed<m::ClearedChargingLimitResponse>& r) { outcome(r); });
  }
}

}  // namespace ocpp::cp::v201
