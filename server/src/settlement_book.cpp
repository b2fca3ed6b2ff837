#include "ocpp/server/settlement_book.hpp"

#include <stdexcept>

namespace ocpp::server {
namespace {

constexpr const char* kColumns =
    "SELECT pk, code, charge_point_id, connector_id, transaction_id, user_name, energy_wh, started_at, stopped_at, "
    "duration_s, amount, currency, anomaly, issued_charge_point_id, settled_at FROM offline_code_settlements ";

Settlement read(const db::SqlStatement& st) {
  Settlement s;
  s.id = st.int64(0);
  s.code = st.text(1);
  s.charge_point_id = st.text(2);
  s.connector_id = static_cast<int>(st.int64(3));
  s.transaction_id = st.text(4);
  s.user = st.optional_text(5);
  s.energy_wh = st.int64(6);
  s.started_at = st.text(7);
  s.stopped_at = st.text(8);
  s.duration_s = st.optional_int64(9);
  s.amount = st.text(10);
  s.currency = st.text(11);
  s.anomaly = st.optional_text(12);
  s.issued_charge_point_id = st.optional_text(13);
  s.settled_at = st.text(14);
  return s;
}

}  // namespace

std::pair<Settlement, bool> SettlementBook::insert_once(const Settlement& s) {
  bool inserted = false;
  db_.transaction([&] {
    // UNIQUE(charge_point_id, code): the database itself refuses a second settlement.
    db_.prepare(R"sql(
INSERT INTO offline_code_settlements(code, charge_point_id, connector_id, transaction_id, user_name, energy_wh,
  started_at, stopped_at, duration_s, amount, currency, anomaly, issued_charge_point_id, settled_at)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
ON CONFLICT(charge_point_id, code) DO NOTHING)sql")
        .bind(1, s.code).bind(2, s.charge_point_id).bind(3, s.connector_id).bind(4, s.transaction_id).bind(5, s.user)
        .bind(6, s.energy_wh).bind(7, s.started_at).bind(8, s.stopped_at).bind(9, s.duration_s).bind(10, s.amount)
        .bind(11, s.currency).bind(12, s.anomaly).bind(13, s.issued_charge_point_id).bind(14, s.settled_at)
        .run();
    inserted = db_.changes() > 0;
  });
  auto stored = find(s.charge_point_id, s.code);
  if (!stored) throw std::logic_error("settlement of " + s.code + " at " + s.charge_point_id + " vanished");
  return {std::move(*stored), inserted};
}

std::vector<Settlement> SettlementBook::query(const std::string& where, const std::optional<std::string>& arg) {
  auto st = db_.prepare(std::string(kColumns) + where);
  if (arg) st.bind(1, *arg);
  std::vector<Settlement> out;
  while (st.step()) out.push_back(read(st));
  return out;
}

std::optional<Settlement> SettlementBook::find(const std::string& cp, const std::string& code) {
  auto st = db_.prepare(std::string(kColumns) + "WHERE charge_point_id=?1 AND code=?2");
  st.bind(1, cp).bind(2, code);
  if (!st.step()) return std::nullopt;
  return read(st);
}

std::vector<Settlement> SettlementBook::of_user(const std::string& user) {
  return query("WHERE user_name=?1 ORDER BY pk", user);
}

std::vector<Settlement> SettlementBook::all(bool anomalies_only) {
  return query(anomalies_only ? "WHERE anomaly IS NOT NULL ORDER BY pk" : "ORDER BY pk", std::nullopt);
}

}  // namespace ocpp::server
