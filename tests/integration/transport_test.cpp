// The WebSocket transport on loopback with real sockets: ws and wss, security profiles 1-3,
// subprotocol negotiation, reconnect with back-off, dead-link detection, size limit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <atomic>
#include <future>
#include <memory>
#include <thread>

#include "loop_runner.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/transport/ocpp_client.hpp"
#include "ocpp/transport/ocpp_server.hpp"
#include "tcp_proxy.hpp"

namespace ocpp::transport {
namespace {

using namespace std::chrono_literals;
using test::run_until;

rapidjson::Document json(std::string_view text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  return d;
}

const std::string& cert_dir() {
  static const std::string dir = [] {
    const std::string d = std::string(OCPP_BINARY_DIR) + "/test-certs-" + std::to_string(::getpid());
    const std::string cmd = std::string("bash ") + OCPP_SOURCE_DIR + "/tests/support/make-certs.sh " + d;
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("cannot make test certificates");
    return d;
  }();
  return dir;
}
std::string cert(const std::string& name) { return cert_dir() + "/" + name; }

class TransportTest : public ::testing::Test {
 protected:
  LwsLoop loop;
  std::unique_ptr<OcppServer> server;
  std::unique_ptr<OcppClient> client;
  int boots_seen = 0;
  int sessions_opened = 0;
  std::string last_close;
  int client_opens = 0;

  void start_server(ServerOptions options) {
    OcppServer::Callbacks cb;
    cb.on_open = [this](Session& s) {
      ++sessions_opened;
      s.rpc.handle("BootNotification", [this](const rapidjson::Value&) {
        ++boots_seen;
        return rpc::HandlerReply::ok(
            json(R"({"status":"Accepted","currentTime":"2026-11-24T09:30:00Z","interval":300})"));
      });
    };
    options.path_prefix = "/ocpp/";
    server = std::make_unique<OcppServer>(loop, std::move(options), std::move(cb));
  }

  ClientOptions client_options(const std::string& id, bool tls = false, int port = 0) {
    ClientOptions o;
    o.csms_url = std::string(tls ? "wss" : "ws") + "://" + (tls ? "localhost" : "127.0.0.1") + ":" +
                 std::to_string(port ? port : server->port()) + "/ocpp";
    o.charge_point_id = id;
    o.backoff = BackoffPolicy{1s, 0s, 2};
    o.ping_interval = 0s;
    return o;
  }

  void start_client(ClientOptions o) {
    OcppClient::Callbacks cb;
    cb.on_connected = [this] { ++client_opens; };
    cb.on_disconnected = [this](const std::string& reason) { last_close = reason; };
    client = std::make_unique<OcppClient>(loop, std::move(o), std::move(cb));
    client->start();
  }

  // Sends a BootNotification and waits for the answer.
  bool boot_round_trip() {
    bool ok = false, done = false;
    client->rpc().call("BootNotification", json(R"({"chargePointVendor":"V","chargePointModel":"M"})"),
                       [&](rpc::CallOutcome& o) {
                         ok = o.ok();
                         done = true;
                       });
    return run_until(loop, [&] { return done; }) && ok;
  }
};

TEST_F(TransportTest, PlainWebSocketBootRoundTrip) {
  start_server({});
  start_client(client_options("CP 1%ä"));  // percent-encoded in the URL
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); }));
  ASSERT_TRUE(boot_round_trip());
  ASSERT_NE(server->find("CP 1%ä"), nullptr) << "the server decodes the id from the last path segment, once";
}

TEST_F(TransportTest, TheIdIsTheLastPathSegmentWhateverTheClientPutsBeforeIt) {
  // 1.6 OCPP-J §3.1.1, 2.0.1 Part 4 §3.2: a pile configured with .../ocpp/site-7/v16 is still CP-9.
  start_server({});
  auto o = client_options("CP-9");
  o.csms_url += "/site-7/v16";
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); }));
  ASSERT_TRUE(boot_round_trip());
  EXPECT_NE(server->find("CP-9"), nullptr);
  EXPECT_EQ(server->find("site-7/v16/CP-9"), nullptr);
}

TEST_F(TransportTest, ServerCallsTheChargePoint) {
  start_server({});
  start_client(client_options("CP1"));
  client->rpc().handle("Reset", [](const rapidjson::Value&) { return rpc::HandlerReply::ok(json(R"({"status":"Accepted"})")); });
  ASSERT_TRUE(run_until(loop, [&] { return server->find("CP1") != nullptr; }));
  std::string status;
  server->find("CP1")->rpc.call("Reset", json(R"({"type":"Hard"})"), [&](rpc::CallOutcome& o) {
    if (o.ok()) status = o.payload["status"].GetString();
  });
  ASSERT_TRUE(run_until(loop, [&] { return !status.empty(); }));
  EXPECT_EQ(status, "Accepted");
}

TEST_F(TransportTest, BasicAuthAcceptedAndRefusedWith401) {
  ServerOptions so;
  so.check_password = [](const std::string& id, const std::string& pw) { return id == "CP1" && pw == "0123456789abcdef"; };
  start_server(so);
  auto good = client_options("CP1");
  good.security_profile = 1;
  good.basic_auth_password = "0123456789abcdef";
  start_client(good);
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); }));
  EXPECT_TRUE(boot_round_trip());

  client.reset();
  auto bad = client_options("CP1");
  bad.security_profile = 1;
  bad.basic_auth_password = "wrong-password-123";
  start_client(bad);
  ASSERT_TRUE(run_until(loop, [&] { return !last_close.empty(); }));
  EXPECT_FALSE(client->connected());
  EXPECT_NE(last_close.find("401"), std::string::npos) << last_close;
  EXPECT_EQ(sessions_opened, 1);
}

TEST_F(TransportTest, SubprotocolMismatchCloses) {
  ServerOptions so;
  so.versions = {ProtocolVersion::v16};
  start_server(so);
  auto o = client_options("CP1");
  o.version = ProtocolVersion::v201;
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return !last_close.empty(); }));
  EXPECT_EQ(client_opens, 0);
  EXPECT_EQ(sessions_opened, 0);
}

// Issue 14: a CSMS host name that resolves slowly must not freeze the pile: the lookup runs off
// the loop, whose timers go on meanwhile, and the client then connects to the address it got.
TEST_F(TransportTest, ASlowNameResolutionDoesNotHoldTheLoop) {
  start_server({});
  auto o = client_options("CP-DNS");
  o.csms_url = "ws://csms.test:" + std::to_string(server->port()) + "/ocpp";
  std::atomic<int> lookups{0};
  o.lookup = [&lookups](const std::string& host, int) {
    ++lookups;
    std::this_thread::sleep_for(1500ms);  // an unreachable DNS server
    return host == "csms.test" ? Resolution{"127.0.0.1", ""} : Resolution{"", "unknown host"};
  };
  int ticks = 0;
  TimerId next = 0;
  std::function<void()> tick = [&] {
    ++ticks;
    next = loop.schedule_after(20ms, tick);
  };
  next = loop.schedule_after(20ms, tick);
  const auto started = std::chrono::steady_clock::now();
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); })) << last_close;
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1500ms);
  EXPECT_GE(ticks, 30) << "the loop kept running while the name resolved";
  EXPECT_EQ(lookups.load(), 1);
  EXPECT_TRUE(boot_round_trip());
  loop.cancel(next);
}

// A name that does not resolve is a failed attempt like any other: said why, and tried again.
TEST_F(TransportTest, ANameThatDoesNotResolveIsRetried) {
  start_server({});
  auto o = client_options("CP-DNS");
  o.csms_url = "ws://no-such-csms.test:" + std::to_string(server->port()) + "/ocpp";
  std::atomic<int> lookups{0};
  o.lookup = [&lookups](const std::string& host, int) {
    ++lookups;
    return Resolution{"", "cannot resolve " + host + ": Name or service not known"};
  };
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return lookups.load() >= 2; }, 10s));
  EXPECT_EQ(last_close, "cannot resolve no-such-csms.test: Name or service not known");
  EXPECT_FALSE(client->connected());
}

TEST_F(TransportTest, TlsProfile2WithBasicAuth) {
  ServerOptions so;
  so.cert_file = cert("server.pem");
  so.key_file = cert("server.key");
  so.check_password = [](const std::string&, const std::string& pw) { return pw == "0123456789abcdef"; };
  start_server(so);
  auto o = client_options("CP-TLS", true);
  o.security_profile = 2;
  o.basic_auth_password = "0123456789abcdef";
  o.ca_file = cert("ca.pem");
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); })) << last_close;
  EXPECT_TRUE(boot_round_trip());
}

TEST_F(TransportTest, UntrustedServerCertificateIsRefused) {
  ServerOptions so;
  so.cert_file = cert("rogue-server.pem");
  so.key_file = cert("rogue-server.key");
  start_server(so);
  auto o = client_options("CP-TLS", true);
  o.security_profile = 2;
  o.basic_auth_password = "0123456789abcdef";
  o.ca_file = cert("ca.pem");
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return !last_close.empty(); }));
  EXPECT_EQ(client_opens, 0);
  EXPECT_EQ(sessions_opened, 0);
}

TEST_F(TransportTest, WrongHostServerCertificateIsRefused) {
  ServerOptions so;
  so.cert_file = cert("wronghost.pem");
  so.key_file = cert("wronghost.key");
  start_server(so);
  auto o = client_options("CP-TLS", true);
  o.security_profile = 2;
  o.basic_auth_password = "0123456789abcdef";
  o.ca_file = cert("ca.pem");
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return !last_close.empty(); }));
  EXPECT_EQ(client_opens, 0);
  EXPECT_EQ(sessions_opened, 0);
}

TEST_F(TransportTest, MutualTlsProfile3AcceptedAndRefused) {
  ServerOptions so;
  so.cert_file = cert("server.pem");
  so.key_file = cert("server.key");
  so.ca_file = cert("ca.pem");
  so.require_client_cert = true;
  start_server(so);
  auto o = client_options("CP-TLS", true);
  o.security_profile = 3;
  o.ca_file = cert("ca.pem");
  o.cert_file = cert("client.pem");
  o.key_file = cert("client.key");
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); })) << last_close;
  EXPECT_TRUE(boot_round_trip());

  client.reset();
  last_close.clear();
  o.cert_file = cert("rogue-client.pem");
  o.key_file = cert("rogue-client.key");
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return !last_close.empty(); }));
  EXPECT_EQ(client_opens, 1) << "a client certificate from an untrusted root must not connect";

  client.reset();
  last_close.clear();
  o.charge_point_id = "CP-OTHER";  // a valid certificate, but issued to CP-TLS
  o.cert_file = cert("client.pem");
  o.key_file = cert("client.key");
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return !last_close.empty(); }));
  EXPECT_EQ(client_opens, 1) << "a certificate of another charge point must not connect";
  EXPECT_NE(last_close.find("403"), std::string::npos) << last_close;
}

// A CSMS in its own event loop and thread, as in another process: stop() tears the whole
// libwebsockets context down, like a process exit.
class ServerThread {
 public:
  explicit ServerThread(int port) {
    std::promise<int> bound;
    auto ready = bound.get_future();
    thread_ = std::thread([this, port, &bound] {
      LwsLoop loop;
      ServerOptions o;
      o.port = port;
      o.path_prefix = "/ocpp/";
      OcppServer server(loop, o, {});
      loop_ = &loop;
      bound.set_value(server.port());
      loop.run();
      loop_ = nullptr;
    });
    port_ = ready.get();
  }
  ~ServerThread() {
    loop_.load()->stop();
    thread_.join();
  }
  int port() const { return port_; }

 private:
  std::thread thread_;
  std::atomic<LwsLoop*> loop_{nullptr};
  int port_ = 0;
};

TEST_F(TransportTest, ReconnectsAfterTheServerRestarts) {
  auto csms = std::make_unique<ServerThread>(0);
  const int port = csms->port();
  auto o = client_options("CP1", false, port);
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); }));
  csms.reset();
  ASSERT_TRUE(run_until(loop, [&] { return !client->connected(); }));
  csms = std::make_unique<ServerThread>(port);
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); }, 15s)) << last_close;
  EXPECT_EQ(client_opens, 2);
}

// 2.0.1 B10: a switch of network profile points the same client, with its RPC endpoint and
// handlers, at another CSMS; the open connection is left to the caller, and back again works too.
TEST_F(TransportTest, ARetargetedClientConnectsToTheOtherCsmsWithItsHandlers) {
  start_server({});
  auto other = std::make_unique<ServerThread>(0);
  start_client(client_options("CP1"));
  client->rpc().handle("Reset", [](const rapidjson::Value&) {
    return rpc::HandlerReply::ok(json(R"({"status":"Accepted"})"));
  });
  ASSERT_TRUE(run_until(loop, [&] { return client->connected() && server->find("CP1") != nullptr; }));
  auto bad = client_options("CP1", false, other->port());
  bad.security_profile = 2;  // needs wss: refused, nothing changes
  EXPECT_THROW(client->retarget(bad), std::invalid_argument);
  EXPECT_EQ(client->socket().url(), "ws://127.0.0.1:" + std::to_string(server->port()) + "/ocpp/CP1");
  client->retarget(client_options("CP1", false, other->port()));
  EXPECT_EQ(client->socket().url(), "ws://127.0.0.1:" + std::to_string(other->port()) + "/ocpp/CP1");
  EXPECT_TRUE(client->connected()) << "the open connection is the caller's to drop";
  client->socket().drop_connection("switching to the other CSMS");
  ASSERT_TRUE(run_until(loop, [&] { return client_opens == 2; }, 15s)) << last_close;
  ASSERT_TRUE(run_until(loop, [&] { return server->find("CP1") == nullptr; }));
  client->retarget(client_options("CP1"));
  client->socket().drop_connection("back again");
  ASSERT_TRUE(run_until(loop, [&] { return server->find("CP1") != nullptr; }, 15s)) << last_close;
  std::string status;
  server->find("CP1")->rpc.call("Reset", json(R"({"type":"Hard"})"), [&](rpc::CallOutcome& o) {
    if (o.ok()) status = o.payload["status"].GetString();
  });
  ASSERT_TRUE(run_until(loop, [&] { return !status.empty(); }));
  EXPECT_EQ(status, "Accepted") << "the handlers registered before the switches still answer";
}

TEST_F(TransportTest, SilentServerIsDetectedByPingTimeout) {
  start_server({});
  test::TcpProxy proxy(server->port());
  auto o = client_options("CP1", false, proxy.port());
  o.ping_interval = 1s;
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); }));
  ASSERT_TRUE(run_until(loop, [] { return false; }, 2500ms) == false);
  EXPECT_TRUE(client->connected()) << "pongs keep a healthy link up: " << last_close;
  proxy.freeze();
  ASSERT_TRUE(run_until(loop, [&] { return !client->connected(); }, 5s));
  EXPECT_NE(last_close.find("no pong"), std::string::npos) << last_close;
  proxy.thaw();
  proxy.cut();
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); }, 10s)) << "reconnects once the link is back";
}

// A CSMS (or a middlebox) that accepts the TCP connection and never answers the WebSocket
// handshake: the attempt is given up after connect_timeout and the client tries again, instead of
// waiting forever (found with a link cut at the moment of a connection attempt).
TEST_F(TransportTest, AHandshakeThatNeverCompletesIsGivenUpAndRetried) {
  start_server({});
  test::TcpProxy proxy(server->port());
  proxy.freeze();
  auto o = client_options("CP1", false, proxy.port());
  o.connect_timeout = 1s;
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return last_close.find("no WebSocket handshake") != std::string::npos; }, 5s))
      << last_close;
  EXPECT_FALSE(client->connected());
  proxy.thaw();
  ASSERT_TRUE(run_until(loop, [&] { return client->connected(); }, 10s)) << "the next attempt gets through";
}

TEST_F(TransportTest, OversizedMessageIsRefusedWithItsId) {
  ServerOptions so;
  start_server(so);
  auto o = client_options("CP1");
  o.max_message_bytes = 1024;
  start_client(o);
  ASSERT_TRUE(run_until(loop, [&] { return server->find("CP1") != nullptr; }));
  std::string code;
  const std::string big(4000, 'x');
  server->find("CP1")->rpc.call("DataTransfer", json(R"({"vendorId":"v","data":")" + big + R"("})"),
                                [&](rpc::CallOutcome& r) { code = r.error_code; });
  ASSERT_TRUE(run_until(loop, [&] { return !code.empty(); }));
  EXPECT_EQ(code, "FormationViolation");
  EXPECT_TRUE(client->connected()) << "an oversized message does not cost the link";
}

TEST(ClientOptionsTest, RefusesOptionsThatCannotWork) {
  LwsLoop loop;
  ClientOptions o;
  o.charge_point_id = "CP1";
  o.csms_url = "http://x";
  EXPECT_THROW(WsClient(loop, o, {}), std::invalid_argument);
  o.csms_url = "ws://127.0.0.1:1/";
  o.security_profile = 2;
  EXPECT_THROW(WsClient(loop, o, {}), std::invalid_argument);
  o.security_profile = 1;
  EXPECT_THROW(WsClient(loop, o, {}), std::invalid_argument);
  ASSERT_TRUE(WsClient::problem(o));
  EXPECT_NE(WsClient::problem(o)->find("basic_auth_password"), std::string::npos);
  o.basic_auth_password = "0123456789abcdef";
  EXPECT_FALSE(WsClient::problem(o));
}

}  // namespace
}  // namespace ocpp::transport
