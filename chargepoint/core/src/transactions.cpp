#include "ocpp/cp/transactions.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

#include "ocpp/common/datetime.hpp"

namespace ocpp::cp {
namespace {

constexpr const char* kColumns =
    "SELECT pk, connector_id, id_tag, csms_transaction_id, meter_start_wh, started_at, meter_stop_wh, stopped_at, "
    "stop_reason, stop_id_tag, offline_code, code_energy_cap_wh, station_transaction_id, remote_start_id, "
    "reservation_id, id_token_type, last_register_wh FROM transactions";

// A random (version 4) UUID: unique across reboots without any state, 36 characters (2.0.1
// identifierString). std::random_device reads the kernel's entropy on Linux.
std::string new_station_id() {
  static std::random_device entropy;
  unsigned char b[16];
  for (int i = 0; i < 16; i += 4) {
    const auto r = entropy();
    for (int k = 0; k < 4; ++k) b[i + k] = static_cast<unsigned char>(r >> (8 * k));
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return out;
}

std::optional<std::int32_t> optional_int32(const db::Statement& st, int column) {
  if (st.is_null(column)) return std::nullopt;
  return static_cast<std::int32_t>(st.int64(column));
}

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
  // A transaction begun before migration 4 has no station id: its pk stands for one.
  t.station_id = st.optional_text(12).value_or("local-" + std::to_string(t.pk));
  t.remote_start_id = optional_int32(st, 13);
  t.reservation_id = optional_int32(st, 14);
  t.id_token_type = st.optional_text(15).value_or(t.offline_code ? "KeyCode" : "ISO14443");
  t.last_register_wh = st.is_null(16) ? t.meter_start_wh : std::max(t.meter_start_wh, st.real(16));
  return t;
}

}  // namespace

std::int64_t TransactionStore::begin(const TransactionStart& s) {
  const std::string station_id = new_station_id();
  auto st = db_.prepare(
      "INSERT INTO transactions(connector_id, id_tag, meter_start_wh, started_at, offline_code, code_energy_cap_wh, "
      "station_transaction_id, remote_start_id, reservation_id, id_token_type, csms_transaction_id) "
      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  st.bind(1, s.connector).bind(2, s.id_tag).bind(3, s.meter_start_wh).bind(4, format_rfc3339(s.at));
  st.bind(5, s.offline_code ? 1 : 0).bind(7, station_id).bind(10, s.id_token_type);
  if (s.code_energy_cap_wh) st.bind(6, *s.code_energy_cap_wh);
  if (s.remote_start_id) st.bind(8, static_cast<std::int64_t>(*s.remote_start_id));
  if (s.reservation_id) st.bind(9, static_cast<std::int64_t>(*s.reservation_id));
  if (s.station_id_is_csms_id) st.bind(11, station_id);
  st.run();
  return db_.last_insert_id();
}

std::int64_t TransactionStore::take_seq_no(std::int64_t pk) {
  auto st = db_.prepare("UPDATE transactions SET next_seq_no=next_seq_no+1 WHERE pk=?1 RETURNING next_seq_no-1");
  st.bind(1, pk);
  if (!st.step()) throw db::DbError("no transaction " + std::to_string(pk) + " to number an event of", 0);
  const std::int64_t seq_no = st.int64(0);
  while (st.step()) {
  }
  return seq_no;
}

void TransactionStore::set_csms_id(std::int64_t pk, const std::string& csms_id) {
  db_.prepare("UPDATE transactions SET csms_transaction_id=?2 WHERE pk=?1").bind(1, pk).bind(2, csms_id).run();
}

void TransactionStore::set_id_tag(std::int64_t pk, const std::string& id_tag, const std::string& id_token_type,
                                  bool offline_code) {
  db_.prepare("UPDATE transactions SET id_tag=?2, id_token_type=?3, offline_code=?4 WHERE pk=?1")
      .bind(1, pk).bind(2, id_tag).bind(3, id_token_type).bind(4, offline_code ? 1 : 0)
      .run();
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

std::optional<TransactionRecord> TransactionStore::find_by_station_id(const std::string& station_id) {
  auto st = db_.prepare(std::string(kColumns) + " WHERE station_transaction_id=?1");
  st.bind(1, station_id);
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
