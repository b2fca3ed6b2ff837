#pragma once
// The reference CSMS: accepts charge points of both OCPP versions, answers their messages
// sensibly (registration, heartbeats, statuses, authorization, transactions, meter values),
// records everything in SQLite, and lets an operator call a charge point through the HTTP API.
#include <map>
#include <memory>
#include <string>

#include "ocpp/rpc/endpoint.hpp"
#include "ocpp/transport/ocpp_server.hpp"
#include "store.hpp"

namespace ocpp::csms {

struct CsmsOptions {
  transport::ServerOptions server;
  std::string database = "csms.db";
  int heartbeat_interval_s = 300;
  std::chrono::milliseconds call_timeout{std::chrono::seconds{30}};
  // Authorization: known id tags with their status ("Accepted", "Blocked", "Expired", "Invalid");
  // unknown tags get `unknown_id_tag_status`.
  std::map<std::string, std::string> id_tags;
  std::string unknown_id_tag_status = "Accepted";
  // Charge point passwords for HTTP Basic (security profiles 1 and 2). Empty: no Basic required.
  std::map<std::string, std::string> charge_point_passwords;
};

class Csms {
 public:
  Csms(transport::LwsLoop& loop, CsmsOptions options);
  int ocpp_port() const { return server_->port(); }
  Store& store() { return store_; }
  bool connected(const std::string& id) { return server_->find(id) != nullptr; }
  std::string connected_version(const std::string& id);
  // Sends a CALL to a connected charge point. False when it is not connected.
  bool call(const std::string& id, const std::string& action, rapidjson::Document payload, rpc::ResultHandler done);

  // Handlers of each version (handlers_v16.cpp, handlers_v201.cpp).
  void register_v16(transport::Session& session);
  void register_v201(transport::Session& session);
  // The status of an id tag, as the version-neutral string both versions use.
  std::string authorization_status(const std::string& id_tag) const;
  int heartbeat_interval() const { return options_.heartbeat_interval_s; }

 private:
  CsmsOptions options_;
  Store store_;
  std::unique_ptr<transport::OcppServer> server_;
};

}  // namespace ocpp::csms
