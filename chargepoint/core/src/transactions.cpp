#include "ocpp/cp/transactions.hpp"

#include "ocpp/common/datetime.hpp"

namespace ocpp::cp {
namespace {

constexpr const char* kColumns =
    "SELECT pk, connector_id, id_tag, csms_transaction_id, meter_start_wh, started_at, meter_stop_wh, stopped_at, "
    "stop_reason, stop_id_tag, offline_code, code_energy_cap_wh FROM transactions";

std::optional<StopReason> reason_from(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  for (int r = 0; r <= static_cast<int>(StopReason::Other); ++r) {
    if (to_string(static_cast<StopReason>(r)) == *text) return static_cast<StopReason>(r);
  }
  return StopReason::Other;
}

TransactionRecord read(const db::Statement& st) {
  TransactionRecord t;
  t.pk = st.int64(0);
  t.connector = static_cast<ConnectorId>(st.int64(1));
  t.id_tag = st.text(2);
  t.csms_id = st.optional_text(3);
  t.meter_start_wh = st.real(4);
  t.started_at = parse_rfc3339(st.text(5)).value_or(SystemTime{});
  if (!st.is_null(6)) t.meter_stop_wh = st.real(6);
  if (auto s = st.optional_text(7)) t.stopped_at = parse_rfc3339(*s);
  t.stop_reason = reason_from(st.optional_text(8));
  t.stop_id_tag = st.optional_text(9);
  t.offline_code = st.int64(10) != 0;
  if (!st.is_null(11)) t.code_energy_cap_wh = st.real(11);
  return t;
}

}  // namespace

std::int64_t TransactionStore::begin(ConnectorId connector, const std::string& id_tag, double meter_start_wh,
                                     SystemTime at, bool offline_code, std::optional<double> code_energy_cap_wh) {
  auto st = db_.prepare(
      "INSERT INTO transactions(connector_id, id_tag, meter_start_wh, started_at, offline_code, code_energy_cap_wh) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  st.bind(1, connector).bind(2, id_tag).bind(3, meter_start_wh).bind(4, format_rfc3339(at)).bind(5, offline_code ? 1 : 0);
  if (code_energy_cap_wh) st.bind(6, *code_energy_cap_wh);
  st.run();
  return db_.last_insert_id();
}

void TransactionStore::set_csms_id(std::int64_t pk, const std::string& csms_id) {
  db_.prepare("UPDATE transactions SET csms_transaction_id=?2 WHERE pk=?1").bind(1, pk).bind(2, csms_id).run();
}

void TransactionStore::stop(std::int64_t pk, double meter_stop_wh, SystemTime at, StopReason reason,
                            const std::optional<std::string>& id_tag) {
  db_.prepare("UPDATE transactions SET meter_stop_wh=?2, stopped_at=?3, stop_reason=?4, stop_id_tag=?5 WHERE pk=?1")
      .bind(1, pk).bind(2, meter_stop_wh).bind(3, format_rfc3339(at)).bind(4, to_string(reason)).bind(5, id_tag)
      .run();
}

std::optional<TransactionRecord> TransactionStore::get(std::int64_t pk) {
  auto st = db_.prepare(std::string(kColumns) + " WHERE pk=?1");
  st.bind(1, pk);
  if (!st.step()) return std::nullopt;
  return read(st);
}

std::optional<TransactionRecord> TransactionStore::find_by_csms_id(const std::string& csms_id) {
  auto st = db_.prepare(std::string(kColumns) + " WHERE csms_transaction_id=?1 ORDER BY pk DESC LIMIT 1");
  st.bind(1, csms_id);
  if (!st.step()) return std::nullopt;
  return read(st);
}

void TransactionStore::add_stop_sample(std::int64_t pk, const MeterSample& sample) {
  db_.transaction([&] {
    db_.prepare("INSERT INTO stop_samples(transaction_pk, sample) VALUES(?1, ?2)")
        .bind(1, pk)
        .bind(2, encode(MeterEvent{0, sample}))
        .run();
    auto count = db_.prepare("SELECT COUNT(*) FROM stop_samples WHERE transaction_pk=?1");
    count.bind(1, pk);
    count.step();
    if (static_cast<std::size_t>(count.int64(0)) <= kMaxStopSamples) return;
    // Every other one after the first goes: the readings stay spread over the whole session.
    auto seqs = db_.prepare("SELECT seq FROM stop_samples WHERE transaction_pk=?1 ORDER BY seq");
    seqs.bind(1, pk);
    std::vector<std::int64_t> drop;
    for (std::size_t i = 0; seqs.step(); ++i) {
      if (i % 2 == 1) drop.push_back(seqs.int64(0));
    }
    for (const auto seq : drop) db_.prepare("DELETE FROM stop_samples WHERE seq=?1").bind(1, seq).run();
  });
}

std::vector<MeterSample> TransactionStore::stop_samples(std::int64_t pk) {
  std::vector<MeterSample> out;
  auto st = db_.prepare("SELECT sample FROM stop_samples WHERE transaction_pk=?1 ORDER BY seq");
  st.bind(1, pk);
  while (st.step()) out.push_back(decode_meter(st.text(0)).sample);
  return out;
}

void TransactionStore::clear_stop_samples(std::int64_t pk) {
  db_.prepare("DELETE FROM stop_samples WHERE transaction_pk=?1").bind(1, pk).run();
}

std::vector<TransactionRecord> TransactionStore::open_transactions() {
  auto st = db_.prepare(std::string(kColumns) + " WHERE stopped_at IS NULL ORDER BY pk");
  std::vector<TransactionRecord> out;
  while (st.step()) out.push_back(read(st));
  return out;
}

}  // namespace ocpp::cp
