#include "http_server.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "ocpp/common/log.hpp"
#include "ocpp/transport/url.hpp"

namespace ocpp::csms {
namespace {

// lws keeps the query as decoded "name=value" fragments (lws_hdr_copy joins them with ','). Each
// is encoded again and joined with '&', so that handlers get a well-formed query string whatever
// the values hold ('&', '=', '%', '+', ',').
std::string query_string(lws* wsi) {
  std::string out;
  std::vector<char> buf(4096);
  for (int n = 0;; ++n) {
    const int len = lws_hdr_copy_fragment(wsi, buf.data(), static_cast<int>(buf.size()), WSI_TOKEN_HTTP_URI_ARGS, n);
    if (len < 0) break;
    const std::string_view fragment(buf.data(), static_cast<std::size_t>(len));
    const std::size_t eq = fragment.find('=');
    if (!out.empty()) out.push_back('&');
    out += transport::percent_encode(fragment.substr(0, eq));
    if (eq != std::string_view::npos) out += "=" + transport::percent_encode(fragment.substr(eq + 1));
  }
  return out;
}

}  // namespace

struct HttpServer::Exchange {
  HttpRequest request;
  std::optional<HttpResponse> response;
  std::unique_ptr<BodySink> sink;
  bool alive = true;
  bool answered = false;
  bool too_large = false;
  bool close_after = false;
  // A file answer being streamed: its descriptor (closed with the exchange, however it ends) and
  // how much of it is still to be sent.
  int fd = -1;
  std::uint64_t remaining = 0;
  bool headers_sent = false;
  ~Exchange() {
    if (fd >= 0) ::close(fd);
  }
};

HttpServer::HttpServer(transport::LwsLoop& loop, const std::string& host, int port, HttpHandler handler,
                       SinkChooser choose_sink)
    : loop_(loop), handler_(std::move(handler)), choose_sink_(std::move(choose_sink)) {
  // Static, as lws may use the table after this server is gone (vhosts are freed lazily).
  static const lws_protocols kProtocols[] = {
      {"http", &HttpServer::callback, 0, 0, 0, nullptr, 0},
      {nullptr, nullptr, 0, 0, 0, nullptr, 0},
  };
  lws_context_creation_info info{};
  info.port = port;
  info.iface = transport::LwsLoop::persistent(host);
  info.protocols = kProtocols;
  info.user = this;
  info.vhost_name = transport::LwsLoop::persistent("http-" + host + ":" + std::to_string(port));
  vhost_ = lws_create_vhost(loop_.context(), &info);
  if (vhost_ == nullptr) throw std::runtime_error("cannot listen for HTTP on " + host + ":" + std::to_string(port));
  port_ = lws_get_vhost_listen_port(vhost_);
  transport::LwsLoop::set_live(this, true);
  log::info("http", "listening on http://" + host + ":" + std::to_string(port_));
}

HttpServer::~HttpServer() {
  transport::LwsLoop::set_live(this, false);
  for (auto& [wsi, ex] : exchanges_) ex->alive = false;
  lws_vhost_destroy(vhost_);
}

int HttpServer::callback(lws* wsi, lws_callback_reasons reason, void*, void* in, size_t len) {
  lws_vhost* vh = lws_get_vhost(wsi);
  auto* self = vh != nullptr ? static_cast<HttpServer*>(lws_get_vhost_user(vh)) : nullptr;
  if (self == nullptr || !transport::LwsLoop::is_live(self)) return reason == LWS_CALLBACK_HTTP ? -1 : 0;
  return self->on_event(wsi, reason, in, len);
}

int HttpServer::on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len) {
  switch (reason) {
    case LWS_CALLBACK_HTTP:
      return on_request(wsi, in);
    case LWS_CALLBACK_HTTP_BODY: {
      auto it = exchanges_.find(wsi);
      if (it == exchanges_.end()) return 0;
      auto& ex = *it->second;
      if (ex.sink) {
        ex.sink->write(static_cast<const char*>(in), len);
      } else if (ex.request.body.size() + len > kMaxBodyBytes) {
        ex.too_large = true;
      } else {
        ex.request.body.append(static_cast<const char*>(in), len);
      }
      return 0;
    }
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
      dispatch(wsi);
      return 0;
    case LWS_CALLBACK_HTTP_WRITEABLE: {
      auto it = exchanges_.find(wsi);
      if (it == exchanges_.end() || !it->second->response) return 0;
      return write_response(wsi, *it->second);
    }
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_WSI_DESTROY: {
      auto it = exchanges_.find(wsi);
      if (it != exchanges_.end()) {
        it->second->alive = false;
        exchanges_.erase(it);
      }
      return 0;
    }
    default:
      return lws_callback_http_dummy(wsi, reason, nullptr, in, len);
  }
}

// A request line and its headers: GET and DELETE go to the handler now, POST and PUT once their
// body is in (or into a sink as it comes).
int HttpServer::on_request(lws* wsi, void* in) {
  auto ex = std::make_shared<Exchange>();
  ex->request.path = in != nullptr ? static_cast<const char*>(in) : "/";
  if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0) ex->request.method = "POST";
  else if (lws_hdr_total_length(wsi, WSI_TOKEN_PUT_URI) > 0) ex->request.method = "PUT";
  else if (lws_hdr_total_length(wsi, WSI_TOKEN_DELETE_URI) > 0) ex->request.method = "DELETE";
  else ex->request.method = "GET";
  // lws hands the path relative to the mount; the full one is in the URI header.
  const std::string uri = transport::header_value(wsi, ex->request.method == "POST"     ? WSI_TOKEN_POST_URI
                                                       : ex->request.method == "PUT"    ? WSI_TOKEN_PUT_URI
                                                       : ex->request.method == "DELETE" ? WSI_TOKEN_DELETE_URI
                                                                                        : WSI_TOKEN_GET_URI);
  if (!uri.empty()) ex->request.path = uri;
  ex->request.query = query_string(wsi);
  ex->request.authorization = transport::header_value(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
  ex->request.cookie = transport::header_value(wsi, WSI_TOKEN_HTTP_COOKIE);
  ex->request.range = transport::header_value(wsi, WSI_TOKEN_HTTP_RANGE);
  exchanges_[wsi] = ex;
  if (ex->request.method == "GET" || ex->request.method == "DELETE") {
    dispatch(wsi);
    return 0;
  }
  if (choose_sink_) ex->sink = choose_sink_(ex->request);
  // lws reads a body only by its Content-Length: a request without one (or with 0) gets no
  // body callbacks at all, and a chunked one would wait forever.
  if (!transport::header_value(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING).empty()) {
    ex->sink.reset();
    ex->answered = true;
    ex->close_after = true;  // the unread body must not be taken for the next request
    ex->response = HttpResponse{411, "application/json", R"({"error":"send the body with a Content-Length"})"};
    lws_callback_on_writable(wsi);
    return 0;
  }
  const std::string length = transport::header_value(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
  if (length.empty() || length == "0") dispatch(wsi);
  return 0;  // POST/PUT: wait for the body
}

void HttpServer::dispatch(lws* wsi) {
  auto it = exchanges_.find(wsi);
  if (it == exchanges_.end()) return;
  std::shared_ptr<Exchange> ex = it->second;
  Responder respond = [ex, wsi](HttpResponse r) {
    if (!ex->alive || ex->answered) return;
    ex->answered = true;
    if (!r.file.empty()) {
      ex->fd = ::open(r.file.c_str(), O_RDONLY | O_CLOEXEC);
      if (ex->fd < 0 || (r.file_offset > 0 && ::lseek(ex->fd, static_cast<off_t>(r.file_offset), SEEK_SET) < 0)) {
        log::error("http", "cannot read " + r.file + ": " + std::strerror(errno));
        r = HttpResponse{404, "application/json", R"({"error":"file not readable"})", {}};
      } else {
        ex->remaining = r.file_length;
      }
    }
    ex->response = std::move(r);
    lws_callback_on_writable(wsi);
  };
  if (ex->sink) {
    respond(ex->sink->finish());
    ex->sink.reset();
    return;
  }
  if (ex->too_large) {
    respond(HttpResponse{413, "application/json", R"({"error":"request body over 64 KiB"})", {}});
    return;
  }
  try {
    handler_(ex->request, respond);
  } catch (const std::exception& e) {
    log::error("http", ex->request.method + " " + ex->request.path + " failed: " + e.what());
    respond(HttpResponse{500, "application/json", R"({"error":"internal error"})", {}});
  }
}

int HttpServer::write_response(lws* wsi, Exchange& ex) {
  if (ex.headers_sent) return write_file_piece(wsi, ex);
  const HttpResponse& r = *ex.response;
  const bool streamed = ex.fd >= 0;
  std::vector<unsigned char> buf(LWS_PRE + 4096 + (streamed ? 0 : r.body.size()));
  unsigned char* start = buf.data() + LWS_PRE;
  unsigned char* p = start;
  unsigned char* end = buf.data() + buf.size();
  if (lws_add_http_common_headers(wsi, static_cast<unsigned int>(r.status), r.content_type.c_str(),
                                  streamed ? r.file_length : r.body.size(), &p, end) != 0) {
    return 1;
  }
  for (const auto& [name, value] : r.headers) {
    const std::string n = name + ":";
    if (lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(n.c_str()),
                                    reinterpret_cast<const unsigned char*>(value.data()),
                                    static_cast<int>(value.size()), &p, end) != 0) {
      return 1;
    }
  }
  if (lws_finalize_http_header(wsi, &p, end) != 0) return 1;
  if (streamed) {
    const auto n = static_cast<size_t>(p - start);
    if (lws_write(wsi, start, n, LWS_WRITE_HTTP_HEADERS) != static_cast<int>(n)) return 1;
    ex.headers_sent = true;
    lws_callback_on_writable(wsi);
    return 0;
  }
  std::memcpy(p, r.body.data(), r.body.size());
  p += r.body.size();
  const auto n = static_cast<size_t>(p - start);
  if (lws_write(wsi, start, n, LWS_WRITE_HTTP_FINAL) != static_cast<int>(n)) return 1;
  ex.response.reset();
  if (ex.close_after) return -1;
  return lws_http_transaction_completed(wsi) != 0 ? -1 : 0;
}

// One piece of a file answer per writable callback, so that a large image neither sits in memory
// nor holds the loop while it goes out.
int HttpServer::write_file_piece(lws* wsi, Exchange& ex) {
  constexpr std::size_t kPiece = 32 * 1024;
  std::vector<unsigned char> buf(LWS_PRE + kPiece);
  const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(kPiece, ex.remaining));
  const ssize_t got = want == 0 ? 0 : ::read(ex.fd, buf.data() + LWS_PRE, want);
  if (got < 0 || (want > 0 && got == 0)) {
    // The file shrank or failed under us: the length already promised cannot be kept, so the
    // client must see a cut connection, never a short body taken for a whole one.
    log::error("http", "reading " + ex.response->file + " failed while sending it; connection closed");
    return -1;
  }
  ex.remaining -= static_cast<std::uint64_t>(got);
  const bool last = ex.remaining == 0;
  if (lws_write(wsi, buf.data() + LWS_PRE, static_cast<size_t>(got), last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
      static_cast<int>(got)) {
    return -1;
  }
  if (!last) {
    lws_callback_on_writable(wsi);
    return 0;
  }
  ::close(ex.fd);
  ex.fd = -1;
  ex.headers_sent = false;
  ex.response.reset();
  return lws_http_transaction_completed(wsi) != 0 ? -1 : 0;
}

}  // namespace ocpp::csms
