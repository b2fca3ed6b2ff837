#pragma once
// A WebSocket client and the RPC endpoint that speaks over it: what a charge point (or the demo
// client) needs to talk OCPP to a CSMS. When the link goes down, every CALL not yet answered
// (in flight or queued) completes with CallOutcome::Status::Disconnected.
#include <functional>
#include <memory>
#include <string>

#include "ocpp/rpc/endpoint.hpp"
#include "ocpp/transport/ws_client.hpp"

namespace ocpp::transport {

class OcppClient {
 public:
  struct Callbacks {
    std::function<void()> on_connected;
    std::function<void(const std::string& reason)> on_disconnected;
  };

  OcppClient(LwsLoop& loop, ClientOptions options, Callbacks callbacks = {}, rpc::EndpointOptions rpc = {});
  rpc::Endpoint& rpc() { return *rpc_; }
  WsClient& socket() { return *socket_; }
  void start() { socket_->start(); }
  void stop() { socket_->stop(); }
  bool connected() const { return socket_->connected(); }
  // The next connection attempts go to another CSMS (WsClient::retarget); the RPC endpoint and its
  // handlers stay.
  void retarget(ClientOptions options) { socket_->retarget(std::move(options)); }

 private:
  Callbacks callbacks_;
  std::unique_ptr<rpc::Endpoint> rpc_;
  std::unique_ptr<WsClient> socket_;
};

}  // namespace ocpp::transport
