// The round-trip bound of the replay benchmark (bench/run_replay.sh, bench/RESULTS.md): a bare
// WebSocket ping-pong over loopback between two processes, one frame at a time, with the frames the
// charge point and the reference CSMS exchanged during the replay. It links libwebsockets only,
// none of the project's libraries, and does nothing with a frame but answer it: no JSON parse, no
// validation, no storage. What a replay costs above this is what the two programs do per message.
//
//   bench_ws_pingpong serve [ANSWERS_FILE]
//       listens on 127.0.0.1 (a free port, printed as "listening PORT") with subprotocols ocpp1.6
//       and ocpp2.0.1 and answers every CALL with the next answer recorded for its action (cycling),
//       the CALL's message id put in place of the recorded one. ANSWERS_FILE has one line per
//       answer: the action, a tab, the answer frame. An action without recorded answers that a
//       charge point sends while it replays (BootNotification, Heartbeat, StatusNotification,
//       MeterValues, 1.6 StartTransaction and StopTransaction, 2.0.1 TransactionEvent) gets a
//       minimal valid answer of its own (Accepted, the time the server started); any other action
//       a CALLERROR NotImplemented. Because it answers by action, it can also stand in for the
//       CSMS in front of ocpp-chargepoint (the charge point's own cost, without the CSMS's), in
//       either version. Runs until its client has gone, or SIGTERM/SIGINT; then prints
//       "tx_messages N seconds S": the transaction messages it answered (1.6 StartTransaction,
//       MeterValues and StopTransaction; 2.0.1 TransactionEvent), and the time from the first of
//       them received to the last answer written.
//   bench_ws_pingpong client PORT CALLS_FILE [SUBPROTOCOL]
//       connects to ws://127.0.0.1:PORT/pingpong (subprotocol ocpp1.6, or SUBPROTOCOL), sends line
//       i of CALLS_FILE, waits for the answer, then sends line i + 1; prints
//       "frames N seconds S per_second R bytes_sent B bytes_received B" and exits 0.
//
// OCPP-J frames are compact JSON, without newlines. Both sides use libwebsockets the way the
// project's transport does (a writable callback per frame, LWS_PRE headroom, text frames), with
// one service loop each, as ocpp-chargepoint and ocpp-csms-sim have.
#include <libwebsockets.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

using Clock = std::chrono::steady_clock;

// A recorded answer, split around its message id: head + id + tail.
struct Answer {
  std::string head;  // `[3,"` or `[4,"`
  std::string tail;  // from the quote after the id to the end
};

struct Answers {
  std::vector<Answer> list;
  std::size_t next = 0;
};

struct State {
  // client
  std::vector<std::string> calls;
  std::size_t next_call = 0;
  std::size_t answered = 0;
  // server
  std::map<std::string, Answers, std::less<>> answers;  // by action
  std::string pending;         // the answer to write
  bool pending_is_tx = false;
  std::size_t tx_messages = 0;
  Clock::time_point first_tx{};
  Clock::time_point last_tx_answer{};
  // both
  std::vector<unsigned char> buffer;  // LWS_PRE + the frame being written
  std::string received;               // the message being assembled, or the last one complete
  bool received_complete = false;
  std::size_t bytes_sent = 0;
  std::size_t bytes_received = 0;
  Clock::time_point began{};
  Clock::time_point ended{};
  bool done = false;
  bool failed = false;
};

State g_state;

bool write_frame(lws* wsi, std::string_view text) {
  if (g_state.buffer.size() < LWS_PRE + text.size()) g_state.buffer.resize(LWS_PRE + text.size());
  std::memcpy(g_state.buffer.data() + LWS_PRE, text.data(), text.size());
  const int n = lws_write(wsi, g_state.buffer.data() + LWS_PRE, text.size(), LWS_WRITE_TEXT);
  if (n < static_cast<int>(text.size())) return false;
  g_state.bytes_sent += text.size();
  return true;
}

// True once a whole message has arrived (all fragments, nothing left of the frame); it is then in
// g_state.received until the next message begins.
bool message_complete(lws* wsi, const void* in, std::size_t len) {
  if (g_state.received_complete) {
    g_state.received.clear();
    g_state.received_complete = false;
  }
  g_state.received.append(static_cast<const char*>(in), len);
  if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) != 0) return false;
  g_state.bytes_received += g_state.received.size();
  g_state.received_complete = true;
  return true;
}

// The n-th quoted string of a frame (0: the message id, 1: a CALL's action), without parsing JSON:
// OCPP-J message ids and action names contain no quotes.
std::string_view quoted(std::string_view frame, int n) {
  std::size_t open = 0;
  for (int i = 0; i <= n; ++i) {
    open = frame.find('"', i == 0 ? 0 : open);
    if (open == std::string_view::npos) return {};
    const std::size_t close = frame.find('"', open + 1);
    if (close == std::string_view::npos) return {};
    if (i == n) return frame.substr(open + 1, close - open - 1);
    open = close + 1;
  }
  return {};
}

// The transaction messages of a replay: 1.6 StartTransaction, MeterValues, StopTransaction; 2.0.1
// TransactionEvent (a 2.0.1 pile sends MeterValues only outside transactions, and its replay has none).
bool is_tx(std::string_view action) {
  return action == "StartTransaction" || action == "MeterValues" || action == "StopTransaction" ||
         action == "TransactionEvent";
}

// Minimal valid answers (1.6 and 2.0.1 alike, where both have the action) for what a charge point
// sends while it connects and replays, used when the answers file has none for the action.
void add_default_answers() {
  char now[32];
  const std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  std::strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%S.000Z", &utc);
  const std::string time = now;
  const std::pair<const char*, std::string> defaults[] = {
      {"BootNotification", R"(",{"currentTime":")" + time + R"(","interval":300,"status":"Accepted"}])"},
      {"Heartbeat", R"(",{"currentTime":")" + time + R"("}])"},
      {"StatusNotification", R"(",{}])"},
      {"MeterValues", R"(",{}])"},
      {"StartTransaction", R"(",{"idTagInfo":{"status":"Accepted"},"transactionId":1}])"},
      {"StopTransaction", R"(",{}])"},
      {"TransactionEvent", R"(",{}])"},
  };
  for (const auto& [action, tail] : defaults) {
    Answers& a = g_state.answers[action];
    if (a.list.empty()) a.list.push_back({"[3,\"", tail});
  }
}

void prepare_answer(std::string_view call) {
  const std::string_view id = quoted(call, 0);
  const std::string_view action = quoted(call, 1);
  g_state.pending_is_tx = is_tx(action);
  if (g_state.pending_is_tx && g_state.tx_messages++ == 0) g_state.first_tx = Clock::now();
  const auto it = g_state.answers.find(action);
  if (it == g_state.answers.end()) {
    g_state.pending = "[4,\"" + std::string(id) + "\",\"NotImplemented\",\"no recorded answer\",{}]";
    return;
  }
  Answers& a = it->second;
  const Answer& answer = a.list[a.next++ % a.list.size()];
  g_state.pending.assign(answer.head).append(id).append(answer.tail);
}

int server_callback(lws* wsi, lws_callback_reasons reason, void*, void* in, std::size_t len) {
  switch (reason) {
    case LWS_CALLBACK_RECEIVE:
      if (message_complete(wsi, in, len)) {
        prepare_answer(g_state.received);
        lws_callback_on_writable(wsi);
      }
      break;
    case LWS_CALLBACK_SERVER_WRITEABLE:
      if (!write_frame(wsi, g_state.pending)) return -1;
      if (g_state.pending_is_tx) g_state.last_tx_answer = Clock::now();
      break;
    case LWS_CALLBACK_CLOSED:
      g_state.done = true;  // one client per run
      break;
    default:
      break;
  }
  return 0;
}

int client_callback(lws* wsi, lws_callback_reasons reason, void*, void* in, std::size_t len) {
  switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
      g_state.began = Clock::now();
      lws_callback_on_writable(wsi);
      break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
      if (g_state.next_call < g_state.calls.size()) {
        if (!write_frame(wsi, g_state.calls[g_state.next_call])) return -1;
        ++g_state.next_call;
      }
      break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
      if (!message_complete(wsi, in, len)) break;
      ++g_state.answered;
      if (g_state.answered == g_state.calls.size()) {
        g_state.ended = Clock::now();
        g_state.done = true;
        return -1;  // closes the connection; the run is over
      }
      lws_callback_on_writable(wsi);
      break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
      std::fprintf(stderr, "bench_ws_pingpong: connection failed: %s\n",
                   in != nullptr ? static_cast<const char*>(in) : "(no reason given)");
      g_state.failed = true;
      break;
    case LWS_CALLBACK_CLIENT_CLOSED:
      if (!g_state.done) {
        std::fprintf(stderr, "bench_ws_pingpong: connection closed after %zu answers\n", g_state.answered);
        g_state.failed = true;
      }
      break;
    default:
      break;
  }
  return 0;
}

lws_protocols kServerProtocols[] = {
    {"ocpp1.6", server_callback, 0, 0, 0, nullptr, 0},
    {"ocpp2.0.1", server_callback, 0, 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};
lws_protocols kClientProtocols[] = {
    {"pingpong-client", client_callback, 0, 0, 0, nullptr, 0},
    {nullptr, nullptr, 0, 0, 0, nullptr, 0},
};

bool load_calls(const char* path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) g_state.calls.push_back(std::move(line));
  }
  if (g_state.calls.empty()) {
    std::fprintf(stderr, "bench_ws_pingpong: %s is missing or holds no frames\n", path);
    return false;
  }
  return true;
}

bool load_answers(const char* path) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const std::size_t tab = line.find('\t');
    const std::string_view frame = tab == std::string::npos ? std::string_view() : std::string_view(line).substr(tab + 1);
    const std::string_view id = quoted(frame, 0);
    if (id.empty()) {
      std::fprintf(stderr, "bench_ws_pingpong: %s: not ACTION<tab>ANSWER: %s\n", path, line.c_str());
      return false;
    }
    const std::size_t id_at = static_cast<std::size_t>(id.data() - frame.data());
    g_state.answers[line.substr(0, tab)].list.push_back(
        {std::string(frame.substr(0, id_at)), std::string(frame.substr(id_at + id.size()))});
  }
  if (g_state.answers.empty()) {
    std::fprintf(stderr, "bench_ws_pingpong: %s is missing or holds no answers\n", path);
    return false;
  }
  return true;
}

int usage() {
  std::fprintf(stderr, "usage: bench_ws_pingpong serve [ANSWERS_FILE] | client PORT CALLS_FILE [SUBPROTOCOL]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return usage();
  const std::string role = argv[1];
  const bool serving = role == "serve";
  if (!(serving && (argc == 2 || argc == 3)) && !(role == "client" && (argc == 4 || argc == 5))) return usage();
  if (serving) {
    if (argc == 3 && !load_answers(argv[2])) return 1;
    add_default_answers();
  } else if (!load_calls(argv[3])) {
    return 1;
  }
  const char* subprotocol = !serving && argc == 5 ? argv[4] : "ocpp1.6";
  int port = 0;
  if (!serving) {
    port = std::atoi(argv[2]);
    if (port <= 0 || port > 65535) return usage();
  }

  // No SA_RESTART: the signal must interrupt lws's poll() so that the loop sees g_stop.
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  lws_set_log_level(LLL_ERR | LLL_WARN, nullptr);

  lws_context_creation_info info{};
  info.gid = -1;
  info.uid = -1;
  if (serving) {
    info.port = 0;  // any free port, printed below
    info.iface = "127.0.0.1";
    info.protocols = kServerProtocols;
  } else {
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = kClientProtocols;
  }
  lws_context* context = lws_create_context(&info);
  if (context == nullptr) {
    std::fprintf(stderr, "bench_ws_pingpong: cannot create the libwebsockets context\n");
    return 1;
  }
  if (serving) {
    std::printf("listening %d\n", lws_get_vhost_listen_port(lws_get_vhost_by_name(context, "default")));
    std::fflush(stdout);
  } else {
    lws_client_connect_info ci{};
    ci.context = context;
    ci.address = "127.0.0.1";
    ci.port = port;
    ci.path = "/pingpong";
    ci.host = "127.0.0.1";
    ci.origin = "127.0.0.1";
    ci.protocol = subprotocol;
    ci.local_protocol_name = kClientProtocols[0].name;
    if (lws_client_connect_via_info(&ci) == nullptr) {
      std::fprintf(stderr, "bench_ws_pingpong: cannot connect to 127.0.0.1:%d\n", port);
      lws_context_destroy(context);
      return 1;
    }
  }

  while (g_stop == 0 && !g_state.done && !g_state.failed) {
    if (lws_service(context, 0) < 0) g_state.failed = true;
  }
  lws_context_destroy(context);
  if (g_state.failed) return 1;
  if (serving) {
    const double seconds = std::chrono::duration<double>(g_state.last_tx_answer - g_state.first_tx).count();
    std::printf("tx_messages %zu seconds %.6f\n", g_state.tx_messages, g_state.tx_messages > 0 ? seconds : 0.0);
  } else if (g_state.done) {
    const double seconds = std::chrono::duration<double>(g_state.ended - g_state.began).count();
    std::printf("frames %zu seconds %.6f per_second %.1f bytes_sent %zu bytes_received %zu\n", g_state.calls.size(),
                seconds, static_cast<double>(g_state.calls.size()) / seconds, g_state.bytes_sent,
                g_state.bytes_received);
  }
  return 0;
}
