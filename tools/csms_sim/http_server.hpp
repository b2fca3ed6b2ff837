#pragma once
// A small HTTP/1.1 server on the event loop (libwebsockets HTTP), for the reference CSMS's API and
// the driver's pages. A handler may answer later (e.g. once a charge point has replied), so it
// gets a Responder instead of returning the response.
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
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Calling it more than once, or after the client went away, does nothing.
using Responder = std::function<void(HttpResponse)>;
using HttpHandler = std::function<void(const HttpRequest&, Responder)>;

class HttpServer {
 public:
  static constexpr std::size_t kMaxBodyBytes = 64 * 1024;

  HttpServer(transport::LwsLoop& loop, const std::string& host, int port, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  int port() const { return port_; }

 private:
  struct Exchange;
  static int callback(lws* wsi, lws_callback_reasons reason, void* user, void* in, size_t len);
  int on_event(lws* wsi, lws_callback_reasons reason, void* in, size_t len);
  void dispatch(lws* wsi);
  int write_response(lws* wsi, Exchange& ex);

  transport::LwsLoop& loop_;
  HttpHandler handler_;
  lws_vhost* vhost_ = nullptr;
  int port_ = 0;
  std::map<lws*, std::shared_ptr<Exchange>> exchanges_;
};

}  // namespace ocpp::csms
