#pragma once
// The control socket of ocpp-chargepoint: a Unix stream socket that ocpp-cpctl (and an HMI) talks
// to, served on the event loop thread without a thread of its own (DESIGN.md principle 2).
//
// Protocol: newline-delimited JSON, one request per line, one answer line per request, in order.
//   request:  {"command": "plug", "args": ["1"]}            ("args" may be left out)
//   answer:   {"ok": true, ...fields of the command...}  or  {"ok": false, "reason": "..."}
// A line that is not such a request is answered {"ok": false, "reason": "malformed request: ..."}
// and the connection goes on. A line longer than 64 KiB is refused and the connection closed.
// Requests on one connection are handled one after the other: the next is handed to the handler
// only once the previous one is answered. A client keeps its connection open until it has read its
// answers (a half-close counts as a close: pending answers are dropped).
//
// The socket file is created with mode 0660; a stale socket file at the path (no process listening)
// is replaced, anything else there is refused; the file is removed when the server goes away.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/types.h>

#include "ocpp/transport/lws_loop.hpp"

namespace ocpp::cp::daemon {

struct ControlReply {
  bool ok = false;
  std::string reason;       // why a command was refused (ok == false)
  std::string json_fields;  // extra members as the text of a JSON object, e.g. the status; may be empty

  static ControlReply success(std::string json_fields = {}) { return {true, {}, std::move(json_fields)}; }
  static ControlReply refused(std::string reason) { return {false, std::move(reason), {}}; }
};

// What the runtime implements. `done` answers the request; it may be called during handle() or
// later, but on the loop thread, and once (later calls are ignored). A reply after the client has
// gone is dropped.
class ControlHandler {
 public:
  virtual ~ControlHandler() = default;
  virtual void handle(const std::string& command, const std::vector<std::string>& args,
                      std::function<void(ControlReply)> done) = 0;
};

class ControlSocketError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ControlSocketOptions {
  std::string path;
  std::size_t max_line_bytes = 64 * 1024;
  std::size_t max_connections = 16;
};

// Parses one request line {"command": "...", "args": ["...", ...]} (the line without its newline):
// returns "" and sets `command` and `args` when it is one, else says why not (the reason of the
// "malformed request: ..." answer). Pure: the socket calls it for each line, the fuzz target
// (tests/fuzz) calls it without a socket.
std::string parse_control_request(const std::string& line, std::string& command, std::vector<std::string>& args);

// Renders an answer line (without the newline): {"ok":true,...fields} or {"ok":false,"reason":...}.
// Fields that are not a JSON object turn the answer into a refusal that says so.
std::string render_reply(const ControlReply& reply);

class ControlSocket {
 public:
  // Binds and listens now; throws ControlSocketError naming the path when it cannot.
  ControlSocket(transport::LwsLoop& loop, ControlSocketOptions options, ControlHandler& handler);
  ~ControlSocket();
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  const std::string& path() const { return options_.path; }
  std::size_t connection_count() const { return connections_.size(); }

 private:
  struct Connection;
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  int on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len);
  void accept_pending();
  void receive(Connection& c, const char* data, std::size_t len);
  void pump(const std::shared_ptr<Connection>& c);
  void dispatch(const std::shared_ptr<Connection>& c, const std::string& line);
  void answer(Connection& c, const std::string& line);
  int write_some(Connection& c);

  transport::LwsLoop& loop_;
  ControlSocketOptions options_;
  ControlHandler& handler_;
  lws_vhost* vhost_ = nullptr;
  int listen_fd_ = -1;
  lws* listen_wsi_ = nullptr;
  dev_t file_dev_ = 0;  // identify our socket file, so that shutdown removes only ours
  ino_t file_ino_ = 0;
  std::map<lws*, std::shared_ptr<Connection>> connections_;
};

}  // namespace ocpp::cp::daemon
