#include "ocpp/db/sql.hpp"
#include "postgres_connection.hpp"

namespace ocpp::db {

bool is_postgres_uri(std::string_view target) {
  return target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0;
}

std::unique_ptr<SqlConnection> open_sql(const std::string& target) {
  if (is_postgres_uri(target)) return std::make_unique<PostgresConnection>(target);
  return std::make_unique<SqliteConnection>(target);
}

}  // namespace ocpp::db
