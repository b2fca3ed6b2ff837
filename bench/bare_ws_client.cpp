// The baseline of the idle footprint measurement (bench/run_idle.sh, bench/RESULTS.md): the least a
// WebSocket OCPP client can be on this machine. A libwebsockets 4.1 context with OpenSSL initialised
// (LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT), one client connection to ws://HOST:PORT/ID with
// subprotocol ocpp1.6 (or the one --subprotocol names, e.g. ocpp2.0.1), and nothing else: it sends no OCPP message and answers none. libwebsockets
// itself still answers WebSocket pings, as any client must to stay connected. It links
// libwebsockets and OpenSSL only, none of the project's libraries, so that the difference between
// ocpp-chargepoint and this program is what the project adds.
//
// usage: bench_bare_ws_client [--no-client-tls-context] [--subprotocol NAME] [--ping-interval S] HOST PORT ID
//
// --ping-interval S sends a WebSocket ping every S seconds, from an lws scheduler entry, as a
// charge point does with WebSocketPingInterval: the baseline of the idle wake-up measurement
// (bench/run_wakeups.sh), the least a client that keeps its link checked must wake.
//
// By default the context has the default vhost, and lws 4.1 gives that vhost a client TLS context
// when OpenSSL is initialised: SSL_CTX_new plus the system CA bundle, whether or not the connection
// uses TLS. ocpp-chargepoint does not do that for ws://: its LwsLoop creates the context with
// LWS_SERVER_OPTION_EXPLICIT_VHOSTS and its WsClient asks for a client TLS context only for wss://.
// --no-client-tls-context sets libwebsockets up the same way (global init, explicit vhost without
// TLS), which is the like-for-like baseline for a ws:// charge point.
//
// Prints "connected" on standard output once the WebSocket handshake is done, then idles until
// SIGTERM or SIGINT (exit 0). Exits 1 if the connection fails or closes: a baseline that is no
// longer connected would make the comparison meaningless, and the script checks that it is alive.
#include <libwebsockets.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

volatile std::sig_atomic_t g_stop = 0;
// Set by the protocol callback; checked by the service loop in main().
volatile bool g_failed = false;
// --ping-interval: the connection, and the scheduler entry that asks to write the next ping.
int g_ping_interval_s = 0;
lws* g_wsi = nullptr;
lws_sorted_usec_list_t g_ping_sul;

void on_ping_due(lws_sorted_usec_list_t* sul) {
  if (g_wsi == nullptr) return;  // closed: main() ends the program
  lws_callback_on_writable(g_wsi);
  lws_sul_schedule(lws_get_context(g_wsi), 0, sul, on_ping_due, g_ping_interval_s * LWS_US_PER_SEC);
}

void on_signal(int) { g_stop = 1; }

int callback(lws* wsi, lws_callback_reasons reason, void* /*user*/, void* in, size_t /*len*/) {
  switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      std::printf("connected\n");
      std::fflush(stdout);
      if (g_ping_interval_s > 0) {
        g_wsi = wsi;
        lws_sul_schedule(lws_get_context(wsi), 0, &g_ping_sul, on_ping_due, g_ping_interval_s * LWS_US_PER_SEC);
      }
      break;
    case LWS_CALLBACK_CLIENT_WRITEABLE: {
      unsigned char frame[LWS_PRE + 1];
      if (lws_write(wsi, frame + LWS_PRE, 0, LWS_WRITE_PING) < 0) return -1;
      break;
    }
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      std::fprintf(stderr, "bench_bare_ws_client: connection failed: %s\n",
                   in != nullptr ? static_cast<const char*>(in) : "(no reason given)");
      g_failed = true;
      break;
    case LWS_CALLBACK_CLIENT_CLOSED:
      g_wsi = nullptr;
      // lws_context_destroy() after a signal closes the connection too; that is not a failure.
      if (g_stop == 0) {
        std::fprintf(stderr, "bench_bare_ws_client: connection closed\n");
        g_failed = true;
      }
      break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      // Idle on purpose: whatever the CSMS sends is read by lws and dropped here.
      break;
    default:
      break;
  }
  return 0;
}

// The local protocol name is ours; the subprotocol requested from the server is set on the
// connection (ocpp1.6 unless --subprotocol says otherwise), as the project's WsClient does.
lws_protocols kProtocols[] = {
    {"bare-ocpp-client", callback, 0, 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

}  // namespace

int main(int argc, char** argv) {
  int arg = 1;
  bool client_tls_context = true;
  std::string subprotocol = "ocpp1.6";
  for (; arg < argc; ++arg) {
    const std::string option = argv[arg];
    if (option == "--no-client-tls-context") {
      client_tls_context = false;
    } else if (option == "--subprotocol" && arg + 1 < argc) {
      subprotocol = argv[++arg];
    } else if (option == "--ping-interval" && arg + 1 < argc) {
      g_ping_interval_s = std::atoi(argv[++arg]);
    } else {
      break;
    }
  }
  if (argc - arg != 3) {
    std::fprintf(stderr, "usage: bench_bare_ws_client [--no-client-tls-context] [--subprotocol NAME] [--ping-interval S] HOST PORT ID\n");
    return 2;
  }
  const std::string host = argv[arg];
  const int port = std::atoi(argv[arg + 1]);
  const std::string path = std::string("/") + argv[arg + 2];
  if (port <= 0 || port > 65535) {
    std::fprintf(stderr, "bench_bare_ws_client: \"%s\" is not a port number\n", argv[arg + 1]);
    return 2;
  }

  // No SA_RESTART: the signal must interrupt lws's poll() so that the loop sees g_stop.
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);

  // The same log levels as the project's LwsLoop, so that neither side pays for more logging.
  lws_set_log_level(LLL_ERR | LLL_WARN, nullptr);

  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = kProtocols;
  info.gid = -1;
  info.uid = -1;
  info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
  if (!client_tls_context) info.options |= LWS_SERVER_OPTION_EXPLICIT_VHOSTS;
  lws_context* context = lws_create_context(&info);
  if (context == nullptr) {
    std::fprintf(stderr, "bench_bare_ws_client: cannot create the libwebsockets context\n");
    return 1;
  }
  lws_vhost* vhost = nullptr;  // the default vhost
  if (!client_tls_context) {
    // As WsClient does for ws://: a vhost of its own, without LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT
    // in its options, so lws creates no client TLS context for it.
    lws_context_creation_info vinfo{};
    vinfo.port = CONTEXT_PORT_NO_LISTEN;
    vinfo.protocols = kProtocols;
    vinfo.vhost_name = "bare-client";
    vhost = lws_create_vhost(context, &vinfo);
    if (vhost == nullptr) {
      std::fprintf(stderr, "bench_bare_ws_client: cannot create the client vhost\n");
      lws_context_destroy(context);
      return 1;
    }
  }

  lws_client_connect_info ci{};
  ci.context = context;
  ci.vhost = vhost;
  ci.address = host.c_str();
  ci.port = port;
  ci.path = path.c_str();
  ci.host = host.c_str();
  ci.origin = host.c_str();
  ci.protocol = subprotocol.c_str();
  ci.local_protocol_name = kProtocols[0].name;
  ci.ssl_connection = 0;
  if (lws_client_connect_via_info(&ci) == nullptr) {
    std::fprintf(stderr, "bench_bare_ws_client: cannot start a connection to ws://%s:%d%s\n", host.c_str(), port,
                 path.c_str());
    lws_context_destroy(context);
    return 1;
  }

  while (g_stop == 0 && !g_failed) {
    if (lws_service(context, 0) < 0) {
      std::fprintf(stderr, "bench_bare_ws_client: libwebsockets service failed\n");
      g_failed = true;
    }
  }
  const bool failed = g_failed;
  lws_sul_cancel(&g_ping_sul);
  lws_context_destroy(context);
  return failed ? 1 : 0;
}
