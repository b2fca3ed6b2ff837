#pragma once
// The CSMS side of the same WebSocket layer: accepts charge points on any path under `path_prefix`
// whose last segment is their id, negotiates the subprotocol, checks HTTP Basic credentials or a
// client certificate, and serves ws or wss.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ocpp/common/version.hpp"
#include "ocpp/rpc/endpoint.hpp"
#include "ocpp/transport/lws_loop.hpp"

namespace ocpp::transport {

namespace detail {
class MessageAssembler;
class OutboundQueue;
}  // namespace detail

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: any free port, see WsServer::port()
  // Charge points connect to a path that starts with this; the last segment is their id
  // (charge_point_id_from_path), "/ocpp/CP-1" and "/CP-1" alike under the default.
  std::string path_prefix = "/";
  std::vector<ProtocolVersion> versions{ProtocolVersion::v16, ProtocolVersion::v201};
  std::string cert_file;  // set both to serve wss
  std::string key_file;
  std::string ca_file;    // roots that client certificates must chain to
  bool require_client_cert = false;  // security profile 3
  // When set, HTTP Basic is required (user = charge point id) unless a client certificate was
  // verified; refused credentials get HTTP 401.
  std::function<bool(const std::string& charge_point_id, const std::string& password)> check_password;
  std::size_t max_message_bytes = 256 * 1024;
};

class ServerConnection final : public rpc::FrameSink {
 public:
  const std::string& charge_point_id() const { return charge_point_id_; }
  ProtocolVersion version() const { return version_; }
  const std::string& peer_address() const { return peer_; }
  void send_frame(std::string text) override;
  void close();
  ~ServerConnection() override;

 private:
  friend class WsServer;
  ServerConnection(lws* wsi, std::string id, ProtocolVersion v, std::size_t max_message_bytes);
  lws* wsi_;
  std::string charge_point_id_;
  ProtocolVersion version_;
  std::string peer_;
  std::unique_ptr<detail::OutboundQueue> outgoing_;
  std::unique_ptr<detail::MessageAssembler> rx_;
};

class WsServer {
 public:
  struct Callbacks {
    std::function<void(ServerConnection&)> on_open;
    std::function<void(ServerConnection&, std::vector<char>&& text)> on_message;
    std::function<void(ServerConnection&, std::string_view prefix, std::size_t size, std::size_t limit)> on_oversized;
    std::function<void(ServerConnection&)> on_close;
  };

  // Throws std::runtime_error when it cannot listen or load its certificates. A new server on the
  // port of one destroyed in the same LwsLoop may not listen: lws frees a vhost lazily and shares
  // its port with newcomers meanwhile. Restart a CSMS with a new LwsLoop (as a new process does).
  WsServer(LwsLoop& loop, ServerOptions options, Callbacks callbacks);
  ~WsServer();
  WsServer(const WsServer&) = delete;
  WsServer& operator=(const WsServer&) = delete;

  int port() const { return port_; }
  std::size_t connection_count() const { return connections_.size(); }

 private:
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  int on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len);
  int confirm_upgrade(lws* wsi);

  LwsLoop& loop_;
  ServerOptions options_;
  Callbacks callbacks_;
  lws_vhost* vhost_ = nullptr;
  int port_ = 0;
  std::map<lws*, std::unique_ptr<ServerConnection>> connections_;
  std::map<lws*, std::string> upgrading_;  // charge point id by connection, between upgrade and open
};

}  // namespace ocpp::transport
