#pragma once
// The reference CSMS's HTTP API (DESIGN.md, "Interfaces that outside tests rely on"), with HTTP
// Basic authentication as one of the --user accounts:
//   GET  /api/charge-points                 every charge point that has booted
//   GET  /api/charge-points/ID              {"id", "connected", "ocpp_version", ..., "connectors": [...],
//                                            "offline_codes": {...}}
//   POST /api/charge-points/ID/call         {"action", "payload"} -> the charge point's response payload
//   GET  /api/transactions[?charge_point_id=ID]  transactions with start/stop counts (replays show)
//   POST /api/offline-codes                 {"charge_point_id", "connector_id"[, "energy_cap_wh"][, "valid_hours"]}
//                                           -> 201 {"code", "expires_at", ...} for the logged-in user
//   GET  /api/offline-codes                 the user's codes
//   GET  /api/settlements[?all=1|?anomalies=1]  the user's settlements; all=1: everyone's, with anomalies
//   GET  /api/security-events[?charge_point_id=ID]
// Every other path goes to the driver's pages (server/web), which keep their own login.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "csms.hpp"
#include "http_server.hpp"
#include "ocpp/server/driver_backend.hpp"
#include "ocpp/server/user_accounts.hpp"

#if __has_include("ocpp/server/web/driver_pages.hpp")
#include "ocpp/server/web/driver_pages.hpp"
#define OCPP_CSMS_HAS_DRIVER_PAGES 1
#endif

namespace ocpp::csms {

class HttpApi {
 public:
  HttpApi(transport::LwsLoop& loop, Csms& csms, const std::string& host, int port, server::UserAccounts users);
  ~HttpApi();
  int port() const { return server_.port(); }

 private:
  void handle(const HttpRequest& request, const Responder& respond);
  void page(const HttpRequest& request, const Responder& respond);
  void call(const std::string& id, const HttpRequest& request, const Responder& respond);
  void charge_point(const std::string& id, const Responder& respond);
  void list_transactions(const HttpRequest& request, const Responder& respond);
  // http_api_offline_codes.cpp: docs/offline-code.md §9 over HTTP.
  void issue_code(const std::string& user, const HttpRequest& request, const Responder& respond);
  void list_codes(const std::string& user, const Responder& respond);
  void list_settlements(const std::string& user, const HttpRequest& request, const Responder& respond);
  void list_security_events(const HttpRequest& request, const Responder& respond);

  Csms& csms_;
  server::UserAccounts users_;
  server::OfflineCodeDriverBackend driver_backend_;
#ifdef OCPP_CSMS_HAS_DRIVER_PAGES
  std::unique_ptr<server::web::DriverPages> pages_;
#endif
  HttpServer server_;
};

}  // namespace ocpp::csms
