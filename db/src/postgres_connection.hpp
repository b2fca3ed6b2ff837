#pragma once
// The PostgreSQL backend of the SQL interface (sql.hpp), over libpq. One connection, used from one
// thread (the CSMS's event loop), blocking like the SQLite backend.
#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "ocpp/db/sql.hpp"

namespace ocpp::db {

// SQLite's ?N parameters as PostgreSQL's $N (outside quoted text and comments); `max_index` gets
// the highest N. Exposed for its unit test.
std::string postgres_parameters(std::string_view sql, int& max_index);
// A migration step written for SQLite, in PostgreSQL's types (see SqlConnection::migrate).
std::string postgres_ddl(std::string_view sql);

class PostgresConnection final : public SqlConnection {
 public:
  explicit PostgresConnection(std::string uri);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  SqlStatement prepare(std::string_view sql) override;
  void exec(std::string_view sql) override;
  void transaction(const std::function<void()>& fn) override;
  int changes() const override { return changes_; }
  void migrate(const std::vector<std::string_view>& migrations) override;
  int schema_version() override;
  SqlBackend backend() const override { return SqlBackend::Postgres; }
  std::string describe() const override { return shown_; }

  struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  using Result = std::unique_ptr<PGresult, ResultDeleter>;
  // Runs one statement with text parameters (nullopt: NULL); throws the error's class (sql.hpp).
  Result execute(const std::string& sql, const std::vector<std::optional<std::string>>& params);

 private:
  void connect();
  void ensure_connected();
  void run_simple(const std::string& sql);
  void rollback_quietly();
  [[noreturn]] void fail(const PGresult* result, std::string_view sql);
  void attempt(const std::function<void()>& fn);
  void nested(const std::function<void()>& fn);

  std::string uri_;
  std::string shown_;  // the URI without its password
  PGconn* conn_ = nullptr;
  int changes_ = 0;
  int depth_ = 0;  // open transaction levels: 0 none, 1 the transaction, more savepoints
};

}  // namespace ocpp::db
