#pragma once
// A thin RAII layer over SQLite 3: one connection, prepared statements, transactions and numbered
// migrations (PRAGMA user_version). Opened in WAL mode with synchronous=FULL, so a committed
// transaction survives a power cut (DESIGN.md principle 4).
#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ocpp::db {

class DbError : public std::runtime_error {
 public:
  DbError(const std::string& what, int code) : std::runtime_error(what), code_(code) {}
  int code() const { return code_; }
  // SQLITE_FULL: the disk is full. Callers turn this into a clear fault instead of losing data.
  bool disk_full() const { return (code_ & 0xFF) == SQLITE_FULL; }

 private:
  int code_;
};

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds by 1-based index; returns *this for chaining.
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances to the next row: true when a row is available.
  bool step();
  // Runs a statement that returns no rows.
  void run();
  void reset();

  bool is_null(int column) const;
  std::int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::optional<std::int64_t> optional_int64(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens (creating if needed). Throws DbError naming the file. `vfs`: the name of a registered
  // SQLite VFS to open it through (tests simulate power cuts with one, tests/powercut); empty,
  // SQLite's default.
  explicit Database(const std::string& path, const std::string& vfs = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  void exec(std::string_view sql);
  // Runs `fn` in one transaction (BEGIN IMMEDIATE ... COMMIT), rolled back if it throws. Called
  // inside another transaction it nests as a savepoint.
  void transaction(const std::function<void()>& fn);
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }
  const std::string& path() const { return path_; }
  sqlite3* handle() { return db_; }

  // Applies migrations[i] for every i >= the file's user_version, each in its own transaction,
  // then sets user_version. A file written by a newer version is refused rather than guessed at.
  void migrate(const std::vector<std::string_view>& migrations);
  int user_version();

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace ocpp::db
