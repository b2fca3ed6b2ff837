#pragma once
// What the pile keeps of the offline charging code, in its own database (migration 3 of
// chargepoint/core/src/store.cpp): its keys, one replay window per key version, and a few named
// values (the newest key version it ever held, the lockout state, the time floor, the last clock
// sync). Every write is one SQLite statement, durable when it returns (WAL, synchronous=FULL), or
// part of the caller's db.transaction(); the caller decides what must be durable together.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/db/database.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "ocpp/offline_code/replay_window.hpp"

namespace ocpp::cp::offline_code {

struct StoredKey {
  ocpp::offline_code::PileKey key;
  std::int64_t installed_at = 0;  // Unix seconds
};

class CodeStore {
 public:
  explicit CodeStore(db::Database& db) : db_(db) {}

  db::Database& db() { return db_; }

  // Newest first.
  std::vector<StoredKey> keys();
  void put_key(const ocpp::offline_code::PileKey& key, std::int64_t installed_at);
  // Removes the key and its replay window (docs/offline-code.md §6: a retired version is gone).
  void delete_key(std::uint32_t version);

  // An empty window when the version has none yet.
  ocpp::offline_code::ReplayWindow window(std::uint32_t version);
  void put_window(std::uint32_t version, const ocpp::offline_code::ReplayWindow& window);

  std::optional<std::string> value(const std::string& name);
  void put_value(const std::string& name, const std::string& value);
  void delete_value(const std::string& name);

 private:
  db::Database& db_;
};

}  // namespace ocpp::cp::offline_code
