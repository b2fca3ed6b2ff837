// Salvage of a corrupt store (issue 14, defect 8). Store moves a file SQLite finds corrupt aside
// and starts a new one; this copies into the new one what can still be read of the old, so that a
// bad page loses as little as possible:
//   - unsent charging data: transactions, their outbox events and stop readings are sent as if
//     nothing had happened (principle 4: transaction data is never silently dropped);
//   - configuration, availability, the local list, the cache and waiting security events;
//   - the offline code's state. A key and its replay windows live or die together
//     (docs/offline-code.md §6): keys are copied only when the windows table was read whole. When
//     it was not, no key is copied and kReplayWindowsLost is recorded, so that the daemon does not
//     install the configuration file's key again either; the pile then reports no key and the
//     server, which remembers the version it confirmed, provisions a newer one.
// Each table is copied whole or not at all (a read that meets the damage fails the copy of that
// table only), in an order that keeps references whole: transactions before what refers to them.
#include <string>
#include <vector>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/store.hpp"

namespace ocpp::cp {
namespace {

// The columns a table has in both files (the old one may be of an older schema version).
std::vector<std::string> shared_columns(db::Database& db, const std::string& table) {
  std::vector<std::string> out;
  auto ours = db.prepare("SELECT name FROM pragma_table_info(?1)");
  ours.bind(1, table);
  while (ours.step()) {
    const std::string column = ours.text(0);
    auto theirs = db.prepare("SELECT 1 FROM pragma_table_info(?1, 'old') WHERE name=?2");
    theirs.bind(1, table).bind(2, column);
    if (theirs.step()) out.push_back(column);
  }
  return out;
}

// Copies one table; false when the old file could not give it whole.
bool copy_table(db::Database& db, const std::string& table, const std::string& where = "") {
  try {
    const auto columns = shared_columns(db, table);
    if (columns.empty()) return false;
    std::string list;
    for (const auto& c : columns) list += (list.empty() ? "\"" : ", \"") + c + "\"";
    db.transaction([&] {
      db.exec("DELETE FROM main.\"" + table + "\"");
      db.exec("INSERT INTO main.\"" + table + "\"(" + list + ") SELECT " + list + " FROM old.\"" + table + "\"" +
              where);
    });
    return true;
  } catch (const db::DbError& e) {
    log::error("store", "salvage: table " + table + " could not be read from the damaged file (" + e.what() + ")");
    return false;
  }
}

void mark_windows_lost(db::Database& db, const std::string& old_path) {
  db.prepare("INSERT OR REPLACE INTO offline_code_state(name, value) VALUES(?1, ?2)")
      .bind(1, std::string(kReplayWindowsLost))
      .bind(2, old_path)
      .run();
  log::error("store", "salvage: the offline-code replay windows are lost: no key is installed again until the "
                      "server provisions a newer version (docs/offline-code.md §6)");
}

}  // namespace

void salvage_store(db::Database& into, const std::string& old_path) {
  try {
    into.prepare("ATTACH DATABASE ?1 AS old").bind(1, old_path).run();
  } catch (const db::DbError& e) {
    log::error("store", "salvage: " + old_path + " cannot be read at all (" + e.what() + "); nothing salvaged");
    mark_windows_lost(into, old_path);
    return;
  }
  int copied = 0;
  int lost = 0;
  for (const char* table : {"settings", "availability", "local_list", "local_list_version", "auth_cache",
                            "transactions", "outbox", "stop_samples", "security_events", "offline_code_state",
                            "charging_profiles", "reservations", "security_log"}) {
    (copy_table(into, table) ? copied : lost) += 1;
  }
  if (copy_table(into, "offline_code_windows")) {
    ++copied;
    (copy_table(into, "offline_code_keys") ? copied : lost) += 1;
  } else {
    lost += 2;
    into.exec("DELETE FROM offline_code_keys");
    mark_windows_lost(into, old_path);
  }
  into.exec("DETACH DATABASE old");
  auto pending = into.prepare("SELECT COUNT(*) FROM outbox WHERE discarded_at IS NULL");
  pending.step();
  log::warn("store", "salvage from " + old_path + ": " + std::to_string(copied) + " tables copied, " +
                         std::to_string(lost) + " lost; " + std::to_string(pending.int64(0)) +
                         " charging events to send");
}

}  // namespace ocpp::cp
