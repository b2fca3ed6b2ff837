#pragma once
// The reference CSMS's HTTP API (DESIGN.md, "Interfaces that outside tests rely on"), with HTTP
// Basic authentication as one of the --user accounts:
//   GET  /api/charge-points                 every charge point that has booted
//   GET  /api/charge-points/ID              {"id", "connected", "ocpp_version", ..., "connectors": [...]}
//   POST /api/charge-points/ID/call         {"action", "payload"} -> the charge point's response payload
//   GET  /api/transactions[?charge_point_id=ID]  transactions with start/stop counts (replays show)
#include <map>
#include <memory>
#include <string>

#include "csms.hpp"
#include "http_server.hpp"

namespace ocpp::csms {

class HttpApi {
 public:
  HttpApi(transport::LwsLoop& loop, Csms& csms, const std::string& host, int port,
          std::map<std::string, std::string> users);
  int port() const { return server_.port(); }

 private:
  void handle(const HttpRequest& request, const Responder& respond);
  void call(const std::string& id, const HttpRequest& request, const Responder& respond);
  bool authenticated(const HttpRequest& request) const;

  Csms& csms_;
  std::map<std::string, std::string> users_;
  HttpServer server_;
};

}  // namespace ocpp::csms
