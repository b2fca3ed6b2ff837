// The composite schedule: how much one EVSE (or the whole station) may draw at every moment of a
// window. This is the one place that answers it; GetCompositeSchedule (1.6 §5.7, 2.0.1 K08) reports
// it and the core applies it to the hardware.
//
// The rules followed, and where they come from:
// - Within one purpose, the prevailing profile at a moment is the one with the highest stackLevel
//   among those valid then (1.6 §3.13.2, 2.0.1 K01 "stacking"). Equal stack levels within a purpose
//   cannot both be installed (1.6 §3.13.2 replaces the older one); should they meet here anyway, the
//   larger profile id wins, so the answer does not depend on the order of the list.
// - A TxProfile "SHALL overrule the default charging profile with purpose TxDefaultProfile for the
//   duration of the current transaction" (1.6 §3.13.1): while a TxProfile of the EVSE's transaction
//   is in force it is the transaction's limit, even when it is higher than the TxDefaultProfile.
// - "In the event a TxDefaultProfile for connector 0 is installed, and the Central System sends a
//   new profile with ConnectorId >0, the TxDefaultProfile SHALL be replaced only for that specific
//   connector" (1.6 §3.13.1; 2.0.1: evseId 0 "applies the profile to each individual evse"): at a
//   moment when a TxDefaultProfile of the EVSE itself is in force it wins over any of EVSE 0,
//   whatever the stack levels; when none of its own is in force, EVSE 0's apply.
// - Purposes combine by taking the lowest limit at every moment (1.6 §3.13.3; 2.0.1 K08), and
//   the hardware's own maximum is one more such limit.
// - "the Charge Point has one or more local charging profiles that limit the power or current to be
//   shared by all connectors" and "The combined energy flow of all connectors SHALL NOT be greater
//   then the limit set by ChargePointMaxProfile" (1.6 §3.13.1, §3.13.3; 2.0.1 K04 internal load
//   balancing, ChargingStationMaxProfile at evseId 0): the station maximum is split between the
//   EVSEs that charge (and the one asked about, as if its transaction started now) by water-filling,
//   see water_fill(). ChargingStationExternalConstraints at EVSE 0 cap the station the same way;
//   at an EVSE they cap that EVSE (2.0.1 K11-K14 external limits, reported, never set by the CSMS).
// - Units: A is per phase, W is the total, W = A * V * phases, with the phases in force (the
//   period's numberPhases, 3 when absent per 1.6 ChargingSchedulePeriod and 2.0.1
//   ChargingSchedulePeriodType, never more than the EVSE is wired for).
// - Reported limits are rounded down to 0.1 A or 1 W (round_limit()), so that what the CSMS reads is
//   never more than the profiles allow.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <set>

#include "ocpp/cp/charging_profile.hpp"

namespace ocpp::cp {
namespace {

using Secs = std::int64_t;
constexpr Secs kDay = 86400;
constexpr Secs kWeek = 7 * kDay;
// A recurring profile asked about over years would otherwise enumerate thousands of occurrences.
constexpr Secs kMaxOccurrences = 5000;

// Seconds from `from` to `t`, rounded up: a change at 10.5 s shows from 11 s on, the first whole
// second at which the new limit holds.
Secs offset_ceil(SystemTime t, SystemTime from) { return std::chrono::ceil<std::chrono::seconds>(t - from).count(); }
Secs offset_floor(SystemTime t, SystemTime from) {
  return std::chrono::floor<std::chrono::seconds>(t - from).count();
}
SystemTime plus(SystemTime t, Secs s) { return t + std::chrono::seconds(s); }
Secs floor_div(Secs a, Secs b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0); }

Secs recurrence_period(const ChargingProfile& p) {
  if (p.kind != ProfileKind::Recurring || !p.recurrency) return 0;
  return *p.recurrency == Recurrency::Daily ? kDay : kWeek;
}

// Where the schedule's second 0 lies. Absolute and Recurring profiles carry startSchedule (K01.FR.40);
// Relative ones count from the transaction's start (1.6 ChargingProfileKindType Relative, K01.FR.41),
// and so does an Absolute one without startSchedule, which 1.6's ChargingSchedule allows (absent, the
// schedule is relative to the start of charging). With no transaction, `tx_start` is the moment
// asked about, as if a transaction started then.
SystemTime anchor_of(const ChargingProfile& p, SystemTime tx_start) {
  if (p.kind != ProfileKind::Relative && p.schedule.start) return *p.schedule.start;
  return tx_start;
}

// The period of `p` in force at `t`, or none (outside validFrom/validTo, before the schedule starts,
// after its duration). A Recurring schedule restarts every day or week at its first period (1.6
// ChargingProfileKindType Recurring);
// its last period lasts until the next occurrence begins, so a period that crosses midnight of
// the recurrence ends there and no sooner.
std::optional<SchedulePeriod> period_at(const ChargingProfile& p, SystemTime tx_start, SystemTime t) {
  if (p.valid_from && t < *p.valid_from) return std::nullopt;
  if (p.valid_to && t >= *p.valid_to) return std::nullopt;
  const SystemTime anchor = anchor_of(p, tx_start);
  if (t < anchor) return std::nullopt;
  Secs off = offset_floor(t, anchor);
  if (const Secs period = recurrence_period(p)) off %= period;
  if (p.schedule.duration_s && off >= *p.schedule.duration_s) return std::nullopt;
  const SchedulePeriod* hit = nullptr;
  for (const auto& sp : p.schedule.periods) {
    if (sp.start_s > off) break;
    hit = &sp;
  }
  if (!hit) return std::nullopt;
  return *hit;
}

struct Hit {
  const ChargingProfile* profile;
  SchedulePeriod period;
};

// The prevailing profile among those `which` selects: the highest stack level in force at `t`.
std::optional<Hit> prevailing(const std::vector<ChargingProfile>& profiles,
                              const std::function<bool(const ChargingProfile&)>& which, SystemTime tx_start,
                              SystemTime t) {
  std::optional<Hit> best;
  for (const auto& p : profiles) {
    if (!which(p)) continue;
    const auto period = period_at(p, tx_start, t);
    if (!period) continue;
    const bool better = !best || p.stack_level > best->profile->stack_level ||
                        (p.stack_level == best->profile->stack_level && p.id > best->profile->id);
    if (better) best = Hit{&p, *period};
  }
  return best;
}

// The transaction's profile at `t` (limit (b) of the header): its TxProfile, else the EVSE's own
// TxDefaultProfile, else one for EVSE 0. See the rules at the top of the file.
std::optional<Hit> transaction_limit(const std::vector<ChargingProfile>& profiles, const EvseSupply& s,
                                     SystemTime tx_start, SystemTime t) {
  if (s.transaction_id) {
    auto tx = prevailing(
        profiles,
        [&](const ChargingProfile& p) {
          // 1.6's ChargingProfile may omit transactionId: then it is for the running transaction.
          return p.purpose == ProfilePurpose::Tx && p.evse == s.evse &&
                 (!p.transaction_id || *p.transaction_id == *s.transaction_id);
        },
        tx_start, t);
    if (tx) return tx;
  }
  auto own = prevailing(
      profiles, [&](const ChargingProfile& p) { return p.purpose == ProfilePurpose::TxDefault && p.evse == s.evse; },
      tx_start, t);
  if (own) return own;
  return prevailing(
      profiles, [](const ChargingProfile& p) { return p.purpose == ProfilePurpose::TxDefault && p.evse == 0; },
      tx_start, t);
}

double to_amps(double limit, RateUnit unit, int phases, double voltage_v) {
  if (unit == RateUnit::A) return limit;
  return limit / (voltage_v * phases);
}

// What one EVSE may draw at `t` before the station's share is applied: amperes per phase and the
// phases in force.
struct EvseLimit {
  double amps = 0;
  int phases = 3;
};

EvseLimit evse_limit(const std::vector<ChargingProfile>& profiles, const EvseSupply& s, double voltage_v,
                     SystemTime from, SystemTime t) {
  const SystemTime tx_start = s.transaction_start.value_or(from);
  const int wired = std::clamp(s.phases, 1, 3);
  EvseLimit out{s.max_current_a, wired};  // (c) the hardware maximum, per phase
  if (const auto tx = transaction_limit(profiles, s, tx_start, t)) {
    out.phases = std::clamp(tx->period.phases.value_or(3), 1, wired);
    out.amps = std::min(out.amps, to_amps(tx->period.limit, tx->profile->schedule.unit, out.phases, voltage_v));
  }
  const auto ext = prevailing(
      profiles,
      [&](const ChargingProfile& p) { return p.purpose == ProfilePurpose::ExternalConstraints && p.evse == s.evse; },
      tx_start, t);
  if (ext)
    out.amps = std::min(out.amps, to_amps(ext->period.limit, ext->profile->schedule.unit, out.phases, voltage_v));
  out.amps = std::max(out.amps, 0.0);
  return out;
}

// The station's own cap at `t`, in the unit of its profile: amperes per phase or watts in total.
struct StationCap {
  double value = 0;
  RateUnit unit = RateUnit::A;
};

StationCap in_unit(const Hit& h, RateUnit unit, double voltage_v) {
  const RateUnit own = h.profile->schedule.unit;
  const int phases = std::clamp(h.period.phases.value_or(3), 1, 3);
  if (own == unit) return {h.period.limit, unit};
  if (unit == RateUnit::W) return {h.period.limit * voltage_v * phases, unit};
  return {h.period.limit / (voltage_v * phases), unit};
}

// (a): the prevailing station maximum, lowered by the prevailing external constraint for the
// station when that is lower. Station-wide Relative profiles have no transaction to count from and
// count from the moment asked about.
std::optional<StationCap> station_cap(const std::vector<ChargingProfile>& profiles, double voltage_v, SystemTime from,
                                      SystemTime t) {
  const auto for_station = [](ProfilePurpose purpose) {
    return [purpose](const ChargingProfile& p) { return p.purpose == purpose && p.evse == 0; };
  };
  const auto max = prevailing(profiles, for_station(ProfilePurpose::StationMax), from, t);
  const auto ext = prevailing(profiles, for_station(ProfilePurpose::ExternalConstraints), from, t);
  if (!max && !ext) return std::nullopt;
  if (!ext) return in_unit(*max, max->profile->schedule.unit, voltage_v);
  if (!max) return in_unit(*ext, ext->profile->schedule.unit, voltage_v);
  const RateUnit unit = max->profile->schedule.unit;
  return StationCap{std::min(in_unit(*max, unit, voltage_v).value, in_unit(*ext, unit, voltage_v).value), unit};
}

// Splits `cap` between demands by water-filling: everyone gets an equal share, and whoever needs less
// than its share gets what it needs, the rest going to the others in equal parts. Handing out in
// ascending order of demand makes one pass enough. The sum never exceeds `cap` (1.6 §3.13.3
// "SHALL NOT be greater then the limit set by ChargePointMaxProfile").
std::vector<double> water_fill(const std::vector<double>& demand, double cap) {
  std::vector<std::size_t> order(demand.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return demand[a] < demand[b]; });
  std::vector<double> given(demand.size(), 0.0);
  double remaining = std::max(cap, 0.0);
  std::size_t left = order.size();
  for (const std::size_t i : order) {
    const double share = remaining / static_cast<double>(left);
    given[i] = std::min(demand[i], share);
    remaining -= given[i];
    --left;
  }
  return given;
}

// The EVSEs that share the station maximum at a moment: those with a transaction, plus the one
// asked about as if its transaction started now (1.6 §5.7 notes that the reported schedule changes
// with local balancing when a connector becomes available). For EVSE 0, every EVSE: the station's
// composite is the most it may draw from the grid, with every EVSE charging.
bool shares(const EvseSupply& s, int asked) { return asked == 0 || s.evse == asked || s.transaction_id.has_value(); }

// Each sharing EVSE's amperes per phase after the station's cap is split (in the cap's unit: per
// phase for A, which assumes, to be safe, that every EVSE loads the same phase; total for W).
std::vector<double> allocate(const std::vector<EvseLimit>& limits, const std::optional<StationCap>& cap,
                             double voltage_v) {
  std::vector<double> amps;
  for (const auto& l : limits) amps.push_back(l.amps);
  if (!cap) return amps;
  const bool watts = cap->unit == RateUnit::W;
  std::vector<double> demand;
  for (const auto& l : limits) demand.push_back(watts ? l.amps * voltage_v * l.phases : l.amps);
  const auto given = water_fill(demand, cap->value);
  for (std::size_t i = 0; i < limits.size(); ++i)
    amps[i] = watts ? given[i] / (voltage_v * limits[i].phases) : given[i];
  return amps;
}

struct Inputs {
  const std::vector<ChargingProfile>& profiles;
  const std::vector<EvseSupply>& evses;
  double voltage_v;
  const CompositeRequest& request;
};

// Rounds down to 0.1 A or 1 W, so that the reported limit is never above what the profiles allow
// (the schemas' limits are multiples of 0.1); the small tolerance keeps 15.9999999 from a W-to-A
// round trip at 16.0.
double round_limit(double v, RateUnit unit) {
  if (unit == RateUnit::A) return std::max(0.0, std::floor(v * 10 + 1e-6) / 10);
  return std::max(0.0, std::floor(v + 1e-6));
}

// The composite's value at one moment.
CompositePeriod moment(const Inputs& in, SystemTime t) {
  std::vector<EvseLimit> limits;
  std::vector<int> ids;
  for (const auto& s : in.evses) {
    if (!shares(s, in.request.evse)) continue;
    limits.push_back(evse_limit(in.profiles, s, in.voltage_v, in.request.from, t));
    ids.push_back(s.evse);
  }
  const auto amps = allocate(limits, station_cap(in.profiles, in.voltage_v, in.request.from, t), in.voltage_v);
  const bool watts = in.request.unit == RateUnit::W;
  CompositePeriod out;
  if (in.request.evse != 0) {
    const auto i = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), in.request.evse) - ids.begin());
    out.phases = limits[i].phases;
    out.limit = watts ? amps[i] * in.voltage_v * limits[i].phases : amps[i];
  } else {
    // For EVSE 0, the sum over the EVSEs (1.6 §5.7 "the total expected energy flow"; K08 evseId 0
    // "the expected consumption for the grid connection"); the phases are the most any EVSE uses.
    double sum = 0;
    int phases = 1;
    for (std::size_t i = 0; i < limits.size(); ++i) {
      sum += watts ? amps[i] * in.voltage_v * limits[i].phases : amps[i];
      phases = std::max(phases, limits[i].phases);
    }
    out.phases = limits.empty() ? 3 : phases;
    out.limit = sum;
  }
  out.limit = round_limit(out.limit, in.request.unit);
  return out;
}

// Every second of the window at which some profile may change its value: period starts, schedule
// ends, validity bounds, for each occurrence of a recurring profile and each start a Relative one
// may count from. Between two of them every input is constant, so the composite is too.
void add_changes(const ChargingProfile& p, SystemTime anchor, SystemTime from, Secs window, std::set<Secs>& at) {
  const auto add = [&](SystemTime t) {
    const Secs s = offset_ceil(t, from);
    if (s > 0 && s < window) at.insert(s);
  };
  if (p.valid_from) add(*p.valid_from);
  if (p.valid_to) add(*p.valid_to);
  const Secs period = recurrence_period(p);
  Secs first = 0;
  Secs last = 0;
  if (period != 0) {
    const Secs rel = offset_floor(from, anchor);
    first = std::max<Secs>(0, floor_div(rel, period) - 1);
    last = std::min(floor_div(rel + window, period) + 1, first + kMaxOccurrences);
  }
  for (Secs k = first; k <= last; ++k) {
    const SystemTime base = plus(anchor, k * period);
    for (const auto& sp : p.schedule.periods) add(plus(base, sp.start_s));
    if (p.schedule.duration_s) add(plus(base, *p.schedule.duration_s));
  }
}

std::set<Secs> change_points(const Inputs& in) {
  std::set<Secs> at{0};
  const Secs window = in.request.duration_s;
  for (const auto& p : in.profiles) {
    if (p.kind != ProfileKind::Relative && p.schedule.start) {
      add_changes(p, *p.schedule.start, in.request.from, window, at);
      continue;
    }
    add_changes(p, in.request.from, in.request.from, window, at);
    for (const auto& s : in.evses)
      if (s.transaction_start) add_changes(p, *s.transaction_start, in.request.from, window, at);
  }
  return at;
}

}  // namespace

CompositeSchedule compose(const std::vector<ChargingProfile>& profiles, const std::vector<EvseSupply>& evses,
                          double voltage_v, const CompositeRequest& request) {
  CompositeSchedule out;
  out.evse = request.evse;
  out.start = request.from;
  out.duration_s = request.duration_s;
  out.unit = request.unit;
  // Nothing to say for an empty window or an EVSE the station does not have (the adapters answer
  // Rejected for the latter: 1.6 §5.7, K08.FR.05).
  const bool known = request.evse == 0 || std::any_of(evses.begin(), evses.end(), [&](const EvseSupply& s) {
                       return s.evse == request.evse;
                     });
  if (request.duration_s <= 0 || !known || !(voltage_v > 0)) return out;
  const Inputs in{profiles, evses, voltage_v, request};
  for (const Secs s : change_points(in)) {
    CompositePeriod p = moment(in, plus(request.from, s));
    p.start_s = static_cast<std::int32_t>(s);
    // Adjacent periods with the same limit and phases are one period.
    if (!out.periods.empty() && out.periods.back().limit == p.limit && out.periods.back().phases == p.phases)
      continue;
    out.periods.push_back(p);
  }
  return out;
}

}  // namespace ocpp::cp
