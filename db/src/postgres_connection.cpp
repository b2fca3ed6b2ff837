// The PostgreSQL backend (sql.hpp): parameters, types, SERIALIZABLE transactions with retries,
// reconnection, and numbered migrations in the table schema_migrations.
#include "postgres_connection.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <regex>
#include <thread>

namespace ocpp::db {
namespace {

// Bounds of the retries (docs/reference-csms.md, "PostgreSQL"): a conflicting transaction is
// re-run up to 10 times, a lost connection is tried again 4 times over about 1.5 s; then the
// request fails (503) rather than hold the event loop longer.
constexpr int kSerializationAttempts = 10;
constexpr int kConnectionAttempts = 4;
// Any constant: the key of the advisory lock that lets one instance at a time migrate.
constexpr long kMigrationLock = 4202612;

std::string without_password(const std::string& uri) {
  // postgresql://user:secret@host/db?password=secret -> postgresql://user@host/db?password=...
  std::string out = uri;
  const auto scheme = out.find("://");
  const auto at = out.find('@', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme != std::string::npos && at != std::string::npos) {
    const auto colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out = out.substr(0, colon) + out.substr(at);
  }
  const auto query = out.find('?');
  for (auto p = out.find("password=", query == std::string::npos ? out.size() : query); p != std::string::npos;
       p = out.find("password=", p + 12)) {
    const auto end = out.find('&', p);
    out.replace(p, (end == std::string::npos ? out.size() : end) - p, "password=...");
  }
  return out;
}

std::string trimmed(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

void ignore_notice(void*, const char*) {}

void backoff(int attempt, int base_ms) {
  // Exponential with jitter, so that two instances that conflicted do not meet again in step.
  static thread_local std::minstd_rand random(std::random_device{}());
  const int cap = base_ms << std::min(attempt, 6);
  std::this_thread::sleep_for(std::chrono::milliseconds(cap / 2 + static_cast<int>(random() % static_cast<unsigned>(cap / 2 + 1))));
}

class PostgresCursor final : public SqlCursor {
 public:
  PostgresCursor(PostgresConnection& conn, std::string_view sql) : conn_(conn) {
    int count = 0;
    sql_ = postgres_parameters(sql, count);
    params_.resize(static_cast<std::size_t>(count));
  }
  void bind_int64(int index, std::int64_t value) override { slot(index) = std::to_string(value); }
  void bind_double(int index, double value) override {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", value);
    slot(index) = std::string(text);
  }
  void bind_text(int index, std::string_view value) override { slot(index) = std::string(value); }
  void bind_null(int index) override { slot(index).reset(); }
  bool step() override {
    if (!result_) {
      result_ = conn_.execute(sql_, params_);
      row_ = -1;
    }
    return ++row_ < PQntuples(result_.get());
  }
  void reset() override {
    result_.reset();
    for (auto& p : params_) p.reset();
  }
  bool is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }
  std::int64_t int64(int column) const override { return std::strtoll(value(column), nullptr, 10); }
  double real(int column) const override { return std::strtod(value(column), nullptr); }
  std::string text(int column) const override {
    return std::string(value(column), static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
  }

 private:
  std::optional<std::string>& slot(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > params_.size()) {
      throw DbError("parameter ?" + std::to_string(index) + " is not in \"" + sql_.substr(0, 60) + "\"", 0);
    }
    return params_[static_cast<std::size_t>(index - 1)];
  }
  const char* value(int column) const {
    if (!result_ || row_ < 0 || row_ >= PQntuples(result_.get()) || column >= PQnfields(result_.get())) {
      throw DbError("no column " + std::to_string(column) + " in the current row of \"" + sql_.substr(0, 60) + "\"", 0);
    }
    return PQgetvalue(result_.get(), row_, column);
  }

  PostgresConnection& conn_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  PostgresConnection::Result result_;
  int row_ = -1;
};

}  // namespace

std::string postgres_parameters(std::string_view sql, int& max_index) {
  std::string out;
  out.reserve(sql.size() + 8);
  max_index = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      // Quoted text or identifier, with doubled quotes inside: copied as is.
      const std::size_t end = sql.find(c, i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      const std::size_t end = sql.find('\n', i);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
    } else if (c == '?' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      std::size_t j = i + 1;
      int n = 0;
      while (j < sql.size() && sql[j] >= '0' && sql[j] <= '9') n = n * 10 + (sql[j++] - '0');
      max_index = std::max(max_index, n);
      out += '$';
      out.append(sql.substr(i + 1, j - i - 1));
      i = j - 1;
    } else if (c == '?') {
      throw DbError("unnumbered parameter '?' in \"" + std::string(sql.substr(0, 60)) + "\": write ?1, ?2, ...", 0);
    } else {
      out += c;
    }
  }
  return out;
}

std::string postgres_ddl(std::string_view sql) {
  static const std::regex autoincrement(R"(\bINTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT\b)", std::regex::icase);
  static const std::regex integer(R"(\bINTEGER\b)", std::regex::icase);
  const std::string keyed =
      std::regex_replace(std::string(sql), autoincrement, "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  return std::regex_replace(keyed, integer, "BIGINT");
}

PostgresConnection::PostgresConnection(std::string uri) : uri_(std::move(uri)), shown_(without_password(uri_)) {
  connect();
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

void PostgresConnection::connect() {
  PQfinish(conn_);
  depth_ = 0;
  conn_ = PQconnectdb(uri_.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    const std::string why = trimmed(PQerrorMessage(conn_));
    PQfinish(conn_);
    conn_ = nullptr;
    throw DatabaseUnavailable("cannot connect to " + shown_ + ": " + why);
  }
  PQsetNoticeProcessor(conn_, ignore_notice, nullptr);
}

void PostgresConnection::ensure_connected() {
  // PQconsumeInput reads what the server sent meanwhile without waiting: a server that restarted
  // or ended this session has closed the socket, and the request is sent on a new connection
  // instead of failing on the old one.
  if (conn_ == nullptr || PQconsumeInput(conn_) == 0 || PQstatus(conn_) != CONNECTION_OK) connect();
}

void PostgresConnection::fail(const PGresult* result, std::string_view sql) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state != nullptr ? state : "";
  const std::string why = trimmed(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  const std::string what = "\"" + std::string(sql.substr(0, 60)) + "\" failed on " + shown_ + ": " + why;
  if (code == "40001" || code == "40P01") throw SerializationFailure(what);
  // Class 08: connection exceptions; 57P0x: the server is shutting down or not yet accepting.
  if (PQstatus(conn_) != CONNECTION_OK || code.rfind("08", 0) == 0 || code.rfind("57P0", 0) == 0) {
    throw DatabaseUnavailable(what);
  }
  throw DbError(what, 0);
}

PostgresConnection::Result PostgresConnection::execute(const std::string& sql,
                                                       const std::vector<std::optional<std::string>>& params) {
  // Outside a transaction a lost connection is re-made here, for the next request; inside one, the
  // transaction's retry does it (its earlier statements are gone with the old connection).
  if (depth_ == 0) ensure_connected();
  if (conn_ == nullptr) throw DatabaseUnavailable("no connection to " + shown_);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  Result r(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.get(), sql);
  changes_ = std::atoi(PQcmdTuples(r.get()));
  return r;
}

SqlStatement PostgresConnection::prepare(std::string_view sql) {
  return SqlStatement(std::make_unique<PostgresCursor>(*this, sql));
}

void PostgresConnection::run_simple(const std::string& sql) {
  if (conn_ == nullptr) throw DatabaseUnavailable("no connection to " + shown_);
  Result r(PQexec(conn_, sql.c_str()));
  const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) fail(r.get(), sql);
  changes_ = std::atoi(PQcmdTuples(r.get()));
}

void PostgresConnection::exec(std::string_view sql) {
  if (depth_ == 0) ensure_connected();
  run_simple(std::string(sql));
}

void PostgresConnection::rollback_quietly() {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) Result(PQexec(conn_, "ROLLBACK"));
  depth_ = 0;
}

void PostgresConnection::nested(const std::function<void()>& fn) {
  const std::string name = "sp" + std::to_string(depth_);
  run_simple("SAVEPOINT " + name);
  ++depth_;
  try {
    fn();
    --depth_;
    run_simple("RELEASE SAVEPOINT " + name);
  } catch (...) {
    --depth_;
    // Back to the savepoint, so that a caller who handles the error can go on; a serialization
    // failure or a lost connection still ends the whole transaction further out.
    if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK) {
      Result(PQexec(conn_, ("ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name).c_str()));
    }
    throw;
  }
}

void PostgresConnection::attempt(const std::function<void()>& fn) {
  ensure_connected();
  run_simple("BEGIN ISOLATION LEVEL SERIALIZABLE");
  depth_ = 1;
  try {
    fn();
  } catch (...) {
    rollback_quietly();
    throw;
  }
  try {
    run_simple("COMMIT");
    depth_ = 0;
  } catch (const SerializationFailure&) {
    rollback_quietly();
    throw;  // PostgreSQL refused the commit: nothing was kept, safe to run again
  } catch (const DatabaseUnavailable& e) {
    depth_ = 0;
    // The commit may or may not have happened: running fn again could do it twice.
    throw DatabaseUnavailable(std::string("connection lost during COMMIT, its outcome is unknown: ") + e.what());
  } catch (...) {
    rollback_quietly();
    throw;
  }
}

void PostgresConnection::transaction(const std::function<void()>& fn) {
  if (depth_ > 0) {
    nested(fn);
    return;
  }
  int conflicts = 0;
  int losses = 0;
  for (;;) {
    try {
      attempt(fn);
      return;
    } catch (const SerializationFailure&) {
      if (++conflicts >= kSerializationAttempts) throw;
      backoff(conflicts, 4);
    } catch (const DatabaseUnavailable& e) {
      if (std::string_view(e.what()).find("during COMMIT") != std::string_view::npos) throw;
      if (++losses >= kConnectionAttempts) throw;
      backoff(losses, 200);
    }
  }
}

int PostgresConnection::schema_version() {
  ensure_connected();
  Result exists = execute("SELECT to_regclass('schema_migrations') IS NOT NULL", {});
  if (std::string(PQgetvalue(exists.get(), 0, 0)) != "t") return 0;
  Result r = execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {});
  return std::atoi(PQgetvalue(r.get(), 0, 0));
}

void PostgresConnection::migrate(const std::vector<std::string_view>& migrations) {
  ensure_connected();
  // One transaction, under an advisory lock: instances started together migrate one after the
  // other, and the second finds the steps done. PostgreSQL's DDL is transactional, so a failed
  // step leaves nothing behind.
  run_simple("BEGIN");
  depth_ = 1;
  try {
    run_simple("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
    run_simple("CREATE TABLE IF NOT EXISTS schema_migrations(version INTEGER PRIMARY KEY, "
               "applied_at TIMESTAMPTZ NOT NULL DEFAULT now())");
    const int current = schema_version();
    const int latest = static_cast<int>(migrations.size());
    if (current > latest) {
      throw DbError("database " + shown_ + " has schema version " + std::to_string(current) +
                        ", newer than this program knows (" + std::to_string(latest) + "); refusing to use it",
                    0);
    }
    for (int v = current; v < latest; ++v) {
      run_simple(postgres_ddl(migrations[static_cast<std::size_t>(v)]));
      run_simple("INSERT INTO schema_migrations(version) VALUES(" + std::to_string(v + 1) + ")");
    }
    run_simple("COMMIT");
    depth_ = 0;
  } catch (...) {
    rollback_quietly();
    throw;
  }
}

}  // namespace ocpp::db
