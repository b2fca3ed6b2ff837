#pragma once
// Settlements of sessions paid with offline codes (docs/offline-code.md §9): at most one per code
// and pile, enforced by a UNIQUE constraint, so that a session replayed any number of times is
// billed once.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/db/sql.hpp"

namespace ocpp::server {

struct Settlement {
  std::int64_t id = 0;
  std::string code;
  std::string charge_point_id;
  int connector_id = 0;
  std::string transaction_id;
  std::optional<std::string> user;  // the driver the code was issued to; none for an anomaly without one
  std::int64_t energy_wh = 0;
  std::string started_at;  // RFC 3339, as the pile reported them
  std::string stopped_at;
  std::optional<std::int64_t> duration_s;
  std::string amount;  // exact decimal, e.g. "4.63"
  std::string currency;
  // Why this settlement needs a person's attention: "never_issued", "issued_for_other_pile",
  // "connector_mismatch", "used_twice", "negative_energy", "meter_readings_missing",
  // "implausible_energy" (several are joined with ','); nullopt for a normal settlement.
  std::optional<std::string> anomaly;
  std::optional<std::string> issued_charge_point_id;  // issued_for_other_pile: the pile it was issued for
  std::string settled_at;
};

class SettlementBook {
 public:
  explicit SettlementBook(db::SqlConnection& db) : db_(db) {}

  // Stores `s` unless this pile already has a settlement for this code. Returns the settlement that
  // is stored now, and whether it is the one just given.
  std::pair<Settlement, bool> insert_once(const Settlement& s);
  std::optional<Settlement> find(const std::string& charge_point_id, const std::string& code);
  // The user's settlements, oldest first.
  std::vector<Settlement> of_user(const std::string& user);
  // Every settlement (operators), oldest first; `anomalies_only` keeps the flagged ones.
  std::vector<Settlement> all(bool anomalies_only = false);

 private:
  std::vector<Settlement> query(const std::string& where, const std::optional<std::string>& arg);

  db::SqlConnection& db_;
};

}  // namespace ocpp::server
