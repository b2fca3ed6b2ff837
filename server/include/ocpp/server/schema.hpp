#pragma once
// The server side's tables, kept in the CSMS's own database, SQLite or PostgreSQL (docs/reference-csms.md,
// "The database"). Migrations are numbered with one counter per database (db::SqlConnection::migrate), so
// the host database lists these in its own append-only migration list (tools/csms_sim/store.cpp)
// instead of running a second list. A later change here is a new function, appended there too.
#include <string_view>

namespace ocpp::server {

// Tables offline_code_keys (key book per pile), offline_code_serials (next serial per pile and key
// version), offline_codes (every issued code), offline_code_settlements (one per code) and
// security_events (from piles and from the server's own checks).
std::string_view offline_code_schema_v1();
// Table offline_code_online_lockouts: the brake on codes sent online, per pile (OnlineCodeThrottle).
std::string_view offline_code_schema_v2();

}  // namespace ocpp::server
