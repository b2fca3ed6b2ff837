#include "http_api.hpp"

#include "http_json.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::csms {

using http::error;
using http::json_response;
using http::Writer;
using http::write_optional;

namespace {

// lws hands the request path percent-decoded; the pages decode their path segments themselves (as
// their own tests give them raw paths), so each segment is encoded again here, and an id such as
// "CP%41" reaches them decoded once (docs/reference-csms.md "Charge point identity").
std::string encoded_again(const std::string& decoded) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = decoded.find('/', start);
    out += transport::percent_encode(std::string_view(decoded).substr(start, slash - start));
    if (slash == std::string::npos) return out;
    out.push_back('/');
    start = slash + 1;
  }
}

HttpResponse forbidden(const std::string& user) {
  return error(403, "user " + user + " is a driver: operators only (a driver gets codes and sees his own "
                    "settlements)");
}

}  // namespace

HttpApi::HttpApi(transport::LwsLoop& loop, Csms& csms, const std::string& host, int port, server::UserAccounts users)
    : csms_(csms),
      users_(std::move(users)),
      login_throttle_(csms.clock()),
      driver_backend_(csms.offline_codes(), csms, users_, csms.clock()),
#ifdef OCPP_CSMS_HAS_DRIVER_PAGES
      pages_(std::make_unique<server::web::DriverPages>(driver_backend_, csms.clock(), login_throttle_)),
#endif
      server_(loop, host, port, [this](const HttpRequest& r, Responder respond) { handle(r, respond); },
              [this](const HttpRequest& r) { return csms_.transfers().upload_sink(r); }) {
}

HttpApi::~HttpApi() = default;

void HttpApi::page(const HttpRequest& request, const Responder& respond) {
#ifdef OCPP_CSMS_HAS_DRIVER_PAGES
  const server::web::Request req{request.method, encoded_again(request.path), request.query, request.body,
                                 request.cookie, request.authorization};
  if (auto r = pages_->handle(req)) {
    respond(HttpResponse{r->status, r->content_type, std::move(r->body), std::move(r->headers)});
    return;
  }
#endif
  respond(error(404, "no such page: " + request.path));
}

void HttpApi::handle(const HttpRequest& request, const Responder& respond) {
  if (request.path.rfind("/firmware/", 0) == 0 || request.path.rfind("/uploads/", 0) == 0) {
    public_file(request, respond);
    return;
  }
  if (request.path.rfind("/api/", 0) != 0) {
    page(request, respond);
    return;
  }
  const auto caller = authenticate(request, respond);
  if (!caller || driver_route(*caller, request, respond)) return;
  if (caller->role != server::Role::Operator) {
    respond(forbidden(caller->user));
    return;
  }
  operator_route(request, respond);
}

std::optional<HttpApi::Caller> HttpApi::authenticate(const HttpRequest& request, const Responder& respond) {
  if (const auto credentials = server::UserAccounts::basic_credentials(request.authorization)) {
    const std::string& name = credentials->first;
    // Password guessing is slowed per user name, as on the pages' log-in form and together with it.
    // A locked name is refused before its password is looked at, so the answer tells nothing of it.
    if (const auto wait = login_throttle_.wait_for(name); wait.count() > 0) {
      HttpResponse r = error(429, "too many wrong passwords for this user: try again in " +
                                      std::to_string(wait.count()) + " s");
      r.headers.emplace_back("Retry-After", std::to_string(wait.count()));
      respond(std::move(r));
      return std::nullopt;
    }
    if (users_.check(name, credentials->second)) {
      login_throttle_.record_success(name);
      return Caller{name, users_.role(name).value_or(server::Role::Driver)};
    }
    login_throttle_.record_failure(name);
  }
  HttpResponse r = error(401, users_.empty() ? "no API users configured: start ocpp-csms-sim with --user NAME:PASSWORD"
                                             : "HTTP Basic authentication as an API user required");
  r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"ocpp-csms-sim\"");
  respond(std::move(r));
  return std::nullopt;
}

bool HttpApi::driver_route(const Caller& caller, const HttpRequest& request, const Responder& respond) {
  if (request.path == "/api/offline-codes") {
    if (request.method == "POST") issue_code(caller.user, request, respond);
    else if (request.method == "GET") list_codes(caller.user, respond);
    else respond(error(405, "use POST to get a code, GET to list yours"));
    return true;
  }
  if (request.path == "/api/settlements" && request.method == "GET") {
    list_settlements(caller, request, respond);
    return true;
  }
  return false;
}

void HttpApi::operator_route(const HttpRequest& request, const Responder& respond) {
  const std::string& path = request.path;
  if (path == "/api/security-events" && request.method == "GET") {
    list_security_events(request, respond);
    return;
  }
  const std::string prefix = "/api/charge-points";
  if (path == prefix && request.method == "GET") {
    list_charge_points(respond);
    return;
  }
  if (path.rfind(prefix + "/", 0) == 0) {
    // The id as lws decoded it, once (a charge point "CP 7" is /api/charge-points/CP%207).
    std::string rest = path.substr(prefix.size() + 1);
    if (transfer_route(rest, request, respond)) return;
    const std::string call_suffix = "/call";
    if (rest.size() > call_suffix.size() && rest.compare(rest.size() - call_suffix.size(), call_suffix.size(), call_suffix) == 0) {
      if (request.method != "POST") {
        respond(error(405, "use POST"));
        return;
      }
      call(rest.substr(0, rest.size() - call_suffix.size()), request, respond);
      return;
    }
    charge_point(rest, respond);
    return;
  }
  if (path == "/api/firmware" && request.method == "GET") {
    list_firmware(respond);
    return;
  }
  if (path == "/api/transactions" && request.method == "GET") {
    list_transactions(request, respond);
    return;
  }
  respond(error(404, "no such resource: " + request.method + " " + path));
}

void HttpApi::list_charge_points(const Responder& respond) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  for (const auto& cp : csms_.store().charge_points()) {
    w.StartObject();
    w.Key("id");
    w.String(cp.id.c_str());
    w.Key("connected");
    w.Bool(csms_.connected(cp.id));
    w.Key("ocpp_version");
    w.String(cp.ocpp_version.c_str());
    w.EndObject();
  }
  w.EndArray();
  respond(json_response(200, b.GetString()));
}

void HttpApi::charge_point(const std::string& id, const Responder& respond) {
  const auto cp = csms_.store().charge_point(id);
  const bool connected = csms_.connected(id);
  if (!cp && !connected) {
    respond(error(404, "unknown charge point " + id));
    return;
  }
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("id");
  w.String(id.c_str());
  w.Key("connected");
  w.Bool(connected);
  w.Key("ocpp_version");
  w.String(cp ? cp->ocpp_version.c_str() : csms_.connected_version(id).c_str());
  if (cp) {
    w.Key("vendor");
    w.String(cp->vendor.c_str());
    w.Key("model");
    w.String(cp->model.c_str());
    w.Key("boot_count");
    w.Int64(cp->boot_count);
    w.Key("last_boot_at");
    w.String(cp->last_boot_at.c_str());
  }
  w.Key("connectors");
  w.StartArray();
  for (const auto& c : csms_.store().connectors(id)) {
    w.StartObject();
    w.Key("evse_id");
    w.Int(c.evse_id);
    w.Key("connector_id");
    w.Int(c.connector_id);
    w.Key("status");
    w.String(c.status.c_str());
    w.Key("error_code");
    w.String(c.error_code.c_str());
    w.Key("updated_at");
    w.String(c.updated_at.c_str());
    w.EndObject();
  }
  w.EndArray();
  // The offline-code key of this pile (docs/offline-code.md §6), for operators and tests.
  const server::KeyState keys = csms_.offline_codes().key_state(id);
  w.Key("offline_codes");
  w.StartObject();
  w.Key("available");
  w.Bool(csms_.offline_codes().enabled() && keys.codes_available());
  w.Key("current_key_version");
  w.Uint(keys.current_version);
  w.Key("confirmed_key_version");
  w.Uint(keys.confirmed_version);
  write_optional(w, "reported_key_version",
                 keys.reported_version ? std::optional<std::int64_t>(*keys.reported_version) : std::nullopt);
  w.Key("supported");
  if (keys.supported) w.Bool(*keys.supported); else w.Null();
  http::write_string(w, "status", keys.status);
  w.EndObject();
  write_operations(w, id);
  w.EndObject();
  respond(json_response(200, b.GetString()));
}

void HttpApi::list_transactions(const HttpRequest& request, const Responder& respond) {
  const std::string cp = http::query_value(request.query, "charge_point_id");
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  for (const auto& t : csms_.store().transactions(cp.empty() ? std::nullopt : std::optional<std::string>(cp))) {
    w.StartObject();
    w.Key("charge_point_id");
    w.String(t.charge_point_id.c_str());
    w.Key("transaction_id");
    w.String(t.transaction_id.c_str());
    w.Key("connector_id");
    w.Int(t.connector_id);
    write_optional(w, "evse_id", t.evse_id ? std::optional<std::int64_t>(*t.evse_id) : std::nullopt);
    w.Key("id_tag");
    w.String(t.id_tag.c_str());
    write_optional(w, "meter_start_wh", t.meter_start_wh);
    w.Key("started_at");
    w.String(t.started_at.c_str());
    write_optional(w, "meter_stop_wh", t.meter_stop_wh);
    write_optional(w, "stopped_at", t.stopped_at);
    write_optional(w, "stop_reason", t.stop_reason);
    w.Key("start_count");
    w.Int64(t.start_count);
    w.Key("stop_count");
    w.Int64(t.stop_count);
    w.Key("meter_values");
    w.Int64(t.meter_value_count);
    w.EndObject();
  }
  w.EndArray();
  respond(json_response(200, b.GetString()));
}

void HttpApi::call(const std::string& id, const HttpRequest& request, const Responder& respond) {
  rapidjson::Document body;
  // Nesting is bounded before the document is built (json.hpp): 64 KiB of "[" would overflow the stack.
  if (const auto bad = parse_json(body, request.body); bad && bad->too_deep) {
    respond(error(400, "body is " + bad->message()));
    return;
  } else if (bad || !body.IsObject() || !body.HasMember("action") || !body["action"].IsString() ||
             !body.HasMember("payload") || !body["payload"].IsObject()) {
    respond(error(400, "body must be {\"action\": \"...\", \"payload\": {...}}"));
    return;
  }
  const std::string action = body["action"].GetString();
  rapidjson::Document payload;
  payload.CopyFrom(body["payload"], payload.GetAllocator());
  log::info("http", "operator calls " + action + " on " + id);
  const bool sent = csms_.call(id, action, std::move(payload),
                               [respond, action](rpc::CallOutcome& o) { respond(outcome_response(action, o)); });
  if (!sent) respond(error(404, "charge point " + id + " is not connected"));
}

HttpResponse HttpApi::outcome_response(const std::string& action, rpc::CallOutcome& o, const ResultShaper& on_result) {
  switch (o.status) {
    case rpc::CallOutcome::Status::Result:
      return on_result ? on_result(o.payload) : json_response(200, ocpp::to_string(o.payload));
    case rpc::CallOutcome::Status::Error: {
      rapidjson::StringBuffer b;
      Writer w(b);
      w.StartObject();
      w.Key("error");
      w.String("the charge point answered with a CALLERROR");
      w.Key("error_code");
      w.String(o.error_code.c_str());
      w.Key("error_description");
      w.String(o.error_description.c_str());
      w.EndObject();
      return json_response(502, b.GetString());
    }
    case rpc::CallOutcome::Status::NotSent:
      return error(400, action + " payload is not valid: " + o.error_description);
    case rpc::CallOutcome::Status::InvalidResponse:
      return error(502, "the charge point's response is not valid: " + o.error_description);
    case rpc::CallOutcome::Status::Timeout:
      return error(504, "the charge point did not answer in time");
    case rpc::CallOutcome::Status::Disconnected:
      break;
  }
  return error(503, "the charge point disconnected before answering");
}

}  // namespace ocpp::csms
