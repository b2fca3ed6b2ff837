#include "ocpp/cp/charging_limits.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/charge_point.hpp"

namespace ocpp::cp {
namespace {

// The composite is computed this far ahead: the next boundary within it gets a timer. Beyond it
// (or when nothing changes) the limits are computed again at this interval anyway, which also
// brings a wall clock that jumped back into step (the loop's timers run on the steady clock).
constexpr std::chrono::seconds kRecheck{60};
constexpr std::int32_t kHorizonS = 86400;

}  // namespace

ChargingLimits::ChargingLimits(ChargePoint& cp) : cp_(cp), profiles_(cp.store().db()) {}

ChargingLimits::~ChargingLimits() {
  if (timer_ != 0) cp_.loop().cancel(timer_);
}

double ChargingLimits::voltage_v() const {
  return static_cast<double>(cp_.settings().get_int("nominal_voltage_v"));
}

ProfileLimits ChargingLimits::accepted() const {
  auto& s = cp_.settings();
  ProfileLimits l;
  l.max_stack_level = static_cast<std::int32_t>(s.get_int("smart_charging_max_stack_level"));
  const auto units = s.get_list("smart_charging_rate_units");
  l.allow_amperes = std::find(units.begin(), units.end(), "A") != units.end();
  l.allow_watts = std::find(units.begin(), units.end(), "W") != units.end();
  l.max_periods = static_cast<int>(s.get_int("smart_charging_max_periods"));
  l.max_installed = static_cast<int>(s.get_int("smart_charging_max_profiles"));
  l.evse_count = static_cast<int>(cp_.topology().evses.size());
  return l;
}

std::vector<EvseSupply> ChargingLimits::supplies() const {
  std::vector<EvseSupply> out;
  const double volts = voltage_v();
  for (const auto& evse : cp_.topology().evses) {
    EvseSupply s;
    s.evse = evse.id;
    s.phases = evse.phases;
    // The EVSE's maximum power is its hardware's: in amperes per phase at the nominal voltage.
    s.max_current_a = evse.max_power_w / (volts * std::max(1, evse.phases));
    for (const auto& c : evse.connectors) {
      const auto flat = cp_.topology().flat(evse.id, c.id);
      if (!flat) continue;
      if (auto tx = cp_.running_transaction(*flat)) {
        s.transaction_id = tx->station_id;
        // Schedules run in whole seconds: a Relative profile counts from the second the
        // transaction started, so that it is in force from its first moment (a start at .5 s
        // would otherwise leave the hardware maximum until the next whole second).
        s.transaction_start = std::chrono::time_point_cast<std::chrono::seconds>(tx->started_at);
        if (*s.transaction_start > tx->started_at) *s.transaction_start -= std::chrono::seconds(1);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

std::optional<ProfileRefusal> ChargingLimits::install(ChargingProfile profile, bool replace_same_stack) {
  bool running = false;
  if (profile.purpose == ProfilePurpose::Tx) {
    for (const auto& s : supplies()) {
      if (s.evse != profile.evse || !s.transaction_id) continue;
      if (!profile.transaction_id) profile.transaction_id = s.transaction_id;  // 1.6 §5.16
      running = profile.transaction_id == s.transaction_id;
    }
  }
  auto refusal = validate(profile, accepted(), running);
  if (!refusal && !replace_same_stack) {
    if (auto other = profiles_.same_stack(profile)) {
      refusal = ProfileRefusal{"DuplicateProfile", "profile " + std::to_string(*other) +
                                                      " has the same purpose, stack level and EVSE (K01.FR.06)"};
    }
  }
  const bool replaces = std::any_of(profiles_.all().begin(), profiles_.all().end(),
                                    [&](const ChargingProfile& p) { return p.id == profile.id; });
  // The CSMS's profiles count, not the limits of the site's energy manager.
  const auto installed_by_csms = std::count_if(profiles_.all().begin(), profiles_.all().end(), [](const ChargingProfile& p) {
    return p.purpose != ProfilePurpose::ExternalConstraints;
  });
  if (!refusal && !replaces && installed_by_csms >= accepted().max_installed) {
    refusal = ProfileRefusal{"TooManyProfiles", "already " + std::to_string(installed_by_csms) +
                                                    " profiles installed (the most this pile keeps)"};
  }
  if (refusal) {
    log::warn("smart-charging", "charging profile " + std::to_string(profile.id) + " refused: " + refusal->message);
    return refusal;
  }
  profiles_.install(profile, replace_same_stack);
  log::info("smart-charging", "charging profile " + std::to_string(profile.id) + " (" +
                                  std::string(to_string(profile.purpose)) + ", stack level " +
                                  std::to_string(profile.stack_level) + ", EVSE " + std::to_string(profile.evse) +
                                  ") installed");
  changed();
  return std::nullopt;
}

int ChargingLimits::clear(const ProfileCriteria& criteria) {
  const int n = profiles_.clear(criteria);
  if (n > 0) {
    log::info("smart-charging", std::to_string(n) + " charging profile(s) cleared");
    changed();
  }
  return n;
}

std::vector<ChargingProfile> ChargingLimits::installed(const ProfileCriteria& criteria) const {
  return profiles_.matching(criteria);
}

CompositeSchedule ChargingLimits::composite(const CompositeRequest& request) const {
  return compose(profiles_.all(), supplies(), voltage_v(), request);
}

OfferedLimit ChargingLimits::limit_now(ConnectorId id) const { return limit_now(id, supplies()); }

OfferedLimit ChargingLimits::limit_now(ConnectorId id, const std::vector<EvseSupply>& supplied) const {
  const auto where = cp_.topology().located(id);
  if (!where) return {};
  CompositeRequest r;
  r.evse = where->first;
  r.from = cp_.now();
  r.duration_s = 1;
  const auto first = [&](RateUnit unit) {
    r.unit = unit;
    const auto schedule = compose(profiles_.all(), supplied, voltage_v(), r);
    return schedule.periods.empty() ? 0.0 : schedule.periods.front().limit;
  };
  OfferedLimit limit{first(RateUnit::A), first(RateUnit::W)};
  auto& hw = cp_.hal().connector(id);
  if (hw.direct_current()) {
    // DC: the level is the power; amperes here would be the AC side's, which a DC stage's output
    // current is not. The current limit only says whether energy is offered (hal.hpp).
    limit.amps = limit.watts > 0 ? std::numeric_limits<double>::max() : 0;
  } else if (limit.amps < hw.min_current_a()) {
    // AC below 6 A: the pilot cannot signal it and the EV pauses (IEC 61851-1 annex A); the
    // core says so (SuspendedEVSE) instead of reporting a charge that does not happen.
    limit = {};
  }
  return limit;
}

std::optional<ProfileRefusal> ChargingLimits::check_remote_start_profile(const ChargingProfile& profile) const {
  if (profile.purpose != ProfilePurpose::Tx) {
    // 1.6 §5.11 and 2.0.1 F01.FR.08/K05: only a TxProfile may come with a remote start.
    return ProfileRefusal{"InvalidPurpose", "a remote start's charging profile must be a TxProfile"};
  }
  ChargingProfile p = profile;
  if (p.evse == 0) p.evse = 1;  // its EVSE is the one the transaction starts on
  auto refusal = validate(p, accepted(), true);
  if (refusal) log::warn("smart-charging", "remote start's charging profile refused: " + refusal->message);
  return refusal;
}

void ChargingLimits::transaction_started(ConnectorId connector, const std::string& station_id,
                                         std::optional<ChargingProfile> profile) {
  if (profile) {
    // A remote start's profile (1.6 §5.11, 2.0.1 K05) is for the transaction it started; it was
    // checked when the request came, so only the transaction and its EVSE are filled in here.
    profile->transaction_id = station_id;
    if (const auto where = cp_.topology().located(connector)) profile->evse = where->first;
    try {
      profiles_.install(*profile, true);
    } catch (const std::exception& e) {
      log::error("smart-charging", "the remote start's charging profile is not stored: " + std::string(e.what()));
    }
  }
  changed();
}

void ChargingLimits::transaction_ended(const std::string& station_id) {
  try {
    profiles_.end_transaction(station_id);
  } catch (const std::exception& e) {
    // Left in the store, it can never apply again (no transaction has that id) and goes at the
    // next successful clear; the limits of the other transactions are unaffected.
    log::error("smart-charging", "the Tx profiles of transaction " + station_id + " stay stored: " + e.what());
  }
  changed();
}

void ChargingLimits::changed() {
  try {
    profiles_.remove_expired(cp_.now());
  } catch (const std::exception& e) {
    log::error("smart-charging", std::string("expired profiles not removed: ") + e.what());
  }
  // The running transactions are read from the store once for the whole pass, not once for each
  // connector, unit and EVSE the pass computes a schedule for.
  const auto supplied = supplies();
  apply(supplied);
  schedule_next(supplied);
}

void ChargingLimits::apply(const std::vector<EvseSupply>& supplied) {
  for (ConnectorId id = 1; id <= cp_.connector_count(); ++id) cp_.offer_limit(id, limit_now(id, supplied));
}

void ChargingLimits::schedule_next(const std::vector<EvseSupply>& supplied) {
  if (timer_ != 0) cp_.loop().cancel(timer_);
  timer_ = 0;
  // The nearest boundary of any EVSE's composite schedule, at most kRecheck away.
  // Periods start on whole seconds: the schedule is computed from the present second, and the
  // timer fires at the boundary itself, not a fraction of a second before it.
  const SystemTime now = cp_.now();
  CompositeRequest r;
  r.from = std::chrono::time_point_cast<std::chrono::seconds>(now);
  if (r.from > now) r.from -= std::chrono::seconds(1);
  r.duration_s = kHorizonS;
  const auto into_second = std::chrono::duration_cast<std::chrono::milliseconds>(now - r.from);
  std::chrono::milliseconds wait = kRecheck;
  for (const auto& evse : cp_.topology().evses) {
    r.evse = evse.id;
    const auto s = compose(profiles_.all(), supplied, voltage_v(), r);
    if (s.periods.size() > 1) {
      wait = std::min<std::chrono::milliseconds>(wait, std::chrono::seconds(s.periods[1].start_s) - into_second);
    }
  }
  timer_ = cp_.loop().schedule_after(std::max(wait, std::chrono::milliseconds(1)), [this] {
    timer_ = 0;
    changed();
  });
}

std::optional<std::string> ChargingLimits::set_external_limit(int evse, std::optional<ExternalLimit> limit) {
  if (evse < 0 || evse > static_cast<int>(cp_.topology().evses.size())) {
    return "no EVSE " + std::to_string(evse) + " (0 is the whole station)";
  }
  const std::int32_t id = kExternalProfileIdBase + evse;
  if (!limit) {
    ProfileCriteria c;
    c.ids = std::vector<std::int32_t>{id};
    const bool had = !profiles_.matching(c).empty();
    if (had) {
      profiles_.remove_external(id);
      log::info("smart-charging", "external limit of EVSE " + std::to_string(evse) + " lifted");
      if (external_listener_) external_listener_(evse, std::nullopt);
      changed();
    }
    return std::nullopt;
  }
  if (!(limit->limit >= 0) || !std::isfinite(limit->limit)) return "the limit must be a number >= 0";
  const auto allowed = accepted();
  if ((limit->unit == RateUnit::A && !allowed.allow_amperes) || (limit->unit == RateUnit::W && !allowed.allow_watts)) {
    return "the pile does not take limits in " + std::string(to_string(limit->unit));
  }
  ChargingProfile p;
  p.id = id;
  p.purpose = ProfilePurpose::ExternalConstraints;
  p.kind = ProfileKind::Absolute;
  p.evse = evse;
  p.schedule.start = std::chrono::time_point_cast<std::chrono::seconds>(cp_.now()) - std::chrono::seconds(1);
  p.schedule.unit = limit->unit;
  p.schedule.periods.push_back({0, limit->limit, std::nullopt});
  profiles_.install(p, false);
  log::info("smart-charging", "external limit of EVSE " + std::to_string(evse) + ": " + std::to_string(limit->limit) +
                                  " " + std::string(to_string(limit->unit)));
  if (external_listener_) external_listener_(evse, p);
  changed();
  return std::nullopt;
}

std::optional<ChargingLimits::ExternalLimit> ChargingLimits::external_limit(int evse) const {
  for (const auto& p : profiles_.all()) {
    if (p.id == kExternalProfileIdBase + evse && !p.schedule.periods.empty()) {
      return ExternalLimit{p.schedule.periods.front().limit, p.schedule.unit};
    }
  }
  return std::nullopt;
}

}  // namespace ocpp::cp
