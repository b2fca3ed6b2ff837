#pragma once
// The charge point's SQLite file: one database, numbered migrations (PRAGMA user_version), WAL with
// synchronous=FULL (db::Database). Each functional block reads and writes its own tables through
// the db::Database this opens; the schema of every table is in store.cpp, in one place, so the
// migrations stay numbered and ordered.
#include <memory>
#include <optional>
#include <string>

#include "ocpp/db/database.hpp"

namespace ocpp::cp {

class Store {
 public:
  // Opens or creates the file and applies the migrations. Throws db::DbError naming the file. A
  // file SQLite finds corrupt is moved aside, a new one is made, and what can still be read of the
  // old one is salvaged into it (store_salvage.cpp).
  explicit Store(const std::string& path);
  db::Database& db() { return db_; }
  // Where a corrupt file was moved at this opening, if it was.
  const std::optional<std::string>& moved_aside() const { return aside_; }

 private:
  std::optional<std::string> aside_;  // set while db_ opens, so declared first
  db::Database db_;
};

// Copies what can be read of a corrupt store at `old_path` into `into` (freshly migrated), table
// by table; see store_salvage.cpp for what is kept together and what is marked as lost.
void salvage_store(db::Database& into, const std::string& old_path);
// The offline-code replay windows of a salvaged store could not be read: keys whose used serials
// are unknown must not be installed again (offline_code_state name, value: the old file's path).
inline constexpr const char* kReplayWindowsLost = "replay_windows_lost";

}  // namespace ocpp::cp
