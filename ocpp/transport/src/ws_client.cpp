#include "ocpp/transport/ws_client.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <cstring>
#include <unistd.h>
#include <stdexcept>

#include "ocpp/common/base64.hpp"
#include "ocpp/common/log.hpp"
#include "ws_io.hpp"

namespace ocpp::transport {
namespace {

constexpr const char* kLocalProtocol = "ocpp-client";
constexpr const char* kServerCertificateRefused = "the CSMS's certificate did not verify: ";

// One protocol table for every client: lws keeps the pointer for the vhost's lifetime, which can
// outlast a client object, and the per-connection client is found through opaque user data.
lws_protocols* client_protocols(lws_callback_function* cb) {
  static lws_protocols table[2] = {
      {kLocalProtocol, cb, 0, 0, 0, nullptr, 0},
      {nullptr, nullptr, 0, 0, 0, nullptr, 0},
  };
  return table;
}

bool readable(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

}  // namespace

WsClient::WsClient(LwsLoop& loop, ClientOptions options, Callbacks callbacks)
    : loop_(loop),
      callbacks_(std::move(callbacks)),
      backoff_(options.backoff),
      outgoing_(std::make_unique<detail::OutboundQueue>()),
      rx_(std::make_unique<detail::MessageAssembler>(options.max_message_bytes)),
      alive_(std::make_shared<bool>(true)) {
  if (auto why = problem(options)) throw std::invalid_argument(*why);
  apply(std::move(options));
}

std::optional<std::string> WsClient::problem(const ClientOptions& options) {
  const auto base = parse_url(options.csms_url);
  if (!base) return "csms_url: \"" + options.csms_url + "\" is not a ws:// or wss:// URL";
  if (options.charge_point_id.empty()) return "charge_point_id: must not be empty";
  const int profile = options.security_profile;
  if (profile < 0 || profile > 3) return "security_profile: must be 0, 1, 2 or 3";
  if (profile >= 2 && !base->tls) {
    return "csms_url: security profile " + std::to_string(profile) + " needs a wss:// URL";
  }
  if ((profile == 1 || profile == 2) && options.basic_auth_password.empty()) {
    return "basic_auth_password: security profile " + std::to_string(profile) + " needs a password";
  }
  if (profile == 3 && (options.cert_file.empty() || options.key_file.empty())) {
    return "tls.cert_file/tls.key_file: security profile 3 needs a client certificate";
  }
  for (const auto* f : {&options.ca_file, &options.cert_file, &options.key_file}) {
    if (!f->empty() && !readable(*f)) return "tls: cannot read \"" + *f + "\"";
  }
  return std::nullopt;
}

// Takes checked options: the URL to connect to, the Authorization header, the TLS vhost.
void WsClient::apply(ClientOptions options) {
  lws_vhost* vhost = vhost_for(options);
  if (vhost == nullptr) throw std::invalid_argument("tls: cannot set up the client TLS context (see log)");
  options_ = std::move(options);
  vhost_ = vhost;
  url_ = charge_point_url(*parse_url(options_.csms_url), options_.charge_point_id);
  url_text_ = std::string(url_.tls ? "wss://" : "ws://") + url_.host + ":" + std::to_string(url_.port) + url_.path;
  // 1.6 Security Whitepaper §2, 2.0.1 A00.FR.204: HTTP Basic, user = charge point id.
  const int profile = options_.security_profile;
  auth_header_.clear();
  if (profile == 1 || profile == 2) {
    auth_header_ = "Basic " + base64_encode(options_.charge_point_id + ":" + options_.basic_auth_password);
  }
}

lws_vhost* WsClient::vhost_for(const ClientOptions& options) {
  const bool tls = parse_url(options.csms_url)->tls;
  const bool client_cert = options.security_profile == 3;
  std::string key = tls ? "tls|" + options.ca_file : "plain";
  if (tls && client_cert) key += "|" + options.cert_file + "|" + options.key_file;
  if (const auto found = vhosts_.find(key); found != vhosts_.end()) return found->second;
  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = client_protocols(&WsClient::callback);
  const std::string suffix = vhosts_.empty() ? std::string() : "-" + std::to_string(vhosts_.size());
  info.vhost_name = LwsLoop::persistent("client-" + options.charge_point_id + suffix);
  if (tls) {
    info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
    if (!options.ca_file.empty()) info.client_ssl_ca_filepath = LwsLoop::persistent(options.ca_file);
    if (client_cert) {
      info.client_ssl_cert_filepath = LwsLoop::persistent(options.cert_file);
      info.client_ssl_private_key_filepath = LwsLoop::persistent(options.key_file);
    }
    // 2.0.1 A00.FR.309 / 1.6 Security Whitepaper: TLS 1.2 or higher only.
    info.ssl_client_options_set = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1;
  }
  lws_vhost* vhost = lws_create_vhost(loop_.context(), &info);
  if (vhost != nullptr) vhosts_.emplace(key, vhost);
  return vhost;
}

bool WsClient::server_certificate_refused(std::string_view reason) {
  return reason.rfind(kServerCertificateRefused, 0) == 0;
}

void WsClient::retarget(ClientOptions options) {
  // Only the target changes; the link's own policy (pings, back-off, limits) stays as it is now.
  options.version = options_.version;
  options.charge_point_id = options_.charge_point_id;
  options.max_message_bytes = options_.max_message_bytes;
  options.ping_interval = options_.ping_interval;
  options.connect_timeout = options_.connect_timeout;
  options.backoff = options_.backoff;
  if (auto why = problem(options)) throw std::invalid_argument(*why);
  apply(std::move(options));
  backoff_.reset();
  log::info("ws", "next connections go to " + url_text_ + " (security profile " +
                      std::to_string(options_.security_profile) + ")");
}

WsClient::~WsClient() {
  *alive_ = false;
  running_ = false;
  for (TimerId t : {reconnect_timer_, ping_timer_, pong_deadline_, connect_deadline_}) {
    if (t != 0) loop_.cancel(t);
  }
  if (wsi_ != nullptr) {
    lws_set_opaque_user_data(wsi_, nullptr);
    lws_set_timeout(wsi_, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
  }
  // The vhost is left to the context: destroying it here while its connection is still closing
  // would free state that lws uses during that close.
}

void WsClient::start() {
  if (running_) return;
  running_ = true;
  connect();
}

void WsClient::stop() {
  running_ = false;
  if (resolver_) resolver_->cancel();
  resolving_ = false;
  if (reconnect_timer_ != 0) {
    loop_.cancel(reconnect_timer_);
    reconnect_timer_ = 0;
  }
  drop_connection("stopped");
}

void WsClient::drop_connection(const std::string& reason) {
  if (wsi_ == nullptr) return;
  close_reason_ = reason;
  lws_set_timeout(wsi_, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
}

void WsClient::send_frame(std::string text) {
  if (!connected()) {
    log::warn("ws", "not connected, frame dropped");
    return;
  }
  outgoing_->push(std::move(text));
  lws_callback_on_writable(wsi_);
}

void WsClient::set_basic_auth_password(const std::string& password) {
  options_.basic_auth_password = password;
  if (!auth_header_.empty()) auth_header_ = "Basic " + base64_encode(options_.charge_point_id + ":" + password);
}

void WsClient::set_ping_interval(std::chrono::seconds interval) {
  options_.ping_interval = interval;
  if (ping_timer_ != 0) {
    loop_.cancel(ping_timer_);
    ping_timer_ = 0;
  }
  if (connected()) schedule_ping();
}

void WsClient::connect() {
  reconnect_timer_ = 0;
  // One attempt or connection at a time: a second one would share wsi_ with the first, and each
  // failure would schedule its own reconnect, doubling the attempts (found with a back-off of 0
  // against a link that refused every connection: the attempts ran away and then stopped).
  if (wsi_ != nullptr || resolving_) return;
  close_reason_.clear();
  attempt_closed_ = false;
  if (Resolver::is_numeric(url_.host)) {
    open_connection(url_.host);
    return;
  }
  // Issue 14: the name is resolved off the loop; connect_timeout covers the lookup too.
  resolving_ = true;
  arm_connect_deadline();
  if (!resolver_) resolver_ = std::make_unique<Resolver>(loop_, options_.lookup ? options_.lookup : Resolver::system_lookup);
  const std::string host = url_.host;
  resolver_->resolve(host, url_.port, [this, host](const Resolution& r) {
    resolving_ = false;
    if (!running_) return;
    if (host != url_.host) {  // retargeted meanwhile: resolve the new name
      connect();
      return;
    }
    if (r.address.empty()) {
      on_closed(r.error);
      return;
    }
    open_connection(r.address);
  });
}

void WsClient::open_connection(const std::string& address) {
  const std::string proto(subprotocol(options_.version));
  lws_client_connect_info ci{};
  ci.context = loop_.context();
  ci.vhost = vhost_;
  ci.address = address.c_str();
  ci.port = url_.port;
  ci.path = url_.path.c_str();
  // The name, not the address: the Host header, TLS SNI and the certificate's name check use it.
  ci.host = url_.host.c_str();
  ci.origin = url_.host.c_str();
  ci.protocol = proto.c_str();
  ci.local_protocol_name = kLocalProtocol;
  ci.ssl_connection = url_.tls ? LCCSCF_USE_SSL : 0;
  ci.opaque_user_data = this;
  ci.pwsi = &wsi_;
  log::info("ws", "connecting to " + url_text_ + (address == url_.host ? "" : " at " + address) + " (" + proto +
                      ", security profile " + std::to_string(options_.security_profile) + ")");
  if (lws_client_connect_via_info(&ci) == nullptr) {
    wsi_ = nullptr;
    // lws may have reported the failure through the callback already (on_closed ran).
    if (!attempt_closed_) on_closed("cannot start a connection to " + url_text_);
    return;
  }
  if (!attempt_closed_) arm_connect_deadline();
}

void WsClient::arm_connect_deadline() {
  if (connect_deadline_ != 0 || options_.connect_timeout.count() <= 0) return;
  connect_deadline_ = loop_.schedule_after(options_.connect_timeout, [this] {
    connect_deadline_ = 0;
    if (resolving_) {
      resolving_ = false;
      resolver_->cancel();
      on_closed("cannot resolve " + url_.host + " within " + std::to_string(options_.connect_timeout.count()) + " s");
      return;
    }
    if (open_ || wsi_ == nullptr) return;
    // The attempt is abandoned here rather than through lws, which may report nothing for a
    // connection still in its handshake: later callbacks of that wsi find no client and do nothing.
    lws_set_opaque_user_data(wsi_, nullptr);
    lws_set_timeout(wsi_, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_ASYNC);
    wsi_ = nullptr;
    on_closed("no WebSocket handshake within " + std::to_string(options_.connect_timeout.count()) + " s");
  });
}

void WsClient::on_closed(const std::string& reason) {
  attempt_closed_ = true;
  const bool was_open = open_;
  wsi_ = nullptr;
  open_ = false;
  outgoing_->clear();
  rx_->reset();
  for (TimerId* t : {&ping_timer_, &pong_deadline_, &connect_deadline_}) {
    if (*t != 0) loop_.cancel(*t);
    *t = 0;
  }
  log::warn("ws", (was_open ? "connection closed: " : "connection failed: ") + reason);
  auto alive = alive_;
  if (callbacks_.on_close) callbacks_.on_close(reason);
  if (*alive && running_) schedule_reconnect();
}

void WsClient::schedule_reconnect() {
  if (reconnect_timer_ != 0) return;  // one is planned already
  // Even with RetryBackOffWaitMinimum and RandomRange 0, attempts are at least kMinReconnectWait
  // apart: a refusing endpoint must not turn the event loop into a busy loop.
  const auto wait = std::max(backoff_.next(), kMinReconnectWait);
  log::info("ws", "reconnecting in " + std::to_string(wait.count()) + " ms (attempt " +
                      std::to_string(backoff_.attempts()) + ")");
  reconnect_timer_ = loop_.schedule_after(wait, [this] { connect(); });
}

void WsClient::schedule_ping() {
  if (options_.ping_interval.count() <= 0) return;
  ping_timer_ = loop_.schedule_after(options_.ping_interval, [this] {
    ping_timer_ = 0;
    if (!connected()) return;
    outgoing_->request_ping();
    lws_callback_on_writable(wsi_);
    // A link that stays silent for a whole interval after our ping is dead, even if TCP has not
    // noticed (no FIN from a crashed peer or a cut cable).
    if (pong_deadline_ == 0) {
      pong_deadline_ = loop_.schedule_after(options_.ping_interval, [this] {
        pong_deadline_ = 0;
        drop_connection("no pong within " + std::to_string(options_.ping_interval.count()) + " s");
      });
    }
    schedule_ping();
  });
}

int WsClient::callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len) {
  auto* self = static_cast<WsClient*>(lws_get_opaque_user_data(wsi));
  if (self == nullptr) return 0;
  // What the connection's events lead to (the RPC, the adapter, the core) is this charge point's.
  const log::Subject scope(self->options_.charge_point_id);
  if (reason == LWS_CALLBACK_OPENSSL_PERFORM_SERVER_CERT_VERIFICATION) {
    // OpenSSL's verdict on the CSMS's certificate (len: preverify_ok, user: the X509_STORE_CTX).
    // The refusal stays OpenSSL's; its reason is kept so that the failed attempt says it.
    if (len == 0 && user != nullptr && self->close_reason_.empty()) {
      const int error = X509_STORE_CTX_get_error(static_cast<X509_STORE_CTX*>(user));
      self->close_reason_ = std::string(kServerCertificateRefused) + X509_verify_cert_error_string(error);
    }
    return 0;
  }
  try {
    return self->on_event(wsi, reason, in, len);
  } catch (const std::exception& e) {
    // Never through libwebsockets' C frames (see LwsLoop): log the bug, keep the connection.
    log::error("ws", std::string("BUG: uncaught exception in a connection callback: ") + e.what());
    return 0;
  }
}

int WsClient::on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len) {
  switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
      if (auth_header_.empty()) return 0;
      auto** p = static_cast<unsigned char**>(in);
      unsigned char* end = *p + len;
      if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION,
                                       reinterpret_cast<const unsigned char*>(auth_header_.data()),
                                       static_cast<int>(auth_header_.size()), p, end) != 0) {
        return -1;
      }
      return 0;
    }
    case LWS_CALLBACK_CLIENT_FILTER_PRE_ESTABLISH: {
      // 1.6 OCPP-J §3.1.2, 2.0.1 Part 4 §3.1.2: the server must agree to our subprotocol.
      char agreed[64] = {0};
      const int n = lws_hdr_copy(wsi, agreed, sizeof agreed, WSI_TOKEN_PROTOCOL);
      if (n <= 0 || subprotocol(options_.version) != std::string_view(agreed)) {
        close_reason_ = "CSMS did not agree to subprotocol " + std::string(subprotocol(options_.version)) +
                        (n > 0 ? " (answered " + std::string(agreed) + ")" : " (answered none)");
        return -1;
      }
      return 0;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      open_ = true;
      if (connect_deadline_ != 0) loop_.cancel(connect_deadline_);
      connect_deadline_ = 0;
      backoff_.reset();
      log::info("ws", "connected to " + url_text_);
      schedule_ping();
      if (callbacks_.on_open) callbacks_.on_open();
      return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      receive(wsi, static_cast<const char*>(in), len);
      return 0;
    case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
      if (pong_deadline_ != 0) {
        loop_.cancel(pong_deadline_);
        pong_deadline_ = 0;
      }
      return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      if (!outgoing_->write_one(wsi)) {
        close_reason_ = "write failed";
        return -1;
      }
      return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
      std::string why = close_reason_;
      if (why.empty()) {
        why = in != nullptr ? std::string(static_cast<const char*>(in), strnlen(static_cast<const char*>(in), len ? len : 256))
                            : "connection error";
        // A refused handshake says why in its status: 401 is a wrong password, 404 an unknown id.
        const unsigned int status = lws_http_client_http_response(wsi);
        if (status != 0 && status != 101) why += " (HTTP " + std::to_string(status) + ")";
      }
      on_closed(why);
      return 0;
    }
    case LWS_CALLBACK_CLIENT_CLOSED:
      on_closed(close_reason_.empty() ? "closed by the CSMS" : close_reason_);
      return 0;
    case LWS_CALLBACK_WSI_DESTROY:
      // lws frees an attempt that fails during its handshake on some paths without telling the
      // client first (no CONNECTION_ERROR, no CLOSED). Holding on to it left wsi_ pointing at freed
      // memory, which the connect deadline then used (found under the sanitizers, as a SEGV in
      // lws_set_timeout, with the link cut while the pile reconnected). The attempt ends here.
      if (wsi == wsi_) on_closed(close_reason_.empty() ? "connection lost during the handshake" : close_reason_);
      return 0;
    default:
      return 0;
  }
}

void WsClient::receive(lws* wsi, const char* data, std::size_t len) {
  if (!rx_->append(wsi, data, len)) return;
  auto m = rx_->take();
  if (m.binary) {
    // OCPP-J messages are text frames (1.6 OCPP-J §4.1).
    log::warn("ws", "ignored a binary frame of " + std::to_string(m.size) + " bytes");
  } else if (m.oversized) {
    if (callbacks_.on_oversized) callbacks_.on_oversized(m.prefix, m.size, rx_->limit());
  } else if (callbacks_.on_message) {
    callbacks_.on_message(std::move(m.text));
  }
}

}  // namespace ocpp::transport
