#pragma once
// The charge point's SQLite file: one database, numbered migrations (PRAGMA user_version), WAL with
// synchronous=FULL (db::Database). Each functional block reads and writes its own tables through
// the db::Database this opens; the schema of every table is in store.cpp, in one place, so the
// migrations stay numbered and ordered.
#include <memory>
#include <string>

#include "ocpp/db/database.hpp"

namespace ocpp::cp {

class Store {
 public:
  // Opens or creates the file and applies the migrations. Throws db::DbError naming the file.
  explicit Store(const std::string& path);
  db::Database& db() { return db_; }

 private:
  db::Database db_;
};

}  // namespace ocpp::cp
