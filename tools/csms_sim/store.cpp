#include "store.hpp"

#include "ocpp/server/schema.hpp"

namespace ocpp::csms {
namespace {

// Numbered migrations: append, never edit (PRAGMA user_version records how many ran).
const std::vector<std::string_view> kMigrations = {
    R"sql(
CREATE TABLE charge_points(
  id TEXT PRIMARY KEY, ocpp_version TEXT, vendor TEXT, model TEXT, serial TEXT, firmware TEXT,
  boot_count INTEGER NOT NULL DEFAULT 0, last_boot_at TEXT);
CREATE TABLE connectors(
  charge_point_id TEXT NOT NULL, evse_id INTEGER NOT NULL, connector_id INTEGER NOT NULL,
  status TEXT, error_code TEXT, updated_at TEXT,
  PRIMARY KEY(charge_point_id, evse_id, connector_id));
CREATE TABLE transactions(
  pk INTEGER PRIMARY KEY AUTOINCREMENT,
  charge_point_id TEXT NOT NULL, transaction_id TEXT, connector_id INTEGER, id_tag TEXT,
  meter_start_wh INTEGER, started_at TEXT, meter_stop_wh INTEGER, stopped_at TEXT, stop_reason TEXT,
  start_count INTEGER NOT NULL DEFAULT 0, stop_count INTEGER NOT NULL DEFAULT 0);
CREATE UNIQUE INDEX transactions_by_id ON transactions(charge_point_id, transaction_id);
CREATE TABLE meter_values(
  pk INTEGER PRIMARY KEY AUTOINCREMENT, charge_point_id TEXT NOT NULL, transaction_id TEXT,
  connector_id INTEGER, payload TEXT NOT NULL);
CREATE INDEX meter_values_by_tx ON meter_values(charge_point_id, transaction_id);
)sql",
    // 2: the server side of the offline code (server/): key book, issued codes, settlements,
    // security events.
    ocpp::server::offline_code_schema_v1(),
    // 3: the EVSE of a 2.0.1 transaction (an offline code's connector field counts EVSEs there).
    "ALTER TABLE transactions ADD COLUMN evse_id INTEGER;",
    // 4: the brake on offline codes sent online, per pile (docs/offline-code.md §8.4).
    ocpp::server::offline_code_schema_v2(),
    // 5: which instance holds which charge point's connection (several instances on one PostgreSQL
    // database; docs/reference-csms.md "Shared charge point state").
    "CREATE TABLE charge_point_connections(charge_point_id TEXT PRIMARY KEY, instance_url TEXT NOT NULL, "
    "connected_at TEXT NOT NULL);",
};

}  // namespace

Store::Store(const std::string& target) : db_(db::open_sql(target)) { db_->migrate(kMigrations); }

void Store::record_connection(const std::string& cp, const std::string& instance_url, const std::string& at) {
  // The latest connection wins: a pile that moved to another instance is routed there.
  db_->prepare("INSERT INTO charge_point_connections(charge_point_id, instance_url, connected_at) VALUES(?1, ?2, ?3) "
               "ON CONFLICT(charge_point_id) DO UPDATE SET instance_url=?2, connected_at=?3")
      .bind(1, cp).bind(2, instance_url).bind(3, at).run();
}

void Store::forget_connection(const std::string& cp, const std::string& instance_url) {
  // Only this instance's row: the pile may already be connected to another one.
  db_->prepare("DELETE FROM charge_point_connections WHERE charge_point_id=?1 AND instance_url=?2")
      .bind(1, cp).bind(2, instance_url).run();
}

void Store::forget_instance(const std::string& instance_url) {
  db_->prepare("DELETE FROM charge_point_connections WHERE instance_url=?1").bind(1, instance_url).run();
}

std::optional<std::string> Store::connection_instance(const std::string& cp) {
  auto st = db_->prepare("SELECT instance_url FROM charge_point_connections WHERE charge_point_id=?1");
  st.bind(1, cp);
  if (!st.step()) return std::nullopt;
  return st.text(0);
}

int Store::highest_connector(const std::string& cp) {
  // 1.6 reports connectors under EVSE 0; 2.0.1 numbers EVSEs, which is what a code's connector
  // field counts there (docs/offline-code.md §2).
  auto st = db_->prepare(
      "SELECT MAX(CASE WHEN evse_id > 0 THEN evse_id ELSE connector_id END) FROM connectors WHERE charge_point_id=?1");
  st.bind(1, cp);
  return st.step() && !st.is_null(0) ? static_cast<int>(st.int64(0)) : 0;
}

void Store::record_boot(const ChargePointRecord& cp, const std::string& at) {
  db_->prepare(R"sql(
INSERT INTO charge_points(id, ocpp_version, vendor, model, serial, firmware, boot_count, last_boot_at)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)
ON CONFLICT(id) DO UPDATE SET ocpp_version=?2, vendor=?3, model=?4, serial=?5, firmware=?6,
  boot_count=charge_points.boot_count+1, last_boot_at=?7)sql")
      .bind(1, cp.id).bind(2, cp.ocpp_version).bind(3, cp.vendor).bind(4, cp.model)
      .bind(5, cp.serial).bind(6, cp.firmware).bind(7, at)
      .run();
}

namespace {
ChargePointRecord read_cp(const db::SqlStatement& st) {
  ChargePointRecord r;
  r.id = st.text(0);
  r.ocpp_version = st.text(1);
  r.vendor = st.text(2);
  r.model = st.text(3);
  r.serial = st.text(4);
  r.firmware = st.text(5);
  r.boot_count = st.int64(6);
  r.last_boot_at = st.text(7);
  return r;
}
constexpr const char* kCpColumns =
    "SELECT id, ocpp_version, vendor, model, serial, firmware, boot_count, last_boot_at FROM charge_points";
}  // namespace

std::optional<ChargePointRecord> Store::charge_point(const std::string& id) {
  auto st = db_->prepare(std::string(kCpColumns) + " WHERE id=?1");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_cp(st);
}

std::vector<ChargePointRecord> Store::charge_points() {
  auto st = db_->prepare(std::string(kCpColumns) + " ORDER BY id");
  std::vector<ChargePointRecord> out;
  while (st.step()) out.push_back(read_cp(st));
  return out;
}

void Store::record_status(const std::string& cp, int evse, int connector, const std::string& status,
                          const std::string& error_code, const std::string& at) {
  db_->prepare(R"sql(
INSERT INTO connectors(charge_point_id, evse_id, connector_id, status, error_code, updated_at)
VALUES(?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT(charge_point_id, evse_id, connector_id) DO UPDATE SET status=?4, error_code=?5, updated_at=?6)sql")
      .bind(1, cp).bind(2, evse).bind(3, connector).bind(4, status).bind(5, error_code).bind(6, at)
      .run();
}

std::vector<ConnectorRecord> Store::connectors(const std::string& cp) {
  auto st = db_->prepare(
      "SELECT evse_id, connector_id, status, error_code, updated_at FROM connectors WHERE charge_point_id=?1 "
      "ORDER BY evse_id, connector_id");
  st.bind(1, cp);
  std::vector<ConnectorRecord> out;
  while (st.step()) {
    out.push_back({static_cast<int>(st.int64(0)), static_cast<int>(st.int64(1)), st.text(2), st.text(3), st.text(4)});
  }
  return out;
}

std::string Store::start_transaction_v16(const std::string& cp, int connector, const std::string& id_tag,
                                         std::int64_t meter_start, const std::string& timestamp) {
  std::string id;
  db_->transaction([&] {
    auto seen = db_->prepare(
        "SELECT transaction_id FROM transactions WHERE charge_point_id=?1 AND connector_id=?2 AND id_tag=?3 "
        "AND meter_start_wh=?4 AND started_at=?5");
    seen.bind(1, cp).bind(2, connector).bind(3, id_tag).bind(4, meter_start).bind(5, timestamp);
    if (seen.step()) {
      id = seen.text(0);
      db_->prepare("UPDATE transactions SET start_count=start_count+1 WHERE charge_point_id=?1 AND transaction_id=?2")
          .bind(1, cp).bind(2, id).run();
      return;
    }
    auto insert = db_->prepare(
        "INSERT INTO transactions(charge_point_id, connector_id, id_tag, meter_start_wh, started_at, start_count) "
        "VALUES(?1, ?2, ?3, ?4, ?5, 1) RETURNING pk");
    insert.bind(1, cp).bind(2, connector).bind(3, id_tag).bind(4, meter_start).bind(5, timestamp);
    if (!insert.step()) throw db::DbError("inserting a transaction returned no key", 0);
    // 1.6: transactionId is an integer chosen by the CSMS; the row number is unique and stable (and
    // shared by every instance on one PostgreSQL database).
    const std::int64_t pk = insert.int64(0);
    insert.reset();
    id = std::to_string(pk);
    db_->prepare("UPDATE transactions SET transaction_id=?1 WHERE pk=?2").bind(1, id).bind(2, pk).run();
  });
  return id;
}

void Store::upsert_transaction_v201(const std::string& cp, const std::string& tx_id, int connector,
                                    const std::optional<int>& evse_id, const std::optional<std::string>& id_token, const std::string& event_type,
                                    const std::string& timestamp, const std::optional<std::int64_t>& meter_wh,
                                    const std::optional<std::string>& stop_reason) {
  db_->transaction([&] {
    db_->prepare("INSERT INTO transactions(charge_point_id, transaction_id, connector_id) VALUES(?1, ?2, ?3) "
                "ON CONFLICT(charge_point_id, transaction_id) DO NOTHING")
        .bind(1, cp).bind(2, tx_id).bind(3, connector).run();
    if (evse_id) {
      db_->prepare("UPDATE transactions SET evse_id=?3 WHERE charge_point_id=?1 AND transaction_id=?2")
          .bind(1, cp).bind(2, tx_id).bind(3, *evse_id).run();
    }
    if (id_token) {
      db_->prepare("UPDATE transactions SET id_tag=?3 WHERE charge_point_id=?1 AND transaction_id=?2")
          .bind(1, cp).bind(2, tx_id).bind(3, *id_token).run();
    }
    if (event_type == "Started") {
      db_->prepare("UPDATE transactions SET start_count=start_count+1, started_at=?3, meter_start_wh=?4 "
                  "WHERE charge_point_id=?1 AND transaction_id=?2")
          .bind(1, cp).bind(2, tx_id).bind(3, timestamp).bind(4, meter_wh).run();
    } else if (event_type == "Ended") {
      db_->prepare("UPDATE transactions SET stop_count=stop_count+1, stopped_at=?3, meter_stop_wh=?4, stop_reason=?5 "
                  "WHERE charge_point_id=?1 AND transaction_id=?2")
          .bind(1, cp).bind(2, tx_id).bind(3, timestamp).bind(4, meter_wh).bind(5, stop_reason).run();
    }
  });
}

bool Store::stop_transaction(const std::string& cp, const std::string& tx_id, std::int64_t meter_stop,
                             const std::string& timestamp, const std::optional<std::string>& reason,
                             const std::optional<std::string>& id_tag) {
  auto st = db_->prepare(
      "UPDATE transactions SET stop_count=stop_count+1, meter_stop_wh=?3, stopped_at=?4, stop_reason=?5 "
      "WHERE charge_point_id=?1 AND transaction_id=?2");
  st.bind(1, cp).bind(2, tx_id).bind(3, meter_stop).bind(4, timestamp).bind(5, reason).run();
  if (db_->changes() > 0) return true;
  db_->prepare("INSERT INTO transactions(charge_point_id, transaction_id, id_tag, meter_stop_wh, stopped_at, "
              "stop_reason, stop_count) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 1)")
      .bind(1, cp).bind(2, tx_id).bind(3, id_tag).bind(4, meter_stop).bind(5, timestamp).bind(6, reason).run();
  return false;
}

void Store::add_meter_values(const std::string& cp, const std::optional<std::string>& tx_id, int connector,
                             const std::string& payload_json) {
  db_->prepare("INSERT INTO meter_values(charge_point_id, transaction_id, connector_id, payload) VALUES(?1, ?2, ?3, ?4)")
      .bind(1, cp).bind(2, tx_id).bind(3, connector).bind(4, payload_json).run();
}

namespace {
constexpr const char* kTransactionColumns = R"sql(
SELECT t.charge_point_id, t.transaction_id, t.connector_id, t.id_tag, t.meter_start_wh, t.started_at,
       t.meter_stop_wh, t.stopped_at, t.stop_reason, t.start_count, t.stop_count,
       (SELECT COUNT(*) FROM meter_values m WHERE m.charge_point_id=t.charge_point_id
                                            AND m.transaction_id=t.transaction_id),
       t.evse_id
FROM transactions t )sql";
}  // namespace

std::optional<TransactionRecord> Store::transaction(const std::string& cp, const std::string& tx_id) {
  auto st = db_->prepare(std::string(kTransactionColumns) + "WHERE t.charge_point_id=?1 AND t.transaction_id=?2");
  st.bind(1, cp).bind(2, tx_id);
  auto rows = read_transactions(st);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

std::vector<TransactionRecord> Store::transactions(const std::optional<std::string>& cp) {
  auto st = db_->prepare(std::string(kTransactionColumns) + "WHERE CAST(?1 AS TEXT) IS NULL OR t.charge_point_id=?1 ORDER BY t.pk");
  st.bind(1, cp);
  return read_transactions(st);
}

std::vector<TransactionRecord> Store::read_transactions(db::SqlStatement& st) {
  std::vector<TransactionRecord> out;
  while (st.step()) {
    TransactionRecord r;
    r.charge_point_id = st.text(0);
    r.transaction_id = st.text(1);
    r.connector_id = static_cast<int>(st.int64(2));
    r.id_tag = st.text(3);
    r.meter_start_wh = st.optional_int64(4);
    r.started_at = st.text(5);
    r.meter_stop_wh = st.optional_int64(6);
    r.stopped_at = st.optional_text(7);
    r.stop_reason = st.optional_text(8);
    r.start_count = st.int64(9);
    r.stop_count = st.int64(10);
    r.meter_value_count = st.int64(11);
    if (const auto evse = st.optional_int64(12)) r.evse_id = static_cast<int>(*evse);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace ocpp::csms
