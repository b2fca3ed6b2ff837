#pragma once
// The reference CSMS's HTTP API (DESIGN.md, "Interfaces that outside tests rely on"), with HTTP
// Basic authentication as one of the --user accounts. Drivers may use the two marked (D), with
// their own codes and settlements only; operators everything (docs/reference-csms.md "Roles"):
//   GET  /api/charge-points                 every charge point that has booted
//   GET  /api/charge-points/ID              {"id", "connected", "ocpp_version", ..., "connectors": [...],
//                                            "offline_codes": {...}}
//   POST /api/charge-points/ID/call         {"action", "payload"} -> the charge point's response payload
//   GET  /api/transactions[?charge_point_id=ID]  transactions with start/stop counts (replays show)
//   POST /api/offline-codes             (D) {"charge_point_id", "connector_id"[, "energy_cap_wh"][, "valid_hours"]}
//                                           -> 201 {"code", "expires_at", ...} for the logged-in user
//   GET  /api/offline-codes             (D) the user's codes
//   GET  /api/settlements               (D) the user's settlements; ?all=1 (operators): everyone's, with
//                                           anomalies; ?anomalies=1 (operators): the flagged ones
//   GET  /api/security-events[?charge_point_id=ID]
//   POST /api/charge-points/ID/update-firmware, /get-log, /install-certificate, /sign-certificate;
//   GET  /api/charge-points/ID/uploads[/TOKEN/NAME], GET /api/firmware   (http_api_transfers.cpp, issue 13)
// /firmware/NAME and /uploads/TOKEN/NAME take no login (transfers.hpp says why).
// Every other path goes to the driver's pages (server/web), which keep their own login. Wrong
// passwords are throttled per user name, together with the pages' log-in form.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "csms.hpp"
#include "http_json.hpp"
#include "http_server.hpp"
#include "ocpp/server/driver_backend.hpp"
#include "ocpp/server/user_accounts.hpp"
#include "ocpp/server/web/login_throttle.hpp"

#if __has_include("ocpp/server/web/driver_pages.hpp")
#include "ocpp/server/web/driver_pages.hpp"
#define OCPP_CSMS_HAS_DRIVER_PAGES 1
#endif

namespace ocpp::csms {

// Turns a charge point's response payload into the API's answer.
using ResultShaper = std::function<HttpResponse(const rapidjson::Value& payload)>;

class HttpApi {
 public:
  HttpApi(transport::LwsLoop& loop, Csms& csms, const std::string& host, int port, server::UserAccounts users);
  ~HttpApi();
  int port() const { return server_.port(); }
  // One request to its response, as the HTTP server hands it over; without the network for the
  // fuzz target (tests/fuzz/csms_http_fuzz.cpp). Answers through `respond`, at once except for a
  // call to a connected charge point (answered when it replies).
  void handle(const HttpRequest& request, const Responder& respond);

 private:
  struct Caller {
    std::string user;
    server::Role role;
  };

  // The caller of an /api/ request, or nullopt once it has been answered 401 or 429.
  std::optional<Caller> authenticate(const HttpRequest& request, const Responder& respond);
  // A driver's requests (any role may make them); false when the request is none of them.
  bool driver_route(const Caller& caller, const HttpRequest& request, const Responder& respond);
  void operator_route(const HttpRequest& request, const Responder& respond);
  void page(const HttpRequest& request, const Responder& respond);
  void list_charge_points(const Responder& respond);
  void call(const std::string& id, const HttpRequest& request, const Responder& respond);
  void charge_point(const std::string& id, const Responder& respond);
  void list_transactions(const HttpRequest& request, const Responder& respond);
  // http_api_offline_codes.cpp: docs/offline-code.md §9 over HTTP.
  void issue_code(const std::string& user, const HttpRequest& request, const Responder& respond);
  void list_codes(const std::string& user, const Responder& respond);
  void list_settlements(const Caller& caller, const HttpRequest& request, const Responder& respond);
  void list_security_events(const HttpRequest& request, const Responder& respond);
  // The answer to an API request that made a CALL, from its outcome (`/call`'s status codes);
  // `on_result` shapes the answer to a response.
  static HttpResponse outcome_response(const std::string& action, rpc::CallOutcome& outcome,
                                       const ResultShaper& on_result = {});

  // http_api_transfers.cpp: firmware, logs and certificates (docs/reference-csms.md).
  void public_file(const HttpRequest& request, const Responder& respond);
  bool transfer_route(const std::string& rest, const HttpRequest& request, const Responder& respond);
  void update_firmware(const std::string& id, const HttpRequest& request, const Responder& respond);
  void get_log(const std::string& id, const HttpRequest& request, const Responder& respond);
  void list_uploads(const std::string& id, const Responder& respond);
  void list_firmware(const Responder& respond);
  void install_certificate(const std::string& id, const HttpRequest& request, const Responder& respond);
  void sign_certificate(const std::string& id, const Responder& respond);
  // Sends `action` to a connected charge point and answers with `on_result` or the failure.
  void send(const std::string& id, const std::string& action, rapidjson::Document payload, const Responder& respond,
            ResultShaper on_result, std::function<void()> on_failure = {});
  void write_operations(http::Writer& w, const std::string& id);

  Csms& csms_;
  server::UserAccounts users_;
  server::web::LoginThrottle login_throttle_;  // shared with the driver's pages
  server::OfflineCodeDriverBackend driver_backend_;
#ifdef OCPP_CSMS_HAS_DRIVER_PAGES
  std::unique_ptr<server::web::DriverPages> pages_;
#endif
  HttpServer server_;
};

}  // namespace ocpp::csms
