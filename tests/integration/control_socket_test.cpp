// The control socket with real Unix sockets in a temporary folder, served on an LwsLoop driven by
// the test thread, and the real ocpp-cpctl program run against it from a second thread.
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>

#include <rapidjson/document.h>

#include "control_socket.hpp"
#include "loop_runner.hpp"
#include "test_emulator.hpp"

namespace ocpp::cp::daemon {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test::run_until;

constexpr const char* kStatus =
    R"({"registration":"Accepted","connected":true,"outbox":3,"connectors":[)"
    R"({"id":1,"status":"Available","transaction":null},)"
    R"({"id":2,"status":"Charging","transaction":{"id":"42","id_tag":"04A1B2C3","offline_code":true,"energy_wh":1500}}]})";

// Answers like a tiny runtime: status, plug/unplug of connectors 1-2, and holds `stop` (and, when
// asked, every command) until the test answers it.
class FakeHandler : public ControlHandler {
 public:
  struct Seen {
    std::string command;
    std::vector<std::string> args;
  };
  std::vector<Seen> seen;
  std::vector<std::function<void(ControlReply)>> held;

  void handle(const std::string& command, const std::vector<std::string>& args,
              std::function<void(ControlReply)> done) override {
    seen.push_back({command, args});
    if (command == "stop") {
      held.push_back(std::move(done));
    } else if (command == "status") {
      done(ControlReply::success(kStatus));
    } else if (command == "plug" || command == "unplug" || command == "present-id") {
      if (args.empty() || (args[0] != "1" && args[0] != "2")) {
        done(ControlReply::refused("unknown connector " + (args.empty() ? std::string("?") : args[0])));
      } else {
        done(ControlReply::success(R"({"connector":)" + args[0] + "}"));
      }
    } else if (command == "enter-code") {
      // A refusal that quotes the code, which the log must not.
      done(ControlReply::refused("code " + (args.size() > 1 ? args[1] : std::string()) + " does not verify"));
    } else if (command == "throw") {
      throw std::runtime_error("boom");
    } else {
      done(ControlReply::refused("unknown command " + command));
    }
  }
};

// A non-blocking client whose reads and writes keep the loop running.
class Client {
 public:
  Client(transport::LwsLoop& loop, const std::string& path) : loop_(loop) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { close(); }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  bool connected() const { return connected_; }

  bool send(const std::string& text) {
    std::size_t sent = 0;
    return run_until(loop_, [&] {
      const ssize_t n = ::send(fd_, text.data() + sent, text.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += static_cast<std::size_t>(n);
      return sent == text.size() || (n < 0 && errno != EAGAIN);
    }) && sent == text.size();
  }

  // The next answer line, or "" if none came within `limit`.
  std::string line(std::chrono::milliseconds limit = 5s) {
    run_until(loop_, [&] { return pull() || in_.find('\n') != std::string::npos; }, limit);
    const auto nl = in_.find('\n');
    if (nl == std::string::npos) return {};
    std::string l = in_.substr(0, nl);
    in_.erase(0, nl + 1);
    return l;
  }

  // True once the server has closed the connection.
  bool closed_by_server(std::chrono::milliseconds limit = 5s) {
    run_until(loop_, [&] { return pull(); }, limit);
    return eof_;
  }

 private:
  // Reads what is there; returns true at end of stream.
  bool pull() {
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        in_.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) eof_ = true;
      return eof_;
    }
  }

  transport::LwsLoop& loop_;
  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string in_;
};

rapidjson::Document json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  return d;
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class ControlSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // /tmp rather than $TMPDIR: a Unix socket path has at most 107 bytes.
    char pattern[] = "/tmp/ocpp-ctl-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir = pattern;
    path = (dir / "control.sock").string();
  }
  void TearDown() override {
    server.reset();
    fs::remove_all(dir);
  }

  void start() { server = std::make_unique<ControlSocket>(loop, ControlSocketOptions{path}, handler); }

  struct Run {
    int code = -1;
    std::string out;
    std::string err;
  };
  // Runs ocpp-cpctl from a second thread while this thread keeps the loop running.
  Run cpctl(const std::vector<std::string>& args) {
    const int n = ++runs;
    const fs::path out = dir / ("out" + std::to_string(n)), err = dir / ("err" + std::to_string(n));
    std::string cmd = ocpp::test::emulator_prefix() + std::string(OCPP_BINARY_DIR) + "/bin/ocpp-cpctl";
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " >" + out.string() + " 2>" + err.string();
    auto result = std::async(std::launch::async, [cmd] { return std::system(cmd.c_str()); });
    EXPECT_TRUE(run_until(loop, [&] { return result.wait_for(0s) == std::future_status::ready; }, 30s)) << cmd;
    const int status = result.get();
    Run r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = read_file(out);
    r.err = read_file(err);
    return r;
  }

  transport::LwsLoop loop;
  FakeHandler handler;
  fs::path dir;
  std::string path;
  std::unique_ptr<ControlSocket> server;
  int runs = 0;
};

TEST_F(ControlSocketTest, RequestAndAnswer) {
  start();
  Client c(loop, path);
  ASSERT_TRUE(c.connected());
  ASSERT_TRUE(c.send(R"({"command": "status", "args": []})" "\n"));
  const auto answer = json(c.line());
  ASSERT_TRUE(answer.IsObject());
  EXPECT_TRUE(answer["ok"].GetBool());
  EXPECT_STREQ(answer["registration"].GetString(), "Accepted");
  EXPECT_EQ(answer["connectors"].Size(), 2u);

  ASSERT_TRUE(c.send(R"({"command": "plug", "args": ["7"]})" "\n"));
  EXPECT_EQ(c.line(), R"({"ok":false,"reason":"unknown connector 7"})");
  ASSERT_EQ(handler.seen.size(), 2u);
  EXPECT_EQ(handler.seen[1].command, "plug");
  EXPECT_EQ(handler.seen[1].args, std::vector<std::string>{"7"});
  EXPECT_EQ(server->connection_count(), 1u);
}

TEST_F(ControlSocketTest, AnswerGivenLater) {
  start();
  Client c(loop, path);
  ASSERT_TRUE(c.send(R"({"command": "stop", "args": ["1"]})" "\n"));
  EXPECT_EQ(c.line(200ms), "");  // nothing until the handler answers
  ASSERT_EQ(handler.held.size(), 1u);
  handler.held[0](ControlReply::success(R"({"stopped": true})"));
  EXPECT_EQ(c.line(), R"({"ok":true,"stopped":true})");
  handler.held[0](ControlReply::refused("twice"));  // a second answer is ignored
  EXPECT_EQ(c.line(200ms), "");
}

TEST_F(ControlSocketTest, MalformedLinesAreAnsweredAndTheConnectionGoesOn) {
  start();
  Client c(loop, path);
  ASSERT_TRUE(c.send("plug 1\n"));
  EXPECT_EQ(c.line(), R"x({"ok":false,"reason":"malformed request: Invalid value. (at byte 0)"})x");
  ASSERT_TRUE(c.send(R"({"command": 5})" "\n"));
  EXPECT_EQ(c.line(), R"({"ok":false,"reason":"malformed request: \"command\" must be a non-empty string"})");
  ASSERT_TRUE(c.send(R"({"command": "plug", "args": [1]})" "\n"));
  EXPECT_EQ(c.line(), R"({"ok":false,"reason":"malformed request: \"args\" must be an array of strings"})");
  ASSERT_TRUE(c.send(R"({"command": "plug", "argz": ["1"]})" "\n"));
  EXPECT_EQ(c.line(), R"({"ok":false,"reason":"malformed request: unknown member \"argz\""})");
  ASSERT_TRUE(c.send("[]\r\n"));
  EXPECT_EQ(c.line(),
            R"({"ok":false,"reason":"malformed request: expected a JSON object {\"command\": ..., \"args\": [...]}"})");
  EXPECT_TRUE(handler.seen.empty());
  // Blank lines are skipped; "args" may be left out; CRLF is accepted.
  ASSERT_TRUE(c.send("\n\r\n" R"({"command": "status"})" "\r\n"));
  EXPECT_TRUE(json(c.line())["ok"].GetBool());
}

TEST_F(ControlSocketTest, DeeplyNestedRequestIsRefusedAndTheConnectionGoesOn) {
  // Nesting is bounded before the request is built (ocpp/common/json.hpp): a line of brackets within
  // the length limit cannot exhaust the stack.
  start();
  Client c(loop, path);
  ASSERT_TRUE(c.send(R"({"command": "status", "args": )" + std::string(60000, '[') + "\n"));
  EXPECT_EQ(c.line(), R"x({"ok":false,"reason":"malformed request: nested deeper than 32 levels (at byte 61)"})x");
  EXPECT_TRUE(handler.seen.empty());
  ASSERT_TRUE(c.send(R"({"command": "status"})" "\n"));
  EXPECT_TRUE(json(c.line())["ok"].GetBool());
}

TEST_F(ControlSocketTest, KeypadCodesAreLoggedAsTheirLastDigitsOnly) {
  start();
  Client c(loop, path);
  testing::internal::CaptureStderr();
  ASSERT_TRUE(c.send(R"({"command": "enter-code", "args": ["1", "1234567890123456"]})" "\n"));
  const std::string answer = c.line();
  const std::string log = testing::internal::GetCapturedStderr();
  EXPECT_EQ(answer, R"({"ok":false,"reason":"code 1234567890123456 does not verify"})") << "the client's own input";
  EXPECT_NE(log.find("enter-code 1 *3456: refused: code *3456 does not verify"), std::string::npos) << log;
  EXPECT_EQ(log.find("12345678901"), std::string::npos) << log;
}

TEST_F(ControlSocketTest, HandlerFailureIsAnsweredAsRefusal) {
  start();
  Client c(loop, path);
  ASSERT_TRUE(c.send(R"({"command": "throw"})" "\n"));
  EXPECT_EQ(c.line(), R"({"ok":false,"reason":"internal error: boom"})");
}

TEST_F(ControlSocketTest, OversizedLineIsRefusedAndTheConnectionClosed) {
  start();
  Client c(loop, path);
  ASSERT_TRUE(c.send(std::string(64 * 1024 + 1, 'x')));
  EXPECT_EQ(c.line(), R"({"ok":false,"reason":"request line longer than 65536 bytes"})");
  EXPECT_TRUE(c.closed_by_server());
  EXPECT_TRUE(handler.seen.empty());
  // A line of exactly the limit is read (and here found malformed).
  Client d(loop, path);
  ASSERT_TRUE(d.send(std::string(64 * 1024, ' ') + R"({"command": "status"})" "\n"));
  EXPECT_EQ(d.line(), R"({"ok":false,"reason":"request line longer than 65536 bytes"})");
  Client e(loop, path);
  ASSERT_TRUE(e.send(R"({"command": "status"})" + std::string(64 * 1024 - 21, ' ') + "\n"));
  EXPECT_TRUE(json(e.line())["ok"].GetBool());
}

TEST_F(ControlSocketTest, SeveralRequestsOnOneConnectionAreAnsweredInOrder) {
  start();
  Client c(loop, path);
  // One write with three requests; the middle one is answered late.
  ASSERT_TRUE(c.send(R"({"command":"plug","args":["1"]})" "\n"
                     R"({"command":"stop","args":["1"]})" "\n"
                     R"({"command":"unplug","args":["1"]})" "\n"));
  EXPECT_EQ(c.line(), R"({"ok":true,"connector":1})");
  EXPECT_EQ(c.line(200ms), "");
  // The next request waits for its turn: the handler has not seen it yet.
  ASSERT_EQ(handler.seen.size(), 2u);
  ASSERT_EQ(handler.held.size(), 1u);
  handler.held[0](ControlReply::success());
  EXPECT_EQ(c.line(), R"({"ok":true})");
  EXPECT_EQ(c.line(), R"({"ok":true,"connector":1})");
  ASSERT_EQ(handler.seen.size(), 3u);
  EXPECT_EQ(handler.seen[2].command, "unplug");
}

TEST_F(ControlSocketTest, ManyQueuedRequestsPauseReadingAndAreAllAnswered) {
  start();
  Client c(loop, path);
  // 300 requests in one go (more than one read of the server), each held until the test answers.
  constexpr int kRequests = 300;
  std::string burst;
  for (int i = 0; i < kRequests; ++i) burst += R"({"command":"stop","args":[")" + std::to_string(i) + "\"]}\n";
  ASSERT_TRUE(c.send(burst));
  std::size_t released = 0;
  ASSERT_TRUE(run_until(loop, [&] {
    if (handler.held.size() > released) {
      // Requests reach the handler one at a time, in order.
      EXPECT_EQ(handler.held.size(), released + 1);
      EXPECT_EQ(handler.seen.back().args[0], std::to_string(released));
      handler.held[released](ControlReply::success(R"({"n":)" + std::to_string(released) + "}"));
      ++released;
    }
    return released == kRequests;
  }));
  for (int i = 0; i < kRequests; ++i) ASSERT_EQ(c.line(), R"({"ok":true,"n":)" + std::to_string(i) + "}");
}

TEST_F(ControlSocketTest, SocketFileHasMode0660AndIsRemovedAtShutdown) {
  start();
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0660u);
  server.reset();
  EXPECT_FALSE(fs::exists(fs::symlink_status(path)));
}

TEST_F(ControlSocketTest, StaleSocketFileIsReplaced) {
  // A socket file nobody listens on, as a killed daemon leaves it.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  ASSERT_TRUE(fs::exists(fs::symlink_status(path)));
  start();
  Client c(loop, path);
  ASSERT_TRUE(c.send(R"({"command":"status"})" "\n"));
  EXPECT_TRUE(json(c.line())["ok"].GetBool());
}

TEST_F(ControlSocketTest, LiveSocketOrOtherFileIsNotReplaced) {
  start();
  try {
    ControlSocket second(loop, ControlSocketOptions{path}, handler);
    ADD_FAILURE() << "a second server took over a live socket";
  } catch (const ControlSocketError& e) {
    EXPECT_EQ(std::string(e.what()), "control socket " + path + ": in use by a running process (another ocpp-chargepoint?)");
  }
  // The first one still serves.
  Client c(loop, path);
  ASSERT_TRUE(c.send(R"({"command":"status"})" "\n"));
  EXPECT_TRUE(json(c.line())["ok"].GetBool());

  const std::string regular = (dir / "notes.txt").string();
  std::ofstream(regular) << "keep me";
  try {
    ControlSocket other(loop, ControlSocketOptions{regular}, handler);
    ADD_FAILURE() << "replaced a regular file";
  } catch (const ControlSocketError& e) {
    EXPECT_EQ(std::string(e.what()), "control socket " + regular + ": the file exists and is not a socket; not replacing it");
  }
  EXPECT_EQ(read_file(regular), "keep me");
}

TEST_F(ControlSocketTest, LateAnswersAfterTheClientOrServerLeftAreDropped) {
  start();
  {
    Client c(loop, path);
    ASSERT_TRUE(c.send(R"({"command":"stop","args":["1"]})" "\n"));
    ASSERT_TRUE(run_until(loop, [&] { return handler.held.size() == 1; }));
  }
  ASSERT_TRUE(run_until(loop, [&] { return server->connection_count() == 0; }));
  handler.held[0](ControlReply::success());

  Client d(loop, path);
  ASSERT_TRUE(d.send(R"({"command":"stop","args":["2"]})" "\n"));
  ASSERT_TRUE(run_until(loop, [&] { return handler.held.size() == 2; }));
  server.reset();
  handler.held[1](ControlReply::success());
  EXPECT_TRUE(d.closed_by_server());
}

TEST_F(ControlSocketTest, NoDescriptorIsLeft) {
  start();
  server.reset();  // lws may open what it needs once
  const std::size_t before = open_descriptors();
  start();
  {
    Client c(loop, path);
    ASSERT_TRUE(c.send(R"({"command":"status"})" "\n"));
    EXPECT_FALSE(c.line().empty());
    server.reset();
  }
  EXPECT_EQ(open_descriptors(), before);
}

// ---- ocpp-cpctl against the server ----

TEST_F(ControlSocketTest, CpctlStatusAsTextAndJson) {
  start();
  auto r = cpctl({"--socket", path, "status"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "registration: Accepted\n"
            "connected: yes\n"
            "outbox: 3\n"
            "connector 1: Available\n"
            "connector 2: Charging, transaction 42, id_tag 04A1B2C3, energy_wh 1500, offline_code yes\n");
  r = cpctl({"--socket", path, "status", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  const auto answer = json(r.out);
  ASSERT_TRUE(answer.IsObject()) << r.out;
  EXPECT_TRUE(answer["ok"].GetBool());
  EXPECT_STREQ(answer["registration"].GetString(), "Accepted");
  EXPECT_TRUE(answer["connected"].GetBool());
  EXPECT_EQ(answer["outbox"].GetInt(), 3);
  ASSERT_EQ(answer["connectors"].Size(), 2u);
  EXPECT_TRUE(answer["connectors"][0]["transaction"].IsNull());
  EXPECT_EQ(answer["connectors"][1]["transaction"]["energy_wh"].GetInt(), 1500);
  EXPECT_EQ(r.out.back(), '\n');
}

TEST_F(ControlSocketTest, CpctlCommandsReachTheHandler) {
  start();
  auto r = cpctl({"--socket", path, "present-id", "1", "04A1B2C3"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "ok\nconnector: 1\n");
  ASSERT_EQ(handler.seen.size(), 1u);
  EXPECT_EQ(handler.seen[0].command, "present-id");
  EXPECT_EQ(handler.seen[0].args, (std::vector<std::string>{"1", "04A1B2C3"}));
  r = cpctl({"--json", "--socket=" + path, "plug", "2"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"ok\":true,\"connector\":2}\n");
}

TEST_F(ControlSocketTest, CpctlRefusalExitsOne) {
  start();
  auto r = cpctl({"--socket", path, "plug", "9"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "ocpp-cpctl: plug refused: unknown connector 9\n");
  r = cpctl({"--socket", path, "plug", "9", "--json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "{\"ok\":false,\"reason\":\"unknown connector 9\"}\n");
}

TEST_F(ControlSocketTest, CpctlUsageErrorsExitTwoWithoutConnecting) {
  start();
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{}, "no command given"},
      {{"plug"}, "plug: expected 1 argument, got 0 (usage: ocpp-cpctl plug N)"},
      {{"plug", "one"}, "plug: N must be a connector number, got \"one\""},
      {{"present-id", "1"}, "present-id: expected 2 arguments, got 1 (usage: ocpp-cpctl present-id N TAG)"},
      {{"enter-code", "1", "12ab"}, "enter-code: CODE must be digits, as typed on the keypad, got \"12ab\""},
      {{"ev", "1", "go"}, "ev: expected charge or suspend, got \"go\""},
      {{"set-power", "1", "-5"}, "set-power: WATTS must be a number >= 0, got \"-5\""},
      {{"fault", "1", "Ground Failure"}, "fault: ERRORCODE must be a name such as GroundFailure, got \"Ground Failure\""},
      {{"fly", "1"}, "unknown command \"fly\""},
      {{"status", "--timeout", "soon"}, "--timeout: expected a number of seconds > 0, got \"soon\""},
      {{"status", "--bogus"}, "unknown option --bogus"},
  };
  for (const auto& [args, message] : cases) {
    std::vector<std::string> full = {"--socket", path};
    full.insert(full.end(), args.begin(), args.end());
    const auto r = cpctl(full);
    EXPECT_EQ(r.code, 2) << message;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  }
  EXPECT_TRUE(handler.seen.empty());
  auto r = cpctl({"--socket", path, "set-power", "1", "7400.5"});
  EXPECT_EQ(r.code, 1) << r.err;  // well-formed: the fake runtime refuses it
  EXPECT_EQ(handler.seen.back().args, (std::vector<std::string>{"1", "7400.5"}));
}

TEST_F(ControlSocketTest, CpctlCannotConnectExitsThree) {
  const std::string missing = (dir / "none.sock").string();
  auto r = cpctl({"--socket", missing, "status"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, "ocpp-cpctl: cannot connect to " + missing + ": No such file or directory\n");
  r = cpctl({"--socket", missing, "status", "--json"});
  EXPECT_EQ(r.code, 3);
  const auto answer = json(r.out);
  ASSERT_TRUE(answer.IsObject()) << r.out;
  EXPECT_FALSE(answer["ok"].GetBool());
  EXPECT_EQ(std::string(answer["reason"].GetString()), "cannot connect to " + missing + ": No such file or directory");
}

TEST_F(ControlSocketTest, CpctlGivesUpAfterItsTimeout) {
  start();
  const auto r = cpctl({"--socket", path, "--timeout", "0.3", "stop", "1"});
  EXPECT_EQ(r.code, 3);
  EXPECT_EQ(r.err, "ocpp-cpctl: no answer from " + path + " within 0.3 s\n");
}

TEST_F(ControlSocketTest, CpctlHelpAndVersion) {
  auto r = cpctl({"--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("usage: ocpp-cpctl"), std::string::npos);
  r = cpctl({"--version"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out.rfind("ocpp-cpctl ", 0), 0u);
}

}  // namespace
}  // namespace ocpp::cp::daemon
