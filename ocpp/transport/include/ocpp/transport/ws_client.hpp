#pragma once
// The charge point's WebSocket link to the CSMS (libwebsockets 4.1, OpenSSL 3): security profiles
// 0-3, subprotocol negotiation, reconnect with back-off, ping/pong dead-link detection, and a limit
// on the size of inbound messages.
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/transport/resolver.hpp"
#include "ocpp/common/version.hpp"
#include "ocpp/rpc/endpoint.hpp"
#include "ocpp/transport/backoff.hpp"
#include "ocpp/transport/lws_loop.hpp"
#include "ocpp/transport/url.hpp"

namespace ocpp::transport::detail {
class MessageAssembler;
class OutboundQueue;
}  // namespace ocpp::transport::detail

namespace ocpp::transport {

struct ClientOptions {
  std::string csms_url;          // ws://... or wss://...; the charge point id is appended
  std::string charge_point_id;
  ProtocolVersion version = ProtocolVersion::v16;
  // 0: no auth, ws allowed; 1: Basic over ws; 2: TLS + Basic; 3: mutual TLS (no Basic).
  // OCPP 1.6 Security Whitepaper / 2.0.1 Part 2 A00.FR: profiles 2 and 3 need wss and TLS >= 1.2.
  int security_profile = 0;
  std::string basic_auth_password;
  std::string ca_file;    // trusted CSMS root(s), profiles 2 and 3
  std::string cert_file;  // client certificate, profile 3
  std::string key_file;
  std::size_t max_message_bytes = 256 * 1024;
  std::chrono::seconds ping_interval{60};  // WebSocketPingInterval; 0 disables pings
  // From the start of an attempt to the end of the WebSocket handshake: a CSMS (or a middlebox)
  // that accepts the TCP connection and never answers must not hold the charge point forever.
  std::chrono::seconds connect_timeout{30};
  BackoffPolicy backoff;
  // How a host name becomes an address, off the loop (resolver.hpp); empty: getaddrinfo().
  Resolver::Lookup lookup;
};

class WsClient final : public rpc::FrameSink {
 public:
  // The shortest wait between two connection attempts, whatever the back-off policy says.
  static constexpr std::chrono::milliseconds kMinReconnectWait{100};

  struct Callbacks {
    std::function<void()> on_open;
    std::function<void(const std::string& reason)> on_close;  // also after a failed attempt
    std::function<void(std::vector<char>&& text)> on_message;
    std::function<void(std::string_view prefix, std::size_t size, std::size_t limit)> on_oversized;
  };

  // Throws std::invalid_argument for options that cannot work (bad URL, profile/scheme mismatch,
  // missing files), with a message that names the option.
  WsClient(LwsLoop& loop, ClientOptions options, Callbacks callbacks);
  ~WsClient() override;
  // What the constructor would refuse in `options`, as its message; nullopt when they can work.
  static std::optional<std::string> problem(const ClientOptions& options);
  WsClient(const WsClient&) = delete;
  WsClient& operator=(const WsClient&) = delete;

  void start();  // connects now, and keeps reconnecting until stop()
  void stop();   // closes and stops reconnecting
  // Closes the current connection; the client reconnects after the back-off wait.
  void drop_connection(const std::string& reason);
  bool connected() const { return wsi_ != nullptr && open_; }
  void send_frame(std::string text) override;
  void set_ping_interval(std::chrono::seconds interval);
  void set_backoff(BackoffPolicy policy) {
    options_.backoff = policy;
    backoff_.set_policy(policy);
  }
  // 2.0.1 A01 / 1.6 security extension: the CSMS set a new Basic authentication password. The next
  // connection uses it; the current one is left as it is (the caller drops it when it should).
  void set_basic_auth_password(const std::string& password);
  // 2.0.1 B10 (network connection profiles): the next connection attempts go to another CSMS URL,
  // with its security profile, TLS files and password. Checked as the constructor checks (throws
  // std::invalid_argument and changes nothing); the version, the charge point id and the link's
  // policy (pings, back-off, size limit, connect timeout) stay as they are now. A connection
  // that is open or being made is left as it is: the caller drops it when it should. The back-off
  // starts again, so the new target is tried after the shortest wait.
  void retarget(ClientOptions options);
  const std::string& url() const { return url_text_; }
  // True when a failed attempt's reason (Callbacks::on_close) says that the CSMS's certificate did
  // not verify against the trusted roots (1.6 Security Whitepaper / 2.0.1 A04: security event
  // InvalidCsmsCertificate).
  static bool server_certificate_refused(std::string_view reason);
  int reconnect_attempts() const { return backoff_.attempts(); }

 private:
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  int on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len);
  void apply(ClientOptions options);
  lws_vhost* vhost_for(const ClientOptions& options);
  void connect();
  void open_connection(const std::string& address);
  void arm_connect_deadline();
  void on_closed(const std::string& reason);
  void schedule_reconnect();
  void schedule_ping();
  void receive(lws* wsi, const char* data, std::size_t len);

  LwsLoop& loop_;
  ClientOptions options_;
  Callbacks callbacks_;
  Url url_;
  std::string url_text_;
  std::string auth_header_;
  lws_vhost* vhost_ = nullptr;
  // One vhost per TLS set-up used so far (vhosts live as long as the context): retargeting back
  // and forth between profiles reuses them instead of making new ones each time.
  std::map<std::string, lws_vhost*> vhosts_;
  std::unique_ptr<lws_protocols[]> protocols_;
  lws* wsi_ = nullptr;
  bool open_ = false;
  bool attempt_closed_ = false;  // the current attempt has ended (on_closed ran)
  TimerId connect_deadline_ = 0;
  std::unique_ptr<Resolver> resolver_;
  bool resolving_ = false;  // the current attempt waits for its host name
  bool running_ = false;
  std::string close_reason_;
  Backoff backoff_;
  TimerId reconnect_timer_ = 0;
  TimerId ping_timer_ = 0;
  TimerId pong_deadline_ = 0;
  std::unique_ptr<detail::OutboundQueue> outgoing_;
  std::unique_ptr<detail::MessageAssembler> rx_;
  std::shared_ptr<bool> alive_;
};

}  // namespace ocpp::transport
