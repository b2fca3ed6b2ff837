#include "control_socket.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::cp::daemon {
namespace {

constexpr const char* kProtocolName = "ocpp-control";
constexpr const char* kLog = "control";
// Stop reading from a client that has this many requests waiting for their turn.
constexpr std::size_t kMaxQueuedRequests = 32;
constexpr std::size_t kWriteChunk = 16 * 1024;

std::string errno_text(int e) { return std::strerror(e); }

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  return addr;
}

// A socket file left by a process that is gone is replaced; a live one, or a file that is not a
// socket, is not ours to remove.
void clear_stale_socket(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return;
    throw ControlSocketError("control socket " + path + ": " + errno_text(errno));
  }
  if (!S_ISSOCK(st.st_mode)) {
    throw ControlSocketError("control socket " + path + ": the file exists and is not a socket; not replacing it");
  }
  const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (probe < 0) throw ControlSocketError("control socket " + path + ": socket(): " + errno_text(errno));
  const sockaddr_un addr = unix_address(path);
  const int rc = ::connect(probe, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int e = errno;
  ::close(probe);
  if (rc == 0 || e == EAGAIN || e == EINPROGRESS) {
    throw ControlSocketError("control socket " + path + ": in use by a running process (another ocpp-chargepoint?)");
  }
  if (e != ECONNREFUSED && e != ENOENT) throw ControlSocketError("control socket " + path + ": " + errno_text(e));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    throw ControlSocketError("control socket " + path + ": cannot remove the stale socket file: " + errno_text(errno));
  }
  log::info(kLog, "replaced the stale control socket file " + path);
}

}  // namespace

// Declared in the header, so that it can be fuzzed without a socket (tests/fuzz/control_socket_fuzz.cpp).
std::string parse_control_request(const std::string& line, std::string& command, std::vector<std::string>& args) {
  rapidjson::Document doc;
  // Nesting is bounded before the document is built (a 64 KiB line of "[" would overflow the stack).
  if (const auto error = parse_json(doc, line)) {
    return error->message() + " (at byte " + std::to_string(error->offset) + ")";
  }
  if (!doc.IsObject()) return "expected a JSON object {\"command\": ..., \"args\": [...]}";
  for (const auto& m : doc.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    if (name != "command" && name != "args") return "unknown member \"" + name + "\"";
  }
  const auto c = doc.FindMember("command");
  if (c == doc.MemberEnd() || !c->value.IsString() || c->value.GetStringLength() == 0) {
    return "\"command\" must be a non-empty string";
  }
  command.assign(c->value.GetString(), c->value.GetStringLength());
  args.clear();
  const auto a = doc.FindMember("args");
  if (a != doc.MemberEnd()) {
    if (!a->value.IsArray()) return "\"args\" must be an array of strings";
    for (const auto& v : a->value.GetArray()) {
      if (!v.IsString()) return "\"args\" must be an array of strings";
      args.emplace_back(v.GetString(), v.GetStringLength());
    }
  }
  return {};
}

namespace {

// A code typed at the keypad is a secret until it is used (docs/offline-code.md §8: whoever reads it
// can charge with it): the log shows it as its last digits only.
bool is_secret(const std::string& command, std::size_t arg) { return command == "enter-code" && arg >= 1; }

// The request as a log line shows it.
std::string loggable(const std::string& command, const std::vector<std::string>& args) {
  std::string text = command;
  for (std::size_t i = 0; i < args.size(); ++i) text += " " + (is_secret(command, i) ? log::masked(args[i]) : args[i]);
  return text;
}

// `text` (a refusal's reason) with every secret argument of the request masked, should it quote one.
std::string scrubbed(std::string text, const std::string& command, const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (!is_secret(command, i) || args[i].empty()) continue;
    for (auto at = text.find(args[i]); at != std::string::npos; at = text.find(args[i], at + 1)) {
      text.replace(at, args[i].size(), log::masked(args[i]));
    }
  }
  return text;
}

}  // namespace

std::string render_reply(const ControlReply& reply) {
  rapidjson::Document fields;
  bool ok = reply.ok;
  std::string reason = reply.reason;
  if (!reply.json_fields.empty()) {
    fields.Parse(reply.json_fields.c_str(), reply.json_fields.size());
    if (fields.HasParseError() || !fields.IsObject()) {
      log::error(kLog, "a command's answer is not a JSON object: " + reply.json_fields.substr(0, 200));
      fields.SetObject();
      ok = false;
      reason = "internal error: the charge point produced a malformed answer";
    }
  }
  if (!ok && reason.empty()) reason = "refused";
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("ok");
  w.Bool(ok);
  if (!ok) {
    w.Key("reason");
    w.String(reason.c_str(), static_cast<rapidjson::SizeType>(reason.size()));
  }
  if (fields.IsObject()) {
    for (const auto& m : fields.GetObject()) {
      const std::string_view name(m.name.GetString(), m.name.GetStringLength());
      if (name == "ok" || (!ok && name == "reason")) continue;
      w.Key(m.name.GetString(), m.name.GetStringLength());
      m.value.Accept(w);
    }
  }
  w.EndObject();
  return {buffer.GetString(), buffer.GetSize()};
}

// One client connection. Shared with the `done` callbacks of its requests, which may outlive it.
struct ControlSocket::Connection {
  explicit Connection(lws* w) : wsi(w) {}
  struct Request {
    std::string line;
    bool oversized = false;  // stands for a line over the limit: refused in its turn, then close
  };
  lws* wsi;
  std::string partial;            // bytes after the last newline
  std::deque<Request> waiting;    // complete lines waiting for their turn
  std::string out;                // answers not yet handed to the socket
  bool busy = false;              // a request is with the handler
  bool pumping = false;
  bool closing = false;           // close once `out` is written
  bool discard_input = false;     // after an oversized line
  bool reading_paused = false;
  bool gone = false;              // closed, or the server is gone: late answers are dropped
};

ControlSocket::ControlSocket(transport::LwsLoop& loop, ControlSocketOptions options, ControlHandler& handler)
    : loop_(loop), options_(std::move(options)), handler_(handler) {
  const std::string& path = options_.path;
  if (path.empty()) throw ControlSocketError("control socket: the path is empty");
  if (path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    throw ControlSocketError("control socket " + path + ": a Unix socket path is at most " +
                             std::to_string(sizeof(sockaddr_un{}.sun_path) - 1) + " bytes");
  }
  clear_stale_socket(path);

  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw ControlSocketError("control socket " + path + ": socket(): " + errno_text(errno));
  const sockaddr_un addr = unix_address(path);
  if (::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int e = errno;
    ::close(listen_fd_);
    throw ControlSocketError("control socket " + path + ": cannot bind: " + errno_text(e));
  }
  // Mode 0660 before listen(): nobody can connect in between, and no process-wide umask change.
  struct stat st {};
  if (::chmod(path.c_str(), 0660) != 0 || ::lstat(path.c_str(), &st) != 0 || ::listen(listen_fd_, 16) != 0) {
    const int e = errno;
    ::close(listen_fd_);
    ::unlink(path.c_str());
    throw ControlSocketError("control socket " + path + ": " + errno_text(e));
  }
  file_dev_ = st.st_dev;
  file_ino_ = st.st_ino;

  // Static, as lws may use the table after this server is gone (vhosts are freed lazily).
  static const lws_protocols kProtocols[] = {
      {kProtocolName, &ControlSocket::callback, 0, 4096, 0, nullptr, 0},
      {nullptr, nullptr, 0, 0, 0, nullptr, 0},
  };
  lws_context_creation_info info{};
  info.port = CONTEXT_PORT_NO_LISTEN;
  info.protocols = kProtocols;
  info.user = this;
  info.vhost_name = transport::LwsLoop::persistent("ocpp-control:" + path);
  vhost_ = lws_create_vhost(loop_.context(), &info);
  if (vhost_ == nullptr) {
    ::close(listen_fd_);
    ::unlink(path.c_str());
    throw ControlSocketError("control socket " + path + ": cannot create its libwebsockets vhost");
  }
  transport::LwsLoop::set_live(this, true);
  // The listening socket is watched as a raw file: lws reports it readable, and we accept().
  lws_sock_file_fd_type fd{};
  fd.filefd = listen_fd_;
  listen_wsi_ = lws_adopt_descriptor_vhost(vhost_, LWS_ADOPT_RAW_FILE_DESC, fd, kProtocolName, nullptr);
  if (listen_wsi_ == nullptr) {  // lws has closed the descriptor
    transport::LwsLoop::set_live(this, false);
    lws_vhost_destroy(vhost_);
    ::unlink(path.c_str());
    throw ControlSocketError("control socket " + path + ": cannot watch it on the event loop");
  }
  log::info(kLog, "listening on " + path);
}

ControlSocket::~ControlSocket() {
  transport::LwsLoop::set_live(this, false);
  auto connections = std::move(connections_);
  connections_.clear();
  for (auto& [wsi, c] : connections) {
    c->gone = true;
    lws_set_timeout(wsi, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_SYNC);
  }
  // Closing the raw-file wsi closes the listening descriptor.
  if (listen_wsi_ != nullptr) lws_set_timeout(listen_wsi_, PENDING_TIMEOUT_CLOSE_SEND, LWS_TO_KILL_SYNC);
  lws_vhost_destroy(vhost_);
  // Remove the file only if it is still ours (not replaced by another instance meanwhile).
  struct stat st {};
  if (::lstat(options_.path.c_str(), &st) == 0 && st.st_dev == file_dev_ && st.st_ino == file_ino_) {
    ::unlink(options_.path.c_str());
  }
}

int ControlSocket::callback(lws* wsi, lws_callback_reasons reason, void*, void* in, size_t len) {
  lws_vhost* vh = lws_get_vhost(wsi);
  auto* self = vh != nullptr ? static_cast<ControlSocket*>(lws_get_vhost_user(vh)) : nullptr;
  if (self == nullptr || !transport::LwsLoop::is_live(self)) {
    // The vhost of a server that is gone: drop whatever still reaches it.
    return reason == LWS_CALLBACK_RAW_RX || reason == LWS_CALLBACK_RAW_RX_FILE || reason == LWS_CALLBACK_RAW_ADOPT ? -1 : 0;
  }
  return self->on_event(wsi, reason, in, len);
}

int ControlSocket::on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len) {
  switch (reason) {
    case LWS_CALLBACK_RAW_RX_FILE:
      if (wsi == listen_wsi_) accept_pending();
      return 0;
    case LWS_CALLBACK_RAW_CLOSE_FILE:
      if (wsi == listen_wsi_) {
        listen_wsi_ = nullptr;
        log::error(kLog, "stopped listening on " + options_.path);
      }
      return 0;
    case LWS_CALLBACK_RAW_ADOPT:
      connections_[wsi] = std::make_shared<Connection>(wsi);
      return 0;
    case LWS_CALLBACK_RAW_RX: {
      const auto it = connections_.find(wsi);
      if (it == connections_.end()) return -1;
      const auto c = it->second;  // keeps it alive through handlers that answer at once
      receive(*c, static_cast<const char*>(in), len);
      pump(c);
      return 0;
    }
    case LWS_CALLBACK_RAW_WRITEABLE: {
      const auto it = connections_.find(wsi);
      return it == connections_.end() ? -1 : write_some(*it->second);
    }
    case LWS_CALLBACK_RAW_CLOSE: {
      const auto it = connections_.find(wsi);
      if (it == connections_.end()) return 0;
      it->second->gone = true;
      if (it->second->busy) log::debug(kLog, "a client left before its answer");
      connections_.erase(it);
      return 0;
    }
    default:
      return 0;
  }
}

void ControlSocket::accept_pending() {
  for (;;) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) log::warn(kLog, "accept on " + options_.path + ": " + errno_text(errno));
      return;
    }
    if (connections_.size() >= options_.max_connections) {
      // Too many clients at once: say so and close (the socket buffer takes a short line).
      const std::string line =
          render_reply(ControlReply::refused("too many control connections (at most " +
                                             std::to_string(options_.max_connections) + ")")) + "\n";
      [[maybe_unused]] const auto sent = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      ::close(fd);
      log::warn(kLog, "refused a control connection: " + std::to_string(connections_.size()) + " already open");
      continue;
    }
    lws_sock_file_fd_type sock{};
    sock.sockfd = fd;
    // A raw socket (no HTTP): lws reads into RAW_RX and writes on RAW_WRITEABLE.
    if (lws_adopt_descriptor_vhost(vhost_, LWS_ADOPT_SOCKET, sock, kProtocolName, nullptr) == nullptr) {
      log::warn(kLog, "cannot adopt a control connection");  // lws has closed it
    }
  }
}

void ControlSocket::receive(Connection& c, const char* data, std::size_t len) {
  if (c.discard_input) return;
  std::size_t start = 0;
  while (start < len) {
    const char* nl = static_cast<const char*>(std::memchr(data + start, '\n', len - start));
    const std::size_t end = nl != nullptr ? static_cast<std::size_t>(nl - data) : len;
    if (c.partial.size() + (end - start) > options_.max_line_bytes) {
      c.partial.clear();
      c.discard_input = true;
      c.waiting.push_back({{}, true});
      return;
    }
    c.partial.append(data + start, end - start);
    if (nl == nullptr) break;
    if (!c.partial.empty() && c.partial.back() == '\r') c.partial.pop_back();
    c.waiting.push_back({std::move(c.partial), false});
    c.partial.clear();
    start = end + 1;
  }
  if (c.waiting.size() >= kMaxQueuedRequests && !c.reading_paused) {
    c.reading_paused = true;
    log::debug(kLog, "a client has " + std::to_string(c.waiting.size()) + " requests waiting: reading paused");
    lws_rx_flow_control(c.wsi, 0);
  }
}

void ControlSocket::pump(const std::shared_ptr<Connection>& c) {
  if (c->pumping) return;  // an answer given during handle(): the loop below goes on
  c->pumping = true;
  while (!c->gone && !c->busy && !c->closing && !c->waiting.empty()) {
    Connection::Request request = std::move(c->waiting.front());
    c->waiting.pop_front();
    if (request.oversized) {
      log::warn(kLog, "refused a request line longer than " + std::to_string(options_.max_line_bytes) +
                          " bytes; closing the connection");
      answer(*c, render_reply(ControlReply::refused("request line longer than " +
                                                    std::to_string(options_.max_line_bytes) + " bytes")));
      c->closing = true;
      c->waiting.clear();
      break;
    }
    dispatch(c, request.line);
  }
  c->pumping = false;
  if (!c->gone && c->reading_paused && c->waiting.size() < kMaxQueuedRequests / 2 && !c->discard_input) {
    c->reading_paused = false;
    lws_rx_flow_control(c->wsi, 1);
  }
}

void ControlSocket::dispatch(const std::shared_ptr<Connection>& c, const std::string& line) {
  if (line.find_first_not_of(" \t\r") == std::string::npos) return;  // blank lines are not requests
  std::string command;
  std::vector<std::string> args;
  const std::string problem = parse_control_request(line, command, args);
  if (!problem.empty()) {
    log::info(kLog, "malformed request: " + problem);
    answer(*c, render_reply(ControlReply::refused("malformed request: " + problem)));
    return;
  }
  c->busy = true;
  auto answered = std::make_shared<bool>(false);
  std::weak_ptr<Connection> weak = c;
  const std::string what = loggable(command, args);
  std::function<void(ControlReply)> done = [this, weak, answered, what, command, args](ControlReply reply) {
    if (*answered) return;
    *answered = true;
    if (reply.ok) {
      log::debug(kLog, what + ": ok");
    } else {
      log::info(kLog, what + ": refused: " + scrubbed(reply.reason, command, args));
    }
    const auto conn = weak.lock();
    if (!conn || conn->gone) return;  // the client (or this server) is gone
    answer(*conn, render_reply(reply));
    conn->busy = false;
    pump(conn);
  };
  try {
    handler_.handle(command, args, done);
  } catch (const std::exception& e) {
    log::error(kLog, what + ": the handler failed: " + scrubbed(e.what(), command, args));
    done(ControlReply::refused(std::string("internal error: ") + e.what()));
  }
}

void ControlSocket::answer(Connection& c, const std::string& line) {
  c.out += line;
  c.out += '\n';
  lws_callback_on_writable(c.wsi);
}

int ControlSocket::write_some(Connection& c) {
  if (c.out.empty()) return c.closing ? -1 : 0;  // lws has flushed what it buffered before calling us
  const std::size_t n = std::min(c.out.size(), kWriteChunk);
  std::vector<unsigned char> buffer(LWS_PRE + n);
  std::memcpy(buffer.data() + LWS_PRE, c.out.data(), n);
  // lws keeps (and sends first) whatever the socket does not take now.
  if (lws_write(c.wsi, buffer.data() + LWS_PRE, n, LWS_WRITE_RAW) < 0) return -1;
  c.out.erase(0, n);
  if (!c.out.empty() || c.closing) lws_callback_on_writable(c.wsi);
  return 0;
}

}  // namespace ocpp::cp::daemon
