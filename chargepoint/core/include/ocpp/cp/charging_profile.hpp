#pragma once
// Smart charging's vocabulary, version-neutral (1.6 §3.13 "Smart Charging" and §7.7-7.11; 2.0.1
// Part 2 K "SmartCharging", ChargingProfileType): the profiles a CSMS installs, the checks a
// profile must pass, and the composite schedule, which is the one place that says how much a
// connector may draw at any moment. The adapters translate their messages into these types; the
// core stores the profiles (charging_profiles.hpp) and applies the limit to the hardware
// (charging_limits.hpp).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/common/clock.hpp"

namespace ocpp::cp {

// What a profile is for. 1.6 ChargePointMaxProfile and 2.0.1 ChargingStationMaxProfile are the
// same thing (StationMax). ExternalConstraints (2.0.1 only) come from outside the OCPP link (an
// energy manager): the pile reports them and never accepts one from the CSMS (K01.FR.22).
enum class ProfilePurpose { StationMax, TxDefault, Tx, ExternalConstraints };
enum class ProfileKind { Absolute, Recurring, Relative };
enum class Recurrency { Daily, Weekly };
enum class RateUnit { A, W };
std::string_view to_string(ProfilePurpose p);
std::string_view to_string(ProfileKind k);
std::string_view to_string(Recurrency r);
std::string_view to_string(RateUnit u);

struct SchedulePeriod {
  std::int32_t start_s = 0;        // seconds from the schedule's start
  double limit = 0;                // in the schedule's unit, per phase for A, total for W
  std::optional<int> phases;       // absent: 3 (1.6 §7.9, 2.0.1 ChargingSchedulePeriodType)
  bool operator==(const SchedulePeriod& o) const {
    return start_s == o.start_s && limit == o.limit && phases == o.phases;
  }
};

struct ChargingSchedule {
  std::int32_t id = 0;                     // 2.0.1 ChargingScheduleType.id; 1.6 has none: 0
  std::optional<SystemTime> start;         // startSchedule
  std::optional<std::int32_t> duration_s;  // absent: the last period lasts until the profile ends
  RateUnit unit = RateUnit::A;
  std::vector<SchedulePeriod> periods;     // start_s ascending, the first at 0
  std::optional<double> min_rate;          // minChargingRate, reported, not applied
};

struct ChargingProfile {
  std::int32_t id = 0;
  std::int32_t stack_level = 0;
  ProfilePurpose purpose = ProfilePurpose::TxDefault;
  ProfileKind kind = ProfileKind::Absolute;
  std::optional<Recurrency> recurrency;  // Recurring only
  std::optional<SystemTime> valid_from;
  std::optional<SystemTime> valid_to;
  // Tx profiles: the transaction, by the name the CSMS knows it (TransactionRecord::csms_id).
  std::optional<std::string> transaction_id;
  // 0: the whole station; else an EVSE (1.6's connectorId is mapped to its EVSE by the adapter).
  int evse = 0;
  ChargingSchedule schedule;
};

// The answer to "how much may flow", per moment, as a 1.6 GetCompositeSchedule or 2.0.1
// CompositeScheduleType carries it.
struct CompositePeriod {
  std::int32_t start_s = 0;
  double limit = 0;
  int phases = 3;
  bool operator==(const CompositePeriod& o) const {
    return start_s == o.start_s && limit == o.limit && phases == o.phases;
  }
};
struct CompositeSchedule {
  int evse = 0;
  SystemTime start{};
  std::int32_t duration_s = 0;
  RateUnit unit = RateUnit::A;
  std::vector<CompositePeriod> periods;  // start_s ascending, the first at 0
};

// One EVSE as the composite schedule sees it.
struct EvseSupply {
  int evse = 1;
  int phases = 3;               // wired supply phases
  double max_current_a = 32;    // the hardware's own maximum per phase
  // The transaction running there, by the CSMS's name of it, and when it started (Relative
  // profiles count from then). None: nothing runs; TxDefault profiles would apply to the next one.
  std::optional<std::string> transaction_id;
  std::optional<SystemTime> transaction_start;
};

struct CompositeRequest {
  int evse = 0;                  // 0: what the whole station draws from the grid
  SystemTime from{};
  std::int32_t duration_s = 86400;
  RateUnit unit = RateUnit::A;
};

// The limit at every moment of [from, from + duration) is the lowest of: the EVSE's share of the
// station maximum, the transaction's profile (the TxProfile with the highest stack level in force,
// else the TxDefaultProfile with the highest stack level, one for the EVSE winning over one for the
// station), and the hardware maximum. Amperes and watts convert with the phases in force and
// `voltage_v`. For evse 0: the sum over the EVSEs, capped by the station maximum. Profiles not for
// this station (other EVSEs' Tx profiles, expired ones) are ignored. Adjacent periods with equal
// limit and phases are merged.
CompositeSchedule compose(const std::vector<ChargingProfile>& profiles, const std::vector<EvseSupply>& evses,
                          double voltage_v, const CompositeRequest& request);

// What the pile accepts, as its configuration says (1.6 ChargeProfileMaxStackLevel,
// ChargingScheduleAllowedChargingRateUnit, ChargingScheduleMaxPeriods, MaxChargingProfilesInstalled;
// 2.0.1 SmartChargingCtrlr ProfileStackLevel, RateUnit, PeriodsPerSchedule, Entries).
struct ProfileLimits {
  std::int32_t max_stack_level = 8;
  bool allow_amperes = true;
  bool allow_watts = true;
  int max_periods = 24;
  int max_installed = 32;
  int evse_count = 1;
};

// Why a profile is refused; each adapter words it (2.0.1 StatusInfo.reasonCode), and the core logs
// `message`.
struct ProfileRefusal {
  std::string reason_code;  // short, 2.0.1 style: "InvalidStackLevel", "TxNotFound", ...
  std::string message;      // for the log: says what was wrong and the value
};

// The checks every version shares (1.6 §5.16, 2.0.1 K01.FR.*): stack level, unit, periods in
// order and starting at 0, kind and recurrence consistent, a Tx profile for a running transaction
// on a real EVSE, a station maximum for the station. `running` says whether the profile's
// transaction runs on its EVSE. Returns nothing when the profile may be installed.
std::optional<ProfileRefusal> validate(const ChargingProfile& profile, const ProfileLimits& limits,
                                       bool transaction_running);

}  // namespace ocpp::cp
