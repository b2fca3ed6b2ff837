#pragma once
// The CSMS role: a WebSocket server with one RPC endpoint per connected charge point.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ocpp/rpc/endpoint.hpp"
#include "ocpp/transport/ws_server.hpp"

namespace ocpp::transport {

struct Session {
  ServerConnection& connection;
  rpc::Endpoint rpc;
  const std::string& charge_point_id() const { return connection.charge_point_id(); }
};

class OcppServer {
 public:
  struct Callbacks {
    // Register the session's CALL handlers here; CALLs may be made on it from now on.
    std::function<void(Session&)> on_open;
    std::function<void(Session&)> on_close;
  };

  OcppServer(LwsLoop& loop, ServerOptions options, Callbacks callbacks, rpc::EndpointOptions rpc = {});
  int port() const { return server_->port(); }
  // The session of a connected charge point, or nullptr.
  Session* find(const std::string& charge_point_id);
  std::size_t session_count() const { return sessions_.size(); }

 private:
  LwsLoop& loop_;
  Callbacks callbacks_;
  rpc::EndpointOptions rpc_options_;
  std::map<const ServerConnection*, std::unique_ptr<Session>> sessions_;
  std::map<std::string, Session*> by_id_;  // the newest session of each charge point
  std::unique_ptr<WsServer> server_;
};

}  // namespace ocpp::transport
