#include "ocpp/server/code_book.hpp"

namespace ocpp::server {
namespace {

constexpr const char* kColumns =
    "SELECT pk, code, charge_point_id, connector_id, key_version, serial, user_name, issued_at, issued_unix, "
    "expires_at, expires_unix, energy_cap_wh, transaction_id, used_at FROM offline_codes ";

IssuedCodeRecord read(const db::SqlStatement& st) {
  IssuedCodeRecord r;
  r.id = st.int64(0);
  r.code = st.text(1);
  r.charge_point_id = st.text(2);
  r.connector_id = static_cast<int>(st.int64(3));
  r.key_version = static_cast<std::uint32_t>(st.int64(4));
  r.serial = static_cast<std::uint16_t>(st.int64(5));
  r.user = st.text(6);
  r.issued_at = st.text(7);
  r.issued_unix = st.int64(8);
  r.expires_at = st.text(9);
  r.expires_unix = st.int64(10);
  r.energy_cap_wh = st.optional_int64(11);
  r.transaction_id = st.optional_text(12);
  r.used_at = st.optional_text(13);
  return r;
}

}  // namespace

std::int64_t CodeBook::insert(const IssuedCodeRecord& r) {
  // RETURNING: both backends give the new row's key with the insert itself.
  auto st = db_.prepare(R"sql(
INSERT INTO offline_codes(code, charge_point_id, connector_id, key_version, serial, user_name, issued_at, issued_unix,
                          expires_at, expires_unix, energy_cap_wh)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING pk)sql");
  st.bind(1, r.code).bind(2, r.charge_point_id).bind(3, r.connector_id)
      .bind(4, static_cast<std::int64_t>(r.key_version)).bind(5, static_cast<std::int64_t>(r.serial))
      .bind(6, r.user).bind(7, r.issued_at).bind(8, r.issued_unix).bind(9, r.expires_at).bind(10, r.expires_unix)
      .bind(11, r.energy_cap_wh);
  if (!st.step()) throw db::DbError("inserting an offline code returned no key", 0);
  const std::int64_t pk = st.int64(0);
  st.reset();
  return pk;
}

std::vector<IssuedCodeRecord> CodeBook::query(const std::string& where, const std::vector<std::string>& args) {
  auto st = db_.prepare(std::string(kColumns) + where);
  for (std::size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  std::vector<IssuedCodeRecord> out;
  while (st.step()) out.push_back(read(st));
  return out;
}

std::optional<IssuedCodeRecord> CodeBook::find(const std::string& cp, const std::string& code) {
  auto rows = query("WHERE code=?1 AND charge_point_id=?2 ORDER BY pk LIMIT 1", {code, cp});
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<IssuedCodeRecord> CodeBook::find_for_other_piles(const std::string& code, const std::string& cp) {
  return query("WHERE code=?1 AND charge_point_id<>?2 ORDER BY pk", {code, cp});
}

std::vector<std::int64_t> CodeBook::issue_times_after(const std::string& user, std::int64_t after_unix) {
  auto st = db_.prepare("SELECT issued_unix FROM offline_codes WHERE user_name=?1 AND issued_unix>?2");
  st.bind(1, user).bind(2, after_unix);
  std::vector<std::int64_t> out;
  while (st.step()) out.push_back(st.int64(0));
  return out;
}

bool CodeBook::bind_transaction(std::int64_t id, const std::string& tx, const std::string& used_at) {
  db_.prepare("UPDATE offline_codes SET transaction_id=?2, used_at=?3 WHERE pk=?1 AND transaction_id IS NULL")
      .bind(1, id).bind(2, tx).bind(3, used_at)
      .run();
  if (db_.changes() > 0) return true;
  auto st = db_.prepare("SELECT transaction_id FROM offline_codes WHERE pk=?1");
  st.bind(1, id);
  return st.step() && st.optional_text(0) == tx;
}

std::vector<IssuedCodeRecord> CodeBook::of_user(const std::string& user) {
  return query("WHERE user_name=?1 ORDER BY pk DESC", {user});
}

}  // namespace ocpp::server
