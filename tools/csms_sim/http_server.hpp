#pragma once
// A small HTTP/1.1 server on the event loop (libwebsockets HTTP), for the reference CSMS's API and
// the driver's pages. A handler may answer later (e.g. once a charge point has replied), so it
// gets a Responder instead of returning the response.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/transport/lws_loop.hpp"

namespace ocpp::csms {

struct HttpRequest {
  std::string method;  // GET, POST, PUT, DELETE
  std::string path;    // without the query
  std::string query;
  std::string body;
  std::string authorization;  // the Authorization header, if any
  std::string cookie;         // the Cookie header, if any (the driver's pages keep their login in one)
  std::string range;          // the Range header, if any (a download resumed)
};

struct HttpResponse {
  HttpResponse() = default;
  HttpResponse(int status_code, std::string type, std::string text,
               std::vector<std::pair<std::string, std::string>> extra_headers = {})
      : status(status_code), content_type(std::move(type)), body(std::move(text)), headers(std::move(extra_headers)) {}

  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Non-empty: the body is `file_length` bytes of this file from `file_offset`, streamed in pieces
  // (firmware images are too large to hold in memory); `body` is then ignored. A file that cannot
  // be opened turns the answer into a 404.
  std::string file;
  std::uint64_t file_offset = 0;
  std::uint64_t file_length = 0;
};

// Where the body of a request goes when it is not read into memory (uploads of many MiB). Chosen
// from the request line and headers before the first byte of the body arrives.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual void write(const char* data, std::size_t len) = 0;
  // The whole body has arrived: the answer.
  virtual HttpResponse finish() = 0;
};

// Calling it more than once, or after the client went away, does nothing.
using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, Responder)>;
// A sink for the body of this POST or PUT, or nullptr to read it into HttpRequest::body (at most
// kMaxBodyBytes) and hand the request to the handler.
using SinkChooser = std::function<std::unique_ptr<BodySink>(const HttpRequest&)>;

class HttpServer {
 public:
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;

  HttpServer(transport::LwsLoop& loop, const std::string& host, int port, HttpHandler handler,
             SinkChooser choose_sink = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  int port() const { return port_; }

 private:
  struct Exchange;
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  int on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len);
  int on_request(lws* wsi, void* in);
  void dispatch(lws* wsi);
  int write_response(lws* wsi, Exchange& ex);
  int write_file_piece(lws* wsi, Exchange& ex);

  transport::LwsLoop& loop_;
  HttpHandler handler_;
  SinkChooser choose_sink_;
  lws_vhost* vhost_ = nullptr;
  int port_ = 0;
  std::map<lws*, std::shared_ptr<Exchange>> exchanges_;
};

}  // namespace ocpp::csms
