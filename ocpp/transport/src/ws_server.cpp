#include "ocpp/transport/ws_server.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "ocpp/common/base64.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/transport/url.hpp"
#include "ws_io.hpp"

namespace ocpp::transport {
namespace {

// The CN of the client certificate, read from its subject with OpenSSL: lws's own COMMON_NAME
// info returns everything after "/CN=" of the one-line subject, so a certificate whose subject
// goes on after the CN ("/CN=CP-1/O=Operator", as piles' CSRs often read) would never match.
std::string peer_common_name(lws* wsi) {
  SSL* ssl = lws_get_ssl(wsi);
  X509* cert = ssl != nullptr ? SSL_get1_peer_certificate(ssl) : nullptr;
  if (cert == nullptr) return {};
  std::string cn;
  X509_NAME* name = X509_get_subject_name(cert);
  const int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  unsigned char* utf8 = nullptr;
  const int len = at < 0 ? -1 : ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
  if (len >= 0) cn.assign(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  X509_free(cert);
  return cn;
}

constexpr const char* kHttpProtocol = "ocpp-http";

// "Basic base64(id:password)" -> password. OCPP fixes the user to the charge point id, which may
// itself contain colons, so the split is after the known id rather than at the first colon.
bool basic_password(const std::string& value, const std::string& id, std::string& password) {
  if (value.rfind("Basic ", 0) != 0) return false;
  const auto decoded = base64_decode(std::string_view(value).substr(6));
  if (!decoded) return false;
  if (decoded->size() <= id.size() || decoded->compare(0, id.size(), id) != 0 || (*decoded)[id.size()] != ':') {
    return false;
  }
  password = decoded->substr(id.size() + 1);
  return true;
}

}  // namespace

ServerConnection::ServerConnection(lws* wsi, std::string id, ProtocolVersion v, std::size_t max_message_bytes)
    : wsi_(wsi),
      charge_point_id_(std::move(id)),
      version_(v),
      outgoing_(std::make_unique<detail::OutboundQueue>()),
      rx_(std::make_unique<detail::MessageAssembler>(max_message_bytes)) {
  char ip[64] = {0};
  lws_get_peer_simple(wsi, ip, sizeof ip);
  peer_ = ip;
}

ServerConnection::~ServerConnection() = default;

void ServerConnection::send_frame(std::string text) {
  if (wsi_ == nullptr) return;
  outgoing_->push(std::move(text));
  lws_callback_on_writable(wsi_);
}

void ServerConnection::close() {
  if (wsi_ != nullptr) lws_set_timeout(wsi_, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
}

WsServer::WsServer(LwsLoop& loop, ServerOptions options, Callbacks callbacks)
    : loop_(loop), options_(std::move(options)), callbacks_(std::move(callbacks)) {
  // [0] serves the HTTP part of the handshake (where we accept or refuse the upgrade, including a
  // version this server does not accept); the others are the OCPP subprotocols. Static: lws uses
  // the table until the vhost is freed, which may be after this server is gone.
  static const lws_protocols kProtocols[] = {
      {kHttpProtocol, &WsServer::callback, 0, 0, 0, nullptr, 0},
      {subprotocol(ProtocolVersion::v16).data(), &WsServer::callback, 0, 4096, 0, nullptr, 0},
      {subprotocol(ProtocolVersion::v201).data(), &WsServer::callback, 0, 4096, 0, nullptr, 0},
      {nullptr, nullptr, 0, 0, 0, nullptr, 0},
  };

  lws_context_creation_info info{};
  info.port = options_.port;
  info.iface = LwsLoop::persistent(options_.host);
  info.protocols = kProtocols;
  info.user = this;
  info.vhost_name = LwsLoop::persistent("ocpp-server-" + options_.host + ":" + std::to_string(options_.port));
  if (!options_.cert_file.empty()) {
    info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    info.ssl_cert_filepath = LwsLoop::persistent(options_.cert_file);
    info.ssl_private_key_filepath = LwsLoop::persistent(options_.key_file);
    if (!options_.ca_file.empty()) info.ssl_ca_filepath = LwsLoop::persistent(options_.ca_file);
    if (options_.require_client_cert) info.options |= LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT;
    info.ssl_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
  }
  vhost_ = lws_create_vhost(loop_.context(), &info);
  if (vhost_ == nullptr) {
    throw std::runtime_error("cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                             (options_.cert_file.empty() ? "" : " or load the TLS certificate/key"));
  }
  port_ = lws_get_vhost_listen_port(vhost_);
  LwsLoop::set_live(this, true);
  log::info("csms", std::string("listening on ") + (options_.cert_file.empty() ? "ws://" : "wss://") +
                        options_.host + ":" + std::to_string(port_));
}

WsServer::~WsServer() {
  LwsLoop::set_live(this, false);
  // Close every connection synchronously: lws frees a vhost at once only when nothing is bound
  // to it any more. Otherwise it lingers for seconds and a new server on the same port would share
  // its (closed) listening socket.
  auto connections = std::move(connections_);
  for (auto& [wsi, conn] : connections) {
    conn->wsi_ = nullptr;
    lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_SYNC);
  }
  for (auto& [wsi, id] : std::map<lws*, std::string>(upgrading_)) {
    lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_SYNC);
  }
  upgrading_.clear();
  lws_vhost_destroy(vhost_);
}

int WsServer::callback(lws* wsi, lws_callback_reasons reason, void*, void* in, size_t len) {
  if (reason == LWS_CALLBACK_OPENSSL_PERFORM_CLIENT_CERT_VERIFICATION) {
    // lws accepts the client certificate whenever this callback returns 0, whatever OpenSSL's own
    // verdict (`len` is OpenSSL's preverify_ok): refuse a certificate that did not verify.
    if (len == 0) log::warn("csms", "refused a client certificate that does not chain to the trusted roots");
    return len == 0 ? 1 : 0;
  }
  lws_vhost* vh = lws_get_vhost(wsi);
  auto* self = vh != nullptr ? static_cast<WsServer*>(lws_get_vhost_user(vh)) : nullptr;
  if (self == nullptr || !LwsLoop::is_live(self)) {
    // The vhost of a server that has shut down: refuse what still reaches it.
    return reason == LWS_CALLBACK_HTTP_CONFIRM_UPGRADE || reason == LWS_CALLBACK_HTTP ? -1 : 0;
  }
  try {
    return self->on_event(wsi, reason, in, len);
  } catch (const std::exception& e) {
    // Never through libwebsockets' C frames (see LwsLoop): log the bug, keep the connection.
    log::error("ws", std::string("BUG: uncaught exception in a connection callback: ") + e.what());
    return 0;
  }
}

int WsServer::confirm_upgrade(lws* wsi) {
  // 1.6 OCPP-J §3.1.1, 2.0.1 Part 4 §3.2: the id is the last path segment, whatever the pile's
  // configured URL put before it. lws hands the path percent-decoded (and "%2F" as "/"), so it is
  // not decoded again, and an id containing "/" cannot be told from a prefix.
  const std::string uri = header_value(wsi, WSI_TOKEN_GET_URI);
  if (uri.rfind(options_.path_prefix, 0) != 0) {
    lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, "unknown path");
    return 1;
  }
  const std::string id = charge_point_id_from_path(uri, options_.path_prefix).value_or("");
  // `in` names the upgrade ("websocket"), not the subprotocol: read what the client offered.
  const std::string offered = header_value(wsi, WSI_TOKEN_PROTOCOL);
  bool accepted_version = false;
  std::size_t start = 0;
  while (start <= offered.size() && !accepted_version) {
    const std::size_t comma = std::min(offered.find(',', start), offered.size());
    std::string name = offered.substr(start, comma - start);
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
    const auto version = version_from_subprotocol(name);
    for (ProtocolVersion v : options_.versions) accepted_version |= version && *version == v;
    start = comma + 1;
  }
  if (!accepted_version) {
    log::warn("csms", "refused " + uri + ": no supported subprotocol offered (\"" + offered + "\")");
    lws_return_http_status(wsi, HTTP_STATUS_BAD_REQUEST, "no supported OCPP subprotocol offered");
    return 1;
  }
  if (id.empty()) {
    lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, "the path must end with the charge point id");
    return 1;
  }
  if (options_.check_password && !options_.require_client_cert) {
    std::string password;
    if (!basic_password(header_value(wsi, WSI_TOKEN_HTTP_AUTHORIZATION), id, password) ||
        !options_.check_password(id, password)) {
      log::warn("csms", "refused " + id + ": wrong or missing HTTP Basic credentials");
      lws_return_http_status(wsi, HTTP_STATUS_UNAUTHORIZED, "charge point credentials refused");
      return 1;
    }
  }
  if (options_.require_client_cert) {
    // Security profile 3 (2.0.1 A00.FR.404-405): the certificate must belong to this charge point.
    if (id != peer_common_name(wsi)) {
      log::warn("csms", "refused " + id + ": the client certificate is issued to another charge point");
      lws_return_http_status(wsi, HTTP_STATUS_FORBIDDEN, "client certificate does not match the charge point id");
      return 1;
    }
  }
  upgrading_[wsi] = id;
  return 0;
}

int WsServer::on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len) {
  switch (reason) {
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
      return confirm_upgrade(wsi);
    case LWS_CALLBACK_HTTP:
      // A plain HTTP request on the OCPP port.
      lws_return_http_status(wsi, HTTP_STATUS_NOT_FOUND, "this port serves OCPP WebSocket connections");
      return -1;
    case LWS_CALLBACK_ESTABLISHED: {
      const auto pending = upgrading_.find(wsi);
      const auto version = version_from_subprotocol(lws_get_protocol(wsi)->name);
      if (pending == upgrading_.end() || !version) return -1;
      auto conn = std::unique_ptr<ServerConnection>(
          new ServerConnection(wsi, pending->second, *version, options_.max_message_bytes));
      upgrading_.erase(pending);
      ServerConnection& ref = *conn;
      connections_[wsi] = std::move(conn);
      log::info("csms", ref.charge_point_id() + " connected (" + std::string(subprotocol(*version)) + ") from " +
                            ref.peer_address());
      if (callbacks_.on_open) callbacks_.on_open(ref);
      return 0;
    }
    case LWS_CALLBACK_RECEIVE: {
      const auto it = connections_.find(wsi);
      if (it == connections_.end()) return 0;
      ServerConnection& conn = *it->second;
      if (!conn.rx_->append(wsi, static_cast<const char*>(in), len)) return 0;
      auto m = conn.rx_->take();
      if (m.binary) {
        log::warn("csms", conn.charge_point_id() + ": ignored a binary frame");
      } else if (m.oversized) {
        if (callbacks_.on_oversized) callbacks_.on_oversized(conn, m.prefix, m.size, conn.rx_->limit());
      } else if (callbacks_.on_message) {
        callbacks_.on_message(conn, std::move(m.text));
      }
      return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE: {
      const auto it = connections_.find(wsi);
      if (it == connections_.end()) return 0;
      return it->second->outgoing_->write_one(wsi) ? 0 : -1;
    }
    case LWS_CALLBACK_CLOSED: {
      upgrading_.erase(wsi);
      const auto it = connections_.find(wsi);
      if (it == connections_.end()) return 0;
      auto conn = std::move(it->second);
      connections_.erase(it);
      conn->wsi_ = nullptr;
      log::info("csms", conn->charge_point_id() + " disconnected");
      if (callbacks_.on_close) callbacks_.on_close(*conn);
      return 0;
    }
    case LWS_CALLBACK_WSI_DESTROY:
      upgrading_.erase(wsi);
      return 0;
    default:
      return 0;
  }
}

}  // namespace ocpp::transport
