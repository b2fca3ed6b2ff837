// The SQLite backend of the SQL interface: db::Database behind SqlConnection, unchanged behaviour.
#include "ocpp/db/sql.hpp"

namespace ocpp::db {
namespace {

class SqliteCursor final : public SqlCursor {
 public:
  SqliteCursor(Database& db, std::string_view sql) : st_(db.prepare(sql)) {}
  void bind_int64(int index, std::int64_t value) override { st_.bind(index, value); }
  void bind_double(int index, double value) override { st_.bind(index, value); }
  void bind_text(int index, std::string_view value) override { st_.bind(index, value); }
  void bind_null(int index) override { st_.bind_null(index); }
  bool step() override { return st_.step(); }
  void reset() override { st_.reset(); }
  bool is_null(int column) const override { return st_.is_null(column); }
  std::int64_t int64(int column) const override { return st_.int64(column); }
  double real(int column) const override { return st_.real(column); }
  std::string text(int column) const override { return st_.text(column); }

 private:
  Statement st_;
};

}  // namespace

SqlStatement SqliteConnection::prepare(std::string_view sql) {
  return SqlStatement(std::make_unique<SqliteCursor>(db_, sql));
}

}  // namespace ocpp::db
