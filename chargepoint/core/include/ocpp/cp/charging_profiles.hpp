#pragma once
// The charging profiles installed on this pile (1.6 §3.13, 2.0.1 K01-K04): persisted in SQLite so
// that the plan survives a restart and keeps applying while the link is down (2.0.1 K06/K07: the
// pile, not the CSMS, holds the plan). Kept in memory too, since the composite schedule reads them
// at every period boundary. Each write is one durable statement before it is answered.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/charging_profile.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

// Which profiles a Clear or a Get names (1.6 ClearChargingProfile.req, 2.0.1 ClearChargingProfile
// and GetChargingProfiles' ChargingProfileCriterionType). Every field given must match.
struct ProfileCriteria {
  std::optional<std::vector<std::int32_t>> ids;
  std::optional<int> evse;
  std::optional<ProfilePurpose> purpose;
  std::optional<std::int32_t> stack_level;
  bool matches(const ChargingProfile& p) const;
};

class ChargingProfiles {
 public:
  // Loads what is stored; a row that no longer reads is dropped with a log line.
  explicit ChargingProfiles(db::Database& db);

  // Installs `profile`, replacing the one with the same id (1.6 §5.16, 2.0.1 K01.FR.05) and, when
  // `replace_same_stack`, the one of the same purpose, stack level and EVSE (1.6 §3.13.2; for Tx
  // profiles, of the same transaction). Durable on return.
  void install(const ChargingProfile& profile, bool replace_same_stack);
  // The profile of another id that has the same purpose, stack level and EVSE (and transaction),
  // which 2.0.1 K01.FR.06 refuses to install beside it.
  std::optional<std::int32_t> same_stack(const ChargingProfile& profile) const;
  // Removes what matches; returns how many. Never touches ExternalConstraints (K10: the CSMS does
  // not clear limits it did not set).
  int clear(const ProfileCriteria& criteria);
  // Removes the ExternalConstraints profile `id` (its owner lifted it; clear() never does).
  void remove_external(std::int32_t id);
  // A transaction ended: its Tx profiles end with it (1.6 §3.13.1, 2.0.1 K01.FR.05 note).
  int end_transaction(const std::string& transaction_id);
  // Profiles whose validTo has passed are removed (issue 12: an expired profile is removed).
  int remove_expired(SystemTime now);

  const std::vector<ChargingProfile>& all() const { return profiles_; }
  std::vector<ChargingProfile> matching(const ProfileCriteria& criteria) const;
  std::size_t size() const { return profiles_.size(); }

 private:
  int remove_if(const std::function<bool(const ChargingProfile&)>& doomed);
  db::Database& db_;
  std::vector<ChargingProfile> profiles_;
};

// A profile as stored (JSON text of the neutral type); throws std::runtime_error on bad text.
std::string encode_profile(const ChargingProfile& profile);
ChargingProfile decode_profile(const std::string& text);

}  // namespace ocpp::cp
