#pragma once
// What the reference CSMS remembers, in SQLite or PostgreSQL (db::open_sql): charge points, connector statuses, transactions
// (with how often each start and stop was received, so replays are visible) and meter values; and,
// in the same file, the tables of the offline code's server side (server/schema.hpp).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/db/sql.hpp"

namespace ocpp::csms {

struct ChargePointRecord {
  std::string id;
  std::string ocpp_version;
  std::string vendor, model, serial, firmware;
  std::int64_t boot_count = 0;
  std::string last_boot_at;
};

struct ConnectorRecord {
  int evse_id = 0;
  int connector_id = 0;
  std::string status;
  std::string error_code;
  std::string updated_at;
};

struct TransactionRecord {
  std::string charge_point_id;
  std::string transaction_id;
  int connector_id = 0;
  std::string id_tag;
  std::optional<std::int64_t> meter_start_wh;
  std::string started_at;
  std::optional<std::int64_t> meter_stop_wh;
  std::optional<std::string> stopped_at;
  std::optional<std::string> stop_reason;
  std::int64_t start_count = 0;  // how many times the start reached us (1 = exactly once)
  std::int64_t stop_count = 0;
  std::int64_t meter_value_count = 0;
  std::optional<int> evse_id;  // 2.0.1 only
};

class Store {
 public:
  // `target`: an SQLite file, or a postgresql:// URI (db::open_sql). Applies the migrations.
  explicit Store(const std::string& target);
  // Runs `fn` as one durable commit (the store's own calls inside nest as savepoints): what one
  // OCPP message records is written with one fsync, not one per table.
  void in_transaction(const std::function<void()>& fn) { db_->transaction(fn); }

  void record_boot(const ChargePointRecord& cp, const std::string& at);
  std::optional<ChargePointRecord> charge_point(const std::string& id);
  std::vector<ChargePointRecord> charge_points();
  void record_status(const std::string& cp, int evse, int connector, const std::string& status,
                     const std::string& error_code, const std::string& at);
  std::vector<ConnectorRecord> connectors(const std::string& cp);
  // The highest connector (1.6) or EVSE (2.0.1) the charge point has reported a status for; 0: none.
  int highest_connector(const std::string& cp);

  // Which instance (its --instance-url) holds a charge point's connection, for several instances on
  // one database; forget_instance() clears what an earlier run of this instance left.
  void record_connection(const std::string& cp, const std::string& instance_url, const std::string& at);
  void forget_connection(const std::string& cp, const std::string& instance_url);
  void forget_instance(const std::string& instance_url);
  std::optional<std::string> connection_instance(const std::string& cp);

  // 1.6 StartTransaction: the CSMS assigns the id. A start already seen (same connector, tag,
  // timestamp and meter) is a replay and gets the id it got the first time.
  std::string start_transaction_v16(const std::string& cp, int connector, const std::string& id_tag,
                                    std::int64_t meter_start, const std::string& timestamp);
  // 2.0.1 TransactionEvent: the charging station assigns the id.
  void upsert_transaction_v201(const std::string& cp, const std::string& tx_id, int connector,
                               const std::optional<int>& evse_id, const std::optional<std::string>& id_token, const std::string& event_type,
                               const std::string& timestamp, const std::optional<std::int64_t>& meter_wh,
                               const std::optional<std::string>& stop_reason);
  // Returns false when the transaction is unknown (it is recorded all the same, flagged by a
  // missing start).
  bool stop_transaction(const std::string& cp, const std::string& tx_id, std::int64_t meter_stop,
                        const std::string& timestamp, const std::optional<std::string>& reason,
                        const std::optional<std::string>& id_tag);
  void add_meter_values(const std::string& cp, const std::optional<std::string>& tx_id, int connector,
                        const std::string& payload_json);
  std::vector<TransactionRecord> transactions(const std::optional<std::string>& cp);
  std::optional<TransactionRecord> transaction(const std::string& cp, const std::string& tx_id);

  // The same file holds the server side's tables (server/), which use it through this.
  db::SqlConnection& database() { return *db_; }

 private:
  std::vector<TransactionRecord> read_transactions(db::SqlStatement& st);

  std::unique_ptr<db::SqlConnection> db_;
};

}  // namespace ocpp::csms
