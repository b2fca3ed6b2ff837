#include "ocpp/transport/ocpp_server.hpp"

#include "ocpp/common/log.hpp"

namespace ocpp::transport {

OcppServer::OcppServer(LwsLoop& loop, ServerOptions options, Callbacks callbacks, rpc::EndpointOptions rpc)
    : loop_(loop), callbacks_(std::move(callbacks)), rpc_options_(std::move(rpc)) {
  WsServer::Callbacks ws;
  ws.on_open = [this](ServerConnection& conn) {
    rpc::EndpointOptions opts = rpc_options_;
    opts.log_name = conn.charge_point_id();
    auto session = std::unique_ptr<Session>(new Session{conn, rpc::Endpoint(loop_, conn.version(), opts)});
    Session& ref = *session;
    // A charge point that reconnects replaces its old session, whose socket may not have noticed yet.
    const auto previous = by_id_.find(conn.charge_point_id());
    if (previous != by_id_.end()) {
      log::warn("csms", conn.charge_point_id() + " reconnected; closing its previous connection");
      previous->second->connection.close();
    }
    by_id_[conn.charge_point_id()] = &ref;
    sessions_[&conn] = std::move(session);
    if (callbacks_.on_open) callbacks_.on_open(ref);
    ref.rpc.attach(conn);
  };
  ws.on_message = [this](ServerConnection& conn, std::vector<char>&& text) {
    const auto it = sessions_.find(&conn);
    if (it != sessions_.end()) it->second->rpc.on_message(std::move(text));
  };
  ws.on_oversized = [this](ServerConnection& conn, std::string_view prefix, std::size_t size, std::size_t limit) {
    const auto it = sessions_.find(&conn);
    if (it != sessions_.end()) it->second->rpc.on_oversized_message(prefix, size, limit);
  };
  ws.on_close = [this](ServerConnection& conn) {
    const auto it = sessions_.find(&conn);
    if (it == sessions_.end()) return;
    auto session = std::move(it->second);
    sessions_.erase(it);
    const auto current = by_id_.find(session->charge_point_id());
    if (current != by_id_.end() && current->second == session.get()) by_id_.erase(current);
    session->rpc.detach();
    // Queued CALLs complete too (an operator's HTTP call waiting behind another gets its answer).
    session->rpc.cancel_queued(rpc::CallOutcome::Status::Disconnected);
    if (callbacks_.on_close) callbacks_.on_close(*session);
  };
  server_ = std::make_unique<WsServer>(loop, std::move(options), std::move(ws));
}

Session* OcppServer::find(const std::string& charge_point_id) {
  const auto it = by_id_.find(charge_point_id);
  return it == by_id_.end() ? nullptr : it->second;
}

}  // namespace ocpp::transport
