#pragma once
// Smart charging in the running pile (1.6 §3.13, 2.0.1 K01-K10): the installed profiles, the
// checks a new one passes, and the limit that reaches the hardware. At every boundary of the
// composite schedule (a period starts, a profile becomes valid or expires, a transaction starts or
// ends) each connector with its power path closed gets its new current limit through the HAL,
// online or not (2.0.1 K06/K07: the pile keeps to its plan while the link is down).
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/charging_profile.hpp"
#include "ocpp/cp/charging_profiles.hpp"
#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

class ChargePoint;

// What one connector may draw now: amperes per phase (AC, what the pilot signals) and watts (what
// a DC stage delivers). Both 0: no energy offered.
struct OfferedLimit {
  double amps = 0;
  double watts = 0;
};

class ChargingLimits {
 public:
  explicit ChargingLimits(ChargePoint& cp);
  ~ChargingLimits();
  ChargingLimits(const ChargingLimits&) = delete;
  ChargingLimits& operator=(const ChargingLimits&) = delete;

  // What the pile accepts, from its settings and topology.
  ProfileLimits accepted() const;
  // Checks and installs a profile the CSMS sent; nothing when installed, else why not (logged).
  // A Tx profile names its transaction by the pile's own id (TransactionRecord::station_id); one
  // without a transaction id is for the transaction running on its EVSE (1.6 §5.16). With
  // `replace_same_stack` one of the same purpose, stack level and EVSE is replaced (1.6); without,
  // it is refused (2.0.1 K01.FR.06).
  std::optional<ProfileRefusal> install(ChargingProfile profile, bool replace_same_stack);
  // Removes the profiles that match (never ExternalConstraints); how many.
  int clear(const ProfileCriteria& criteria);
  std::vector<ChargingProfile> installed(const ProfileCriteria& criteria) const;
  // The composite schedule of an EVSE (0: the station) from `request.from`.
  CompositeSchedule composite(const CompositeRequest& request) const;
  // What connector `id` may draw now: the composite schedule's first period, in amperes and in
  // watts. Never above the EVSE's hardware maximum; 0 when below the least the hardware can offer
  // without pausing the EV (HAL min_current_a).
  OfferedLimit limit_now(ConnectorId id) const;
  // A transaction started (its Tx profile, if a remote start brought one, is installed) or ended
  // (its Tx profiles end with it, 1.6 §3.13.1), or anything else that moves a limit: apply again.
  void transaction_started(ConnectorId connector, const std::string& station_id,
                           std::optional<ChargingProfile> profile);
  // The checks of install() for a Tx profile that comes with a remote start, before its
  // transaction exists (1.6 §5.11, 2.0.1 K05).
  std::optional<ProfileRefusal> check_remote_start_profile(const ChargingProfile& profile) const;
  void transaction_ended(const std::string& station_id);
  void changed();
  // The nominal voltage that converts amperes and watts (setting nominal_voltage_v).
  double voltage_v() const;

  // A limit from outside OCPP (a site's energy manager, through the control socket): 2.0.1
  // ChargingStationExternalConstraints. It caps the EVSE (0: the station) like a maximum profile,
  // is kept across restarts until it is lifted (nullopt), and never cleared by the CSMS (K10).
  // Returns why not when refused (no such EVSE, a negative or not finite limit, a unit the pile
  // does not allow).
  struct ExternalLimit {
    double limit = 0;
    RateUnit unit = RateUnit::A;
  };
  std::optional<std::string> set_external_limit(int evse, std::optional<ExternalLimit> limit);
  // The external limit of an EVSE (0: the station) in force, if any.
  std::optional<ExternalLimit> external_limit(int evse) const;
  // Told of every change of an external limit, with the profile now in force (nullopt: lifted), so
  // that the 2.0.1 adapter can tell the CSMS (K12 NotifyChargingLimit, ClearedChargingLimit).
  using ExternalLimitListener = std::function<void(int evse, const std::optional<ChargingProfile>& profile)>;
  void on_external_limit(ExternalLimitListener listener) { external_listener_ = std::move(listener); }
  // External limits are stored as profiles with ids from here up (one per EVSE), far below any id
  // a CSMS gives in practice; the adapters never show them as the CSMS's.
  static constexpr std::int32_t kExternalProfileIdBase = std::numeric_limits<std::int32_t>::min();

 private:
  std::vector<EvseSupply> supplies() const;
  OfferedLimit limit_now(ConnectorId id, const std::vector<EvseSupply>& supplied) const;
  void apply(const std::vector<EvseSupply>& supplied);
  void schedule_next(const std::vector<EvseSupply>& supplied);
  ChargePoint& cp_;
  ChargingProfiles profiles_;
  TimerId timer_ = 0;
  ExternalLimitListener external_listener_;
};

}  // namespace ocpp::cp
