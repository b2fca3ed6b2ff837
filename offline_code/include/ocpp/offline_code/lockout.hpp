#pragma once
// Brute-force lockout (docs/offline-code.md section 8.1): a backoff per connector and a budget per
// pile. Only wrong codes (Verdict::counts_as_failure) are recorded. A value type with the time as a
// parameter; the pile persists serialise() durably before it shows the verdict.
//
// Every `now` given to it must be elapsed time: seconds on a clock that never jumps (CLOCK_BOOTTIME
// plus what was persisted across reboots), never the wall clock. Refills and lock ends follow that
// time, so setting a wall clock forward and back gives nothing back (§8.1). A reading earlier than
// the last one (a state written on the wall-clock timeline by an older version) shifts the stored
// instants by the same amount, so no time is gained.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/offline_code/fields.hpp"

namespace ocpp::offline_code {

struct LockoutPolicy {
  unsigned connector_lock_from = 3;            // the n-th consecutive failure, n >= this, locks
  UnixSeconds connector_first_lock = 60;       // 1 min at n = 3, doubling
  UnixSeconds connector_max_lock = 3600;       // up to 60 min
  UnixSeconds connector_forget_after = 86400;  // the count restarts after 24 h without a failure
  unsigned pile_budget = 10;                   // failures the pile allows at once
  UnixSeconds pile_refill_interval = 3600;     // one more every hour, up to pile_budget
};

// §8.2: the most failures the policy lets through in `period` seconds, on all connectors together.
std::uint64_t max_counted_attempts(const LockoutPolicy& policy, UnixSeconds period);

class Lockout {
 public:
  enum class Scope { None, Connector, Pile };

  struct Gate {
    Scope locked_by = Scope::None;  // None: the code may be evaluated
    UnixSeconds until = 0;          // when the lock ends (if locked)
    bool open() const { return locked_by == Scope::None; }
  };

  // What a failure did; a lock that begins here is logged and reported as a security event.
  struct Outcome {
    unsigned connector_failures = 0;   // consecutive failures on that connector
    unsigned budget_left = 0;          // of the pile
    bool connector_locked = false;
    UnixSeconds connector_until = 0;
    bool pile_locked = false;
    UnixSeconds pile_until = 0;
  };

  explicit Lockout(LockoutPolicy policy = {}) : policy_(policy), budget_(policy.pile_budget) {}

  // Whether a code typed on `connector` at `now` may be evaluated.
  Gate gate(unsigned connector, UnixSeconds now);
  Outcome record_failure(unsigned connector, UnixSeconds now);
  void record_success(unsigned connector, UnixSeconds now);
  unsigned budget(UnixSeconds now);

  const LockoutPolicy& policy() const { return policy_; }
  // The latest time the state was brought to; none before the first.
  std::optional<UnixSeconds> seen() const { return seen_; }

  // "lockout/1 seen=T budget=B@A conn=ID:N:LAST:UNTIL,..." (conn= empty when no connector has
  // failures). The policy is configuration and is not part of the state.
  std::string serialise() const;
  static std::optional<Lockout> parse(std::string_view text, LockoutPolicy policy = {});

  friend bool operator==(const Lockout& a, const Lockout& b) {
    return a.seen_ == b.seen_ && a.budget_ == b.budget_ && a.refill_anchor_ == b.refill_anchor_ &&
           a.connectors_ == b.connectors_;
  }

 private:
  struct ConnectorState {
    unsigned failures = 0;
    UnixSeconds last_failure = 0;
    UnixSeconds locked_until = 0;
    friend bool operator==(const ConnectorState& a, const ConnectorState& b) {
      return a.failures == b.failures && a.last_failure == b.last_failure && a.locked_until == b.locked_until;
    }
  };
  static constexpr std::size_t kMaxConnectors = 255;

  // Brings the state to `now`: shifts it when the clock went back, refills the budget, forgets old
  // connector counts.
  void advance(UnixSeconds now);

  LockoutPolicy policy_;
  std::optional<UnixSeconds> seen_;  // the latest time the state was brought to
  unsigned budget_;
  UnixSeconds refill_anchor_ = 0;    // the budget grows by one at anchor + k * interval
  std::map<unsigned, ConnectorState> connectors_;
};

std::string_view to_string(Lockout::Scope scope);

}  // namespace ocpp::offline_code
