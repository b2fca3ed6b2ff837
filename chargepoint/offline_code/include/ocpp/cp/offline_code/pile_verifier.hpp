#pragma once
// The pile's side of the offline charging code (DESIGN.md "The offline charging code:
// requirements"; docs/offline-code.md §5-§8): the OfflineCodeVerifier the authorization chain asks
// about codes typed on the keypad. It gates on the lockout, verifies with the codec under the
// pile's keys and clock policy, refuses replays with the durable replay window, and records an
// accepted code (its serial, the lockout reset, the time floor) in one durable SQLite transaction
// before it answers, so before the contactor can close (DESIGN.md principle 4). Lockouts and
// replayed codes become security events for the CSMS.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/cp/authorizer.hpp"
#include "ocpp/cp/offline_code/code_store.hpp"
#include "ocpp/cp/offline_code/key_ring.hpp"
#include "ocpp/cp/offline_code/pile_clocks.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/offline_code/clock_policy.hpp"
#include "ocpp/offline_code/code.hpp"
#include "ocpp/offline_code/lockout.hpp"

namespace ocpp::cp::offline_code {

// Security event types (1.6 security extension / 2.0.1 SecurityEventNotification.type; vendor
// types beyond the spec's list are allowed, CiString50).
inline constexpr const char* kLockoutEvent = "OfflineCodeLockout";
inline constexpr const char* kReplayEvent = "OfflineCodeReplayed";

class PileCodeVerifier final : public OfflineCodeVerifier {
 public:
  // `clock`: the pile's wall clock (corrected by the CSMS's time). `clocks`: the other time sources
  // of docs/offline-code.md §7 and §8.1 (the daemon gives system_pile_clocks()).
  PileCodeVerifier(CodeStore& store, KeyRing& keys, SecurityEvents& events, const Settings& settings,
                   const Clock& clock, std::string charge_point_id,
                   ocpp::offline_code::LockoutPolicy policy = {}, PileClocks clocks = {});

  void authorize_code(ConnectorId connector, const std::string& code, bool online,
                      std::function<void(CodeVerdict)> done) override;
  void used_online(ConnectorId connector, const std::string& code) override;
  // Its session never started: the serial is fresh again, durably (docs/offline-code.md §5).
  void release_unused(ConnectorId connector, const std::string& code) override;

  // The clock was just set from the CSMS (or NTP): §7, the sync time and the time floor are
  // persisted, at most once an hour to spare the flash.
  void clock_synced();

  // For `status` and tests: what the clock policy says now.
  ocpp::offline_code::ClockView clock_view();
  // §7: the time floor now: a time known to have passed.
  std::int64_t time_floor();

 private:
  CodeVerdict decide(ConnectorId connector, const std::string& code);
  ocpp::offline_code::Verdict verify_code(ConnectorId connector, const std::string& code,
                                          const std::vector<ocpp::offline_code::PileKey>& keys);
  CodeVerdict accept(ConnectorId connector, const ocpp::offline_code::Fields& fields, std::int64_t now);
  CodeVerdict refuse_failure(ConnectorId connector, std::int64_t now, const std::string& masked);
  ocpp::offline_code::ClockFacts clock_facts();
  ocpp::offline_code::Lockout load_lockout();
  std::optional<std::int64_t> stored_int(const std::string& name);
  std::int64_t unix_now() const;
  std::int64_t boot_now() const;
  std::int64_t elapsed_now();
  std::int64_t wall_time_of(std::int64_t elapsed);

  CodeStore& store_;
  KeyRing& keys_;
  SecurityEvents& events_;
  const Settings& settings_;
  const Clock& clock_;
  std::string charge_point_id_;
  ocpp::offline_code::LockoutPolicy policy_;
  PileClocks clocks_;
  std::optional<std::int64_t> last_sync_seen_;  // this run's latest sync, persisted or not
  // §8.1: elapsed time = what was persisted before this boot + boot-clock seconds since it started.
  std::optional<std::int64_t> elapsed_base_;
  std::int64_t boot_started_ = 0;  // the boot clock when this verifier was made (the daemon's start)
};

}  // namespace ocpp::cp::offline_code
