#include "ocpp/server/schema.hpp"

namespace ocpp::server {

std::string_view offline_code_schema_v1() {
  // Times are kept twice where they are compared: as RFC 3339 text for people and as Unix seconds
  // for queries (rate limit, expiry).
  return R"sql(
CREATE TABLE offline_code_keys(
  charge_point_id TEXT PRIMARY KEY,
  current_version INTEGER NOT NULL,
  confirmed_version INTEGER NOT NULL DEFAULT 0,
  reported_version INTEGER,
  supported INTEGER,
  status TEXT NOT NULL DEFAULT '',
  updated_at TEXT);
CREATE TABLE offline_code_serials(
  charge_point_id TEXT NOT NULL, key_version INTEGER NOT NULL, next_serial INTEGER NOT NULL,
  PRIMARY KEY(charge_point_id, key_version));
CREATE TABLE offline_codes(
  pk INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL, charge_point_id TEXT NOT NULL, connector_id INTEGER NOT NULL,
  key_version INTEGER NOT NULL, serial INTEGER NOT NULL, user_name TEXT NOT NULL,
  issued_at TEXT NOT NULL, issued_unix INTEGER NOT NULL, expires_at TEXT NOT NULL, expires_unix INTEGER NOT NULL,
  energy_cap_wh INTEGER, transaction_id TEXT, used_at TEXT,
  UNIQUE(charge_point_id, key_version, serial));
CREATE INDEX offline_codes_by_code ON offline_codes(code, charge_point_id);
CREATE INDEX offline_codes_by_user ON offline_codes(user_name, issued_unix);
CREATE TABLE offline_code_settlements(
  pk INTEGER PRIMARY KEY AUTOINCREMENT,
  code TEXT NOT NULL, charge_point_id TEXT NOT NULL, connector_id INTEGER NOT NULL, transaction_id TEXT NOT NULL,
  user_name TEXT, energy_wh INTEGER NOT NULL, started_at TEXT NOT NULL, stopped_at TEXT NOT NULL, duration_s INTEGER,
  amount TEXT NOT NULL, currency TEXT NOT NULL, anomaly TEXT, issued_charge_point_id TEXT, settled_at TEXT NOT NULL,
  UNIQUE(charge_point_id, code));
CREATE INDEX offline_code_settlements_by_user ON offline_code_settlements(user_name);
CREATE TABLE security_events(
  pk INTEGER PRIMARY KEY AUTOINCREMENT,
  charge_point_id TEXT NOT NULL, source TEXT NOT NULL, type TEXT NOT NULL, timestamp TEXT NOT NULL,
  tech_info TEXT NOT NULL DEFAULT '', received_at TEXT NOT NULL, received_count INTEGER NOT NULL DEFAULT 1,
  UNIQUE(charge_point_id, source, type, timestamp, tech_info));
)sql";
}

std::string_view offline_code_schema_v2() {
  // The serialised offline_code::Lockout (docs/offline-code.md §8.4) of each pile that sent a wrong code.
  return R"sql(
CREATE TABLE offline_code_online_lockouts(charge_point_id TEXT PRIMARY KEY, state TEXT NOT NULL);
)sql";
}

}  // namespace ocpp::server
