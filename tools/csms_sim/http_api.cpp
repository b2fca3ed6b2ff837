#include "http_api.hpp"

#include <openssl/crypto.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ocpp/common/base64.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::csms {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

HttpResponse json_response(int status, const std::string& body) { return HttpResponse{status, "application/json", body, {}}; }

HttpResponse error(int status, const std::string& message) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  w.Key("error");
  w.String(message.c_str());
  w.EndObject();
  return json_response(status, b.GetString());
}

void write_optional(Writer& w, const char* key, const std::optional<std::int64_t>& v) {
  w.Key(key);
  if (v) w.Int64(*v); else w.Null();
}

void write_optional(Writer& w, const char* key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) w.String(v->c_str()); else w.Null();
}

std::string query_value(const std::string& query, const std::string& key) {
  // lws hands "a=1&b=2" (already percent-decoded).
  std::size_t start = 0;
  while (start < query.size()) {
    const std::size_t end = std::min(query.find('&', start), query.size());
    const std::string pair = query.substr(start, end - start);
    if (pair.rfind(key + "=", 0) == 0) return pair.substr(key.size() + 1);
    start = end + 1;
  }
  return {};
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

HttpApi::HttpApi(transport::LwsLoop& loop, Csms& csms, const std::string& host, int port,
                 std::map<std::string, std::string> users)
    : csms_(csms),
      users_(std::move(users)),
      server_(loop, host, port, [this](const HttpRequest& r, Responder respond) { handle(r, respond); }) {}

bool HttpApi::authenticated(const HttpRequest& request) const {
  if (request.authorization.rfind("Basic ", 0) != 0) return false;
  const auto credentials = base64_decode(std::string_view(request.authorization).substr(6));
  if (!credentials) return false;
  const std::string& decoded = *credentials;
  const auto colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  const auto user = users_.find(decoded.substr(0, colon));
  return user != users_.end() && constant_time_equal(user->second, decoded.substr(colon + 1));
}

void HttpApi::handle(const HttpRequest& request, const Responder& respond) {
  const std::string& path = request.path;
  if (path.rfind("/api/", 0) != 0) {
    respond(error(404, "no such page"));
    return;
  }
  if (!authenticated(request)) {
    HttpResponse r = error(401, users_.empty() ? "no API users configured: start ocpp-csms-sim with --user NAME:PASSWORD"
                                               : "HTTP Basic authentication as an API user required");
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"ocpp-csms-sim\"");
    respond(std::move(r));
    return;
  }
  const std::string prefix = "/api/charge-points";
  if (path == prefix && request.method == "GET") {
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
    return;
  }
  if (path.rfind(prefix + "/", 0) == 0) {
    std::string rest = path.substr(prefix.size() + 1);
    const std::string call_suffix = "/call";
    if (rest.size() > call_suffix.size() && rest.compare(rest.size() - call_suffix.size(), call_suffix.size(), call_suffix) == 0) {
      if (request.method != "POST") {
        respond(error(405, "use POST"));
        return;
      }
      call(rest.substr(0, rest.size() - call_suffix.size()), request, respond);
      return;
    }
    const auto cp = csms_.store().charge_point(rest);
    const bool connected = csms_.connected(rest);
    if (!cp && !connected) {
      respond(error(404, "unknown charge point " + rest));
      return;
    }
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    w.Key("id");
    w.String(rest.c_str());
    w.Key("connected");
    w.Bool(connected);
    w.Key("ocpp_version");
    w.String(cp ? cp->ocpp_version.c_str() : csms_.connected_version(rest).c_str());
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
    for (const auto& c : csms_.store().connectors(rest)) {
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
    w.EndObject();
    respond(json_response(200, b.GetString()));
    return;
  }
  if (path == "/api/transactions" && request.method == "GET") {
    const std::string cp = query_value(request.query, "charge_point_id");
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
    return;
  }
  respond(error(404, "no such resource: " + request.method + " " + path));
}

void HttpApi::call(const std::string& id, const HttpRequest& request, const Responder& respond) {
  rapidjson::Document body;
  body.Parse(request.body.c_str(), request.body.size());
  if (body.HasParseError() || !body.IsObject() || !body.HasMember("action") || !body["action"].IsString() ||
      !body.HasMember("payload") || !body["payload"].IsObject()) {
    respond(error(400, "body must be {\"action\": \"...\", \"payload\": {...}}"));
    return;
  }
  const std::string action = body["action"].GetString();
  rapidjson::Document payload;
  payload.CopyFrom(body["payload"], payload.GetAllocator());
  log::info("http", "operator calls " + action + " on " + id);
  const bool sent = csms_.call(id, action, std::move(payload), [respond, action](rpc::CallOutcome& o) {
    switch (o.status) {
      case rpc::CallOutcome::Status::Result:
        respond(json_response(200, ocpp::to_string(o.payload)));
        return;
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
        respond(json_response(502, b.GetString()));
        return;
      }
      case rpc::CallOutcome::Status::NotSent:
        respond(error(400, action + " payload is not valid: " + o.error_description));
        return;
      case rpc::CallOutcome::Status::InvalidResponse:
        respond(error(502, "the charge point's response is not valid: " + o.error_description));
        return;
      case rpc::CallOutcome::Status::Timeout:
        respond(error(504, "the charge point did not answer in time"));
        return;
      case rpc::CallOutcome::Status::Disconnected:
        respond(error(503, "the charge point disconnected before answering"));
        return;
    }
  });
  if (!sent) respond(error(404, "charge point " + id + " is not connected"));
}

}  // namespace ocpp::csms
