// Fuzz target csms_http: the reference CSMS's HTTP request handling (tools/csms_sim http_api.hpp,
// HttpApi::handle: the API and, for every other path, the driver's pages of server/web), request
// to response, without the network. One CSMS for the whole run: an in-memory database with one
// booted charge point whose offline-code key is confirmed (so codes can be issued), a master key,
// an operator and a driver account. Its clock is a ManualClock that moves one hour per input, so
// that the password and issuance throttles of one input do not lock out the next.
//
// Input: an HTTP/1.1 request as a client writes it: "METHOD /path?query HTTP/1.1", header lines,
// an empty line, the body. It is taken apart the way HttpServer gets it from libwebsockets: the
// path percent-decoded, each query fragment decoded and encoded again, the Authorization and
// Cookie headers, a body of at most 64 KiB; methods other than POST, PUT and DELETE are GET.
//
// Beyond "no crash", it asserts:
// - every request is answered, exactly once and at once (no charge point is connected, so nothing
//   waits), with a status of 200-599, and no exception escapes the handler (the server would turn
//   it into a bare 500);
// - a JSON answer is valid JSON; header names and values never hold CR, LF or NUL (no header
//   injection from what the request carried into a Set-Cookie or Location);
// - 401 comes with WWW-Authenticate and 429 with Retry-After;
// - no /api/ request gets a 2xx without the right password of an account, and a driver gets a 2xx
//   only from the two driver routes (POST/GET /api/offline-codes, GET /api/settlements).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "csms.hpp"
#include "fuzz_support.hpp"
#include "http_api.hpp"
#include "ocpp/common/clock.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/server/key_book.hpp"
#include "ocpp/transport/lws_loop.hpp"
#include "ocpp/transport/url.hpp"

namespace {

using ocpp::csms::HttpRequest;
using ocpp::csms::HttpResponse;

constexpr const char* kOperator = "operator";
constexpr const char* kOperatorPassword = "operator-password";
constexpr const char* kDriver = "driver";
constexpr const char* kDriverPassword = "driver-password";

struct World {
  ocpp::ManualClock clock;
  std::unique_ptr<ocpp::transport::LwsLoop> loop;
  std::unique_ptr<ocpp::csms::Csms> csms;
  std::unique_ptr<ocpp::csms::HttpApi> api;

  World() {
    ocpp::log::set_level(ocpp::log::Level::off);
    // 2026-03-01T10:00:00Z: codes are counted from 2025 (docs/offline-code.md §2).
    clock.set_system(ocpp::SystemTime{std::chrono::seconds{1772359200}});
    loop = std::make_unique<ocpp::transport::LwsLoop>(clock);
    ocpp::csms::CsmsOptions options;
    options.database = ":memory:";
    // Firmware and uploads in a folder of its own, not the working directory.
    char files_dir[] = "/tmp/csms-http-fuzz-XXXXXX";
    if (::mkdtemp(files_dir) != nullptr) options.transfers.files_dir = files_dir;
    ocpp::offline_code::MasterSecret master{};
    for (std::size_t i = 0; i < master.size(); ++i) master[i] = static_cast<std::uint8_t>(i);
    options.offline_codes.master = master;
    csms = std::make_unique<ocpp::csms::Csms>(*loop, options);
    ocpp::csms::ChargePointRecord cp;
    cp.id = "CP-1";
    cp.ocpp_version = "1.6";
    cp.vendor = "Vendor";
    cp.model = "Model";
    csms->store().record_boot(cp, "2026-03-01T10:00:00Z");
    csms->store().record_status("CP-1", 1, 1, "Available", "NoError", "2026-03-01T10:00:00Z");
    csms->store().record_status("CP-1", 2, 2, "Available", "NoError", "2026-03-01T10:00:00Z");
    ocpp::server::KeyBook(csms->store().database(), clock).on_accepted("CP-1", 1);
    std::map<std::string, ocpp::server::Account> users{
        {kOperator, {kOperator, kOperatorPassword, ocpp::server::Role::Operator}},
        {kDriver, {kDriver, kDriverPassword, ocpp::server::Role::Driver}},
    };
    api = std::make_unique<ocpp::csms::HttpApi>(*loop, *csms, "127.0.0.1", 0, ocpp::server::UserAccounts(users));
  }
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The query as HttpServer rebuilds it from the fragments libwebsockets decoded.
std::string rebuilt_query(std::string_view raw) {
  std::string out;
  std::size_t start = 0;
  while (start < raw.size()) {
    const std::size_t end = std::min(raw.find('&', start), raw.size());
    const std::string fragment = ocpp::transport::percent_decode(raw.substr(start, end - start), true);
    const std::size_t eq = fragment.find('=');
    if (!out.empty()) out.push_back('&');
    out += ocpp::transport::percent_encode(std::string_view(fragment).substr(0, eq));
    if (eq != std::string::npos) out += "=" + ocpp::transport::percent_encode(std::string_view(fragment).substr(eq + 1));
    start = end + 1;
  }
  return out;
}

HttpRequest request_of(std::string_view text) {
  HttpRequest r;
  const std::size_t line_end = std::min(text.find('\n'), text.size());
  const std::string_view line = trim(text.substr(0, line_end));
  const std::size_t sp1 = std::min(line.find(' '), line.size());
  const std::string_view method = line.substr(0, sp1);
  r.method = method == "POST" || method == "PUT" || method == "DELETE" ? std::string(method) : "GET";
  std::string_view target = sp1 < line.size() ? line.substr(sp1 + 1) : std::string_view{};
  target = target.substr(0, std::min(target.find(' '), target.size()));
  const std::size_t q = std::min(target.find('?'), target.size());
  r.path = ocpp::transport::percent_decode(target.substr(0, q));
  if (r.path.empty() || r.path[0] != '/') r.path.insert(0, "/");
  if (q < target.size()) r.query = rebuilt_query(target.substr(q + 1));

  std::size_t at = line_end + 1;
  while (at < text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    const std::string_view header = trim(text.substr(at, end - at));
    at = end + 1;
    if (header.empty()) break;
    const std::size_t colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string name = lower(trim(header.substr(0, colon)));
    const std::string value(trim(header.substr(colon + 1)));
    if (name == "authorization") r.authorization = value;
    if (name == "cookie") r.cookie = value;
  }
  // GET and DELETE are dispatched without waiting for a body.
  if (at < text.size() && (r.method == "POST" || r.method == "PUT")) {
    r.body = std::string(text.substr(at, ocpp::csms::HttpServer::kMaxBodyBytes));
  }
  return r;
}

bool clean_header_text(const std::string& s) {
  return s.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
}

bool has_header(const HttpResponse& r, const std::string& name) {
  return std::any_of(r.headers.begin(), r.headers.end(), [&](const auto& h) { return lower(h.first) == lower(name); });
}

// The account whose password the request carries, if any.
std::optional<std::string> authenticated(const HttpRequest& r) {
  const auto credentials = ocpp::server::UserAccounts::basic_credentials(r.authorization);
  if (!credentials) return std::nullopt;
  if (credentials->first == kOperator && credentials->second == kOperatorPassword) return credentials->first;
  if (credentials->first == kDriver && credentials->second == kDriverPassword) return credentials->first;
  return std::nullopt;
}

bool driver_route(const HttpRequest& r) {
  return r.path == "/api/offline-codes" || (r.path == "/api/settlements" && r.method == "GET");
}

void check_response(const HttpRequest& request, const HttpResponse& response) {
  FUZZ_REQUIRE(response.status >= 200 && response.status <= 599);
  FUZZ_REQUIRE(!response.content_type.empty());
  if (response.content_type == "application/json") {
    rapidjson::Document doc;
    FUZZ_REQUIRE(!ocpp::parse_json(doc, response.body));
  }
  for (const auto& [name, value] : response.headers) {
    FUZZ_REQUIRE(!name.empty() && clean_header_text(name));
    FUZZ_REQUIRE(clean_header_text(value));
  }
  if (response.status == 401) FUZZ_REQUIRE(has_header(response, "WWW-Authenticate"));
  if (response.status == 429) FUZZ_REQUIRE(has_header(response, "Retry-After"));
  if (request.path.rfind("/api/", 0) == 0 && response.status < 300) {
    const auto user = authenticated(request);
    FUZZ_REQUIRE(user.has_value());
    if (*user == kDriver) FUZZ_REQUIRE(driver_route(request));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  world.clock.advance(std::chrono::hours{1});
  const HttpRequest request = request_of(ocpp::fuzz::as_text(data, size));
  int answers = 0;
  HttpResponse response;
  try {
    world.api->handle(request, [&](HttpResponse r) {
      ++answers;
      response = std::move(r);
    });
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s %s: the handler threw: %s\n", request.method.c_str(), request.path.c_str(), e.what());
    ocpp::fuzz::property_failed("an exception escaped HttpApi::handle", __FILE__, __LINE__);
  }
  FUZZ_REQUIRE(answers == 1);
  check_response(request, response);
  return 0;
}
