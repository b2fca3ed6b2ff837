#include "ocpp/transport/ocpp_client.hpp"

namespace ocpp::transport {

OcppClient::OcppClient(LwsLoop& loop, ClientOptions options, Callbacks callbacks, rpc::EndpointOptions rpc)
    : callbacks_(std::move(callbacks)), rpc_(std::make_unique<rpc::Endpoint>(loop, options.version, std::move(rpc))) {
  WsClient::Callbacks ws;
  ws.on_open = [this] {
    rpc_->attach(*socket_);
    if (callbacks_.on_connected) callbacks_.on_connected();
  };
  ws.on_close = [this](const std::string& reason) {
    // Every CALL not answered on this connection completes with Disconnected, queued ones too:
    // their owners re-send what must be delivered (the outbox), and nothing stale goes out on the
    // next connection behind their back (which would send an outbox event twice).
    rpc_->detach();
    rpc_->cancel_queued(rpc::CallOutcome::Status::Disconnected);
    if (callbacks_.on_disconnected) callbacks_.on_disconnected(reason);
  };
  ws.on_message = [this](std::vector<char>&& text) { rpc_->on_message(std::move(text)); };
  ws.on_oversized = [this](std::string_view prefix, std::size_t size, std::size_t limit) {
    rpc_->on_oversized_message(prefix, size, limit);
  };
  socket_ = std::make_unique<WsClient>(loop, std::move(options), std::move(ws));
}

}  // namespace ocpp::transport
