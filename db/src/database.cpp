#include "ocpp/db/database.hpp"

namespace ocpp::db {
namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what, int code) {
  throw DbError(what + ": " + (db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code)), code);
}

}  // namespace

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) fail(db_, "prepare \"" + std::string(sql.substr(0, 60)) + "\"", rc);
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) { other.stmt_ = nullptr; }

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, std::string("step \"") + sqlite3_sql(stmt_) + "\"", sqlite3_extended_errcode(db_));
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
std::int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* p = sqlite3_column_text(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p),
                                                    static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::optional<std::int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

Database::Database(const std::string& path, const std::string& vfs) : path_(path) {
  const int rc = sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    const std::string why = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw DbError("cannot open database \"" + path + "\": " + why, rc);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  try {
    // WAL + synchronous=FULL: every commit is on stable storage before it returns.
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA foreign_keys=ON");
  } catch (...) {
    // A file that is not a database fails here; the destructor will not run, so close now.
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Database::~Database() { sqlite3_close(db_); }

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    const std::string why = err != nullptr ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw DbError("\"" + text.substr(0, 60) + "\" failed on " + path_ + ": " + why, sqlite3_extended_errcode(db_));
  }
}

void Database::transaction(const std::function<void()>& fn) {
  // Inside another transaction (a block that records its own rows while its caller records an
  // event), a savepoint: all of it commits or rolls back with the outer transaction.
  if (sqlite3_get_autocommit(db_) == 0) {
    exec("SAVEPOINT nested");
    try {
      fn();
      exec("RELEASE nested");
    } catch (...) {
      sqlite3_exec(db_, "ROLLBACK TO nested; RELEASE nested", nullptr, nullptr, nullptr);
      throw;
    }
    return;
  }
  exec("BEGIN IMMEDIATE");
  try {
    fn();
    exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

int Database::user_version() {
  auto st = prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.int64(0));
}

void Database::migrate(const std::vector<std::string_view>& migrations) {
  const int current = user_version();
  const int latest = static_cast<int>(migrations.size());
  if (current > latest) {
    throw DbError("database \"" + path_ + "\" has schema version " + std::to_string(current) +
                      ", newer than this program knows (" + std::to_string(latest) + "); refusing to use it",
                  SQLITE_MISMATCH);
  }
  for (int v = current; v < latest; ++v) {
    transaction([&] {
      exec(migrations[static_cast<std::size_t>(v)]);
      exec("PRAGMA user_version=" + std::to_string(v + 1));
    });
  }
}

}  // namespace ocpp::db
