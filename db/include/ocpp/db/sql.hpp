#pragma once
// One SQL interface, two backends, for the server side (server/ and the reference CSMS's store):
// SQLite (a file; the default, and the same db::Database the charge point uses) and PostgreSQL over
// libpq (several CSMS instances on one shared database, docs/reference-csms.md).
//
// Why an SQL-level interface rather than a per-table Store interface: the server's statements are
// already portable SQL (ON CONFLICT ... DO UPDATE, RETURNING), so one implementation of each book
// (key book, code book, settlements, ...) serves both backends and cannot drift apart; only the
// connection, the parameter syntax, the DDL types and the transaction semantics differ, and those
// are what this interface hides. Statements are written with SQLite's ?N numbered parameters; the
// PostgreSQL backend rewrites them to $N.
//
// Transactions: transaction(fn) runs fn atomically. On SQLite it is BEGIN IMMEDIATE (one writer at a
// time for the whole file). On PostgreSQL it is SERIALIZABLE: the books were written for SQLite's
// one-writer model (read a row, decide, write it back), and SERIALIZABLE guarantees the same
// outcome as some one-at-a-time order without auditing every read-modify-write for a lost update;
// the price is that PostgreSQL may abort a transaction (SQLSTATE 40001 or 40P01), and
// transaction() then re-runs fn from the start. fn must therefore only touch the database, or do
// things that are harmless to repeat (a log line). A lost connection is also retried: reconnect,
// bounded attempts with backoff, then DatabaseUnavailable (the HTTP API's 503).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/db/database.hpp"

namespace ocpp::db {

// The database cannot be reached (refused, lost and not back after the retries, or a commit whose
// outcome is unknown). Nothing of the failed transaction is kept. HTTP callers answer 503.
class DatabaseUnavailable : public DbError {
 public:
  explicit DatabaseUnavailable(const std::string& what) : DbError(what, 0) {}
};

// PostgreSQL aborted the transaction to keep it serializable (40001, 40P01); transaction() retries
// it, so callers only see this once the retries are used up.
class SerializationFailure : public DbError {
 public:
  explicit SerializationFailure(const std::string& what) : DbError(what, 0) {}
};

// One prepared statement of a backend; used through SqlStatement.
class SqlCursor {
 public:
  virtual ~SqlCursor() = default;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_double(int index, double value) = 0;
  virtual void bind_text(int index, std::string_view value) = 0;
  virtual void bind_null(int index) = 0;
  virtual bool step() = 0;
  virtual void reset() = 0;
  virtual bool is_null(int column) const = 0;
  virtual std::int64_t int64(int column) const = 0;
  virtual double real(int column) const = 0;
  virtual std::string text(int column) const = 0;
};

// A statement of either backend, with db::Statement's interface (so code moves over unchanged).
class SqlStatement {
 public:
  explicit SqlStatement(std::unique_ptr<SqlCursor> cursor) : cursor_(std::move(cursor)) {}

  SqlStatement& bind(int index, std::int64_t value) { cursor_->bind_int64(index, value); return *this; }
  SqlStatement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  SqlStatement& bind(int index, double value) { cursor_->bind_double(index, value); return *this; }
  SqlStatement& bind(int index, std::string_view value) { cursor_->bind_text(index, value); return *this; }
  SqlStatement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  SqlStatement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
  SqlStatement& bind_null(int index) { cursor_->bind_null(index); return *this; }
  template <class T>
  SqlStatement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  // Advances to the next row: true when a row is available.
  bool step() { return cursor_->step(); }
  // Runs a statement that returns no rows.
  void run() {
    while (step()) {
    }
    reset();
  }
  void reset() { cursor_->reset(); }

  bool is_null(int column) const { return cursor_->is_null(column); }
  std::int64_t int64(int column) const { return cursor_->int64(column); }
  double real(int column) const { return cursor_->real(column); }
  std::string text(int column) const { return cursor_->text(column); }
  std::optional<std::string> optional_text(int column) const {
    if (is_null(column)) return std::nullopt;
    return text(column);
  }
  std::optional<std::int64_t> optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
  }

 private:
  std::unique_ptr<SqlCursor> cursor_;
};

enum class SqlBackend { Sqlite, Postgres };

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  virtual SqlStatement prepare(std::string_view sql) = 0;
  // Runs one or more statements without parameters.
  virtual void exec(std::string_view sql) = 0;
  // See the header comment: atomic, retried on PostgreSQL; nested calls are savepoints.
  virtual void transaction(const std::function<void()>& fn) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual int changes() const = 0;
  // Numbered migrations: applies migrations[i] for every i at or above the recorded version, each
  // step with its version, and refuses a database written by a newer program. SQLite records the
  // version in PRAGMA user_version, PostgreSQL in the table schema_migrations. The steps are
  // written in SQLite's dialect; PostgreSQL reads INTEGER as BIGINT (SQLite's integers are 64-bit)
  // and INTEGER PRIMARY KEY AUTOINCREMENT as an identity column.
  virtual void migrate(const std::vector<std::string_view>& migrations) = 0;
  virtual int schema_version() = 0;
  virtual SqlBackend backend() const = 0;
  // The file, or the URI without its password: for log lines and error messages.
  virtual std::string describe() const = 0;

  // Appended to a SELECT that reads a row the transaction will write: PostgreSQL locks it, so that a
  // second transaction on the same row waits instead of being aborted at commit; SQLite's write
  // transactions already exclude each other.
  std::string_view for_update() const { return backend() == SqlBackend::Postgres ? " FOR UPDATE" : ""; }
};

// "postgresql://..." or "postgres://..." (a libpq connection URI): PostgreSQL; anything else: an
// SQLite file (created if missing). Throws DbError (DatabaseUnavailable when the server cannot be
// reached) naming the target.
std::unique_ptr<SqlConnection> open_sql(const std::string& target);
bool is_postgres_uri(std::string_view target);

// The SQLite backend, for callers that need the file itself (tests simulating restarts).
class SqliteConnection final : public SqlConnection {
 public:
  explicit SqliteConnection(const std::string& path) : db_(path) {}
  SqlStatement prepare(std::string_view sql) override;
  void exec(std::string_view sql) override { db_.exec(sql); }
  void transaction(const std::function<void()>& fn) override { db_.transaction(fn); }
  int changes() const override { return db_.changes(); }
  void migrate(const std::vector<std::string_view>& migrations) override { db_.migrate(migrations); }
  int schema_version() override { return db_.user_version(); }
  SqlBackend backend() const override { return SqlBackend::Sqlite; }
  std::string describe() const override { return db_.path(); }
  Database& database() { return db_; }

 private:
  Database db_;
};

}  // namespace ocpp::db
