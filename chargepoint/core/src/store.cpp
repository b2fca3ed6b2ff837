#include "ocpp/cp/store.hpp"

#include <cstdio>
#include <ctime>

#include "ocpp/common/log.hpp"

#include <string_view>
#include <vector>

namespace ocpp::cp {
namespace {

// Append new migrations at the end; never edit one that has shipped.
const std::vector<std::string_view> kMigrations = {
    // 1: configuration, authorization, availability, transactions and the outbox.
    R"sql(
CREATE TABLE settings(
  name TEXT PRIMARY KEY,            -- neutral setting name (see settings.hpp)
  value TEXT NOT NULL);             -- as OCPP carries it: a string
CREATE TABLE auth_cache(
  id_tag TEXT PRIMARY KEY,
  status TEXT NOT NULL,             -- Accepted, Blocked, Expired, Invalid, ConcurrentTx
  expiry TEXT,                      -- RFC 3339, or NULL
  parent_id_tag TEXT,
  last_used INTEGER NOT NULL);      -- a use counter (monotonic), for least-recently-used eviction
CREATE TABLE local_list(
  id_tag TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  expiry TEXT,
  parent_id_tag TEXT);
CREATE TABLE local_list_version(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL);
CREATE TABLE availability(
  connector_id INTEGER PRIMARY KEY, -- 0 = the whole charge point
  operative INTEGER NOT NULL,       -- what the CSMS asked for last
  pending INTEGER);                 -- requested while a transaction ran (Scheduled), else NULL
CREATE TABLE transactions(
  pk INTEGER PRIMARY KEY AUTOINCREMENT,
  connector_id INTEGER NOT NULL,
  id_tag TEXT NOT NULL,
  csms_transaction_id TEXT,         -- 1.6: from StartTransaction.conf, stored once it arrives
  meter_start_wh REAL NOT NULL,
  started_at TEXT NOT NULL,
  meter_stop_wh REAL,
  stopped_at TEXT,
  stop_reason TEXT,
  stop_id_tag TEXT);
CREATE TABLE outbox(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order in which events are sent
  kind TEXT NOT NULL,                     -- start, meter, stop
  transaction_pk INTEGER REFERENCES transactions(pk),
  payload TEXT NOT NULL,                  -- version-neutral event data (JSON), never a wire frame
  attempts INTEGER NOT NULL DEFAULT 0);
)sql",
    // 2: an event the protocol says to give up on is not deleted: it stays, marked, and counted.
    R"sql(
ALTER TABLE outbox ADD COLUMN discarded_at TEXT;
ALTER TABLE outbox ADD COLUMN discard_reason TEXT;
)sql",
    // 3: the offline charging code (docs/offline-code.md): how a transaction was authorized and the
    // cap its code binds; the pile's keys, replay windows, lockout and clock floor; the security
    // events waiting for the link; and the readings a transaction's stop will carry.
    R"sql(
ALTER TABLE transactions ADD COLUMN offline_code INTEGER NOT NULL DEFAULT 0;  -- started with a keypad code
ALTER TABLE transactions ADD COLUMN code_energy_cap_wh REAL;                  -- the code's cap, if any
CREATE TABLE offline_code_keys(
  version INTEGER PRIMARY KEY,      -- key version (docs/offline-code.md section 6)
  key_hex TEXT NOT NULL,            -- K(ID, V), 64 hexadecimal characters; never logged or reported
  installed_at INTEGER NOT NULL);   -- Unix seconds
CREATE TABLE offline_code_windows(
  version INTEGER PRIMARY KEY,      -- key version
  window TEXT NOT NULL);            -- ReplayWindow::serialise()
CREATE TABLE offline_code_state(
  name TEXT PRIMARY KEY,            -- newest_version_ever, lockout, time_floor, last_sync
  value TEXT NOT NULL);
CREATE TABLE stop_samples(                 -- StopTxn*Data readings of open transactions, for the stop
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  transaction_pk INTEGER NOT NULL REFERENCES transactions(pk),
  sample TEXT NOT NULL);                   -- an encoded MeterEvent (charging_events.hpp)
CREATE INDEX stop_samples_by_transaction ON stop_samples(transaction_pk, seq);
CREATE TABLE security_events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- sent in this order
  type TEXT NOT NULL,               -- 1.6 security extension / 2.0.1 SecurityEventNotification type
  tech_info TEXT,
  at TEXT NOT NULL);                -- RFC 3339
)sql",
    // 4: what 2.0.1 needs of a transaction as well (DESIGN.md principle 1): the id the station makes
    // (at most 36 characters, unique across reboots), the number of the next event (2.0.1 seqNo,
    // counted per transaction), the CSMS's remoteStartId and reservationId, the id token's type;
    // and of each outbox event, its seqNo and whether it happened while the pile was offline.
    R"sql(
ALTER TABLE transactions ADD COLUMN station_transaction_id TEXT;
ALTER TABLE transactions ADD COLUMN next_seq_no INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transactions ADD COLUMN remote_start_id INTEGER;
ALTER TABLE transactions ADD COLUMN reservation_id INTEGER;
ALTER TABLE transactions ADD COLUMN id_token_type TEXT;
CREATE UNIQUE INDEX transactions_by_station_id ON transactions(station_transaction_id);
ALTER TABLE outbox ADD COLUMN seq_no INTEGER;              -- per transaction, from 0; NULL without one
ALTER TABLE outbox ADD COLUMN offline INTEGER NOT NULL DEFAULT 0;
)sql",
    // 5: the highest energy register a transaction's events have carried, so that a meter that
    // reads lower later (replaced, reset, fresh hardware state after a restart) never makes the
    // pile report less than it already did (issue 14). Written by the commit that appends the event.
    R"sql(
ALTER TABLE transactions ADD COLUMN last_register_wh REAL;
)sql",
    // 6: the charging profiles the CSMS installed (charging_profiles.hpp), each as the JSON text of
    // the neutral ChargingProfile: the plan a pile keeps to while offline (issue 12).
    R"sql(
CREATE TABLE charging_profiles(
  id INTEGER PRIMARY KEY,           -- chargingProfileId, unique on the pile (1.6 §5.16, K01.FR.05)
  body TEXT NOT NULL);
)sql",
    // 7: reservations (1.6 §5.13, 2.0.1 H01): kept with their expiry, so that a restart keeps them
    // and ends (and reports) those that expired meanwhile.
    R"sql(
CREATE TABLE reservations(
  id INTEGER PRIMARY KEY,           -- the CSMS's reservationId
  connectors TEXT NOT NULL,         -- flat connector ids held, comma separated; empty: any one
  connector_type TEXT,              -- with no connectors: of this type (2.0.1 connectorType)
  id_tag TEXT NOT NULL,
  group_id TEXT,                    -- 1.6 parentIdTag, 2.0.1 groupIdToken
  expiry TEXT NOT NULL);            -- RFC 3339
)sql",
    // 8: the security log (security_log.hpp): every security event, kept after it was sent so that
    // GetLog SecurityLog can upload it (1.6 Security Whitepaper, 2.0.1 N01); bounded by its writer.
    R"sql(
CREATE TABLE security_log(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  tech_info TEXT,
  at TEXT NOT NULL);                -- RFC 3339
)sql",
    // 9: the firmware update in progress (firmware_update.hpp), one at a time, so that a restart
    // resumes its download or install, or reports how it ended (issue 13).
    R"sql(
CREATE TABLE firmware_update(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  request_id INTEGER,               -- 2.0.1 / Whitepaper requestId; NULL for 1.6 UpdateFirmware
  location TEXT NOT NULL,           -- the image's URL
  retrieve_at TEXT NOT NULL,        -- RFC 3339
  install_at TEXT,                  -- RFC 3339, or NULL: as soon as it is ready
  attempts_left INTEGER NOT NULL,   -- download attempts still allowed
  retry_interval_s INTEGER NOT NULL,
  signing_certificate TEXT NOT NULL,  -- PEM; empty: unsigned
  signature TEXT NOT NULL,          -- base64
  step TEXT NOT NULL,               -- Download, Verify, Install, Installing, Rebooting
  image TEXT NOT NULL,              -- where the image is downloaded to
  held_connectors TEXT NOT NULL DEFAULT '');  -- made Unavailable for the install (2.0.1 L01.FR.07)
)sql",
};

}  // namespace

namespace {

// Opens the file after an integrity check. A file SQLite calls corrupt (or not a database at all)
// is moved aside with its WAL, never overwritten, and a new one is created: the pile keeps
// working, and the old data stays on disk for whoever investigates.
std::string checked(const std::string& path, std::optional<std::string>& moved_to) {
  bool corrupt = false;
  std::string why;
  try {
    db::Database probe(path);
    auto st = probe.prepare("PRAGMA quick_check");
    corrupt = !st.step() || st.text(0) != "ok";
    if (corrupt) why = st.text(0);
  } catch (const db::DbError& e) {
    const int code = e.code() & 0xFF;
    if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB) throw;  // e.g. no permission: say so, stop
    corrupt = true;
    why = e.what();
  }
  if (corrupt) {
    const auto stamp = std::to_string(std::time(nullptr));
    const std::string aside = path + ".corrupt-" + stamp;
    std::rename(path.c_str(), aside.c_str());
    for (const char* suffix : {"-wal", "-shm"}) std::rename((path + suffix).c_str(), (aside + suffix).c_str());
    log::error("store", "database " + path + " is corrupt (" + why + "); moved aside to " + aside +
                            " and starting with a new one");
    moved_to = aside;
  }
  return path;
}

}  // namespace

Store::Store(const std::string& path) : db_(checked(path, aside_)) {
  db_.migrate(kMigrations);
  if (aside_) salvage_store(db_, *aside_);
}

}  // namespace ocpp::cp
