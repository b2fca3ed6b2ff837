#pragma once
// The durable record of every transaction (DESIGN.md principles 3 and 4): a transaction is in
// SQLite before the contactor closes, its stop before it is reported, and the transactionId the
// CSMS assigns later (1.6 StartTransaction.conf) is stored once, here, for every later message.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/charging_events.hpp"
#include "ocpp/cp/types.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

// What a transaction starts with.
struct TransactionStart {
  ConnectorId connector = 0;
  std::string id_tag;
  std::string id_token_type;         // default_token_type(), or what a remote start named
  double meter_start_wh = 0;
  SystemTime at{};
  bool offline_code = false;
  std::optional<double> code_energy_cap_wh;
  std::optional<std::int32_t> remote_start_id;  // 2.0.1 RequestStartTransaction.remoteStartId
  std::optional<std::int32_t> reservation_id;
  // 2.0.1: the station's transactionId is the one the CSMS knows it by, so it is the CSMS id at once.
  bool station_id_is_csms_id = false;
};

struct TransactionRecord {
  std::int64_t pk = 0;  // ours: stable from the first moment, across reboots
  std::string station_id;  // made by the pile at the start: a UUID, 36 characters (2.0.1 transactionId)
  ConnectorId connector = 0;
  std::string id_tag;
  std::string id_token_type;
  std::optional<std::string> csms_id;  // the id the CSMS knows it by (1.6: StartTransaction.conf), once known
  std::optional<std::int32_t> remote_start_id;
  std::optional<std::int32_t> reservation_id;
  double meter_start_wh = 0;
  SystemTime started_at{};
  std::optional<double> meter_stop_wh;
  std::optional<SystemTime> stopped_at;
  std::optional<StopReason> stop_reason;
  std::optional<std::string> stop_id_tag;
  bool offline_code = false;                 // authorized by an offline charging code typed on the keypad
  std::optional<double> code_energy_cap_wh;  // the energy the code allows, if it binds a cap
  // The highest energy register its events carried (at least meter_start_wh).
  double last_register_wh = 0;
  bool open() const { return !stopped_at.has_value(); }
};

class TransactionStore {
 public:
  explicit TransactionStore(db::Database& db) : db_(db) {}
  // Inserts the start with a new station id; returns its pk. Call inside db.transaction() together
  // with the outbox event.
  std::int64_t begin(const TransactionStart& start);
  // A card's transaction (tests and tools that only need a transaction to exist).
  std::int64_t begin(ConnectorId connector, const std::string& id_tag, double meter_start_wh, SystemTime at) {
    return begin(TransactionStart{connector, id_tag, "ISO14443", meter_start_wh, at, false, {}, {}, {}, false});
  }
  // The seqNo of the transaction's next event, counted up (2.0.1 E01.FR.07: from 0 per transaction).
  // Call inside the db transaction that appends the event.
  std::int64_t take_seq_no(std::int64_t pk);
  void set_csms_id(std::int64_t pk, const std::string& csms_id);
  // The id that authorized a transaction begun without one (2.0.1 TxStartPoint EVConnected).
  void set_id_tag(std::int64_t pk, const std::string& id_tag, const std::string& id_token_type, bool offline_code);
  void stop(std::int64_t pk, double meter_stop_wh, SystemTime at, StopReason reason,
            const std::optional<std::string>& id_tag);
  std::optional<TransactionRecord> get(std::int64_t pk);
  std::optional<TransactionRecord> find_by_csms_id(const std::string& csms_id);
  std::optional<TransactionRecord> find_by_station_id(const std::string& station_id);
  // Transactions without a stop, oldest first (after a restart: what was running).
  std::vector<TransactionRecord> open_transactions();

  // The readings StopTxnSampledData / StopTxnAlignedData name, kept with the transaction until its
  // stop carries them (1.6 StopTransaction.transactionData), so that a restart loses none. At most
  // kMaxStopSamples per transaction: past it every other intermediate one goes, the first (the
  // Transaction.Begin reading) stays, and the stop message keeps a bounded size.
  static constexpr std::size_t kMaxStopSamples = 200;
  void add_stop_sample(std::int64_t pk, const MeterSample& sample);
  std::vector<MeterSample> stop_samples(std::int64_t pk);
  void clear_stop_samples(std::int64_t pk);

 private:
  db::Database& db_;
};

}  // namespace ocpp::cp
