// The offline code over HTTP (docs/offline-code.md §9, docs/reference-csms.md "Offline codes"):
// issuing a code to the logged-in user, the user's codes and settlements, the operators' view of
// every settlement and anomaly, and the security events.
#include <rapidjson/document.h>

#include "http_api.hpp"
#include "http_json.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/offline_code/layout.hpp"

namespace ocpp::csms {
namespace {

using http::error;
using http::json_response;
using http::write_optional;
using http::write_string;
using http::Writer;

// {"error", "reason"[, "field"]}: the sentence for people, the word for programs.
HttpResponse issue_error(int status, const server::IssueError& e) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  write_string(w, "error", e.message);
  write_string(w, "reason", e.reason);
  if (!e.field.empty()) write_string(w, "field", e.field);
  if (e.retry_after_s > 0) {
    w.Key("retry_after_s");
    w.Int64(e.retry_after_s);
  }
  w.EndObject();
  return json_response(status, b.GetString());
}

HttpResponse bad_field(const std::string& field, const std::string& message) {
  server::IssueError e;
  e.reason = "bad_request";
  e.field = field;
  e.message = message;
  return issue_error(400, e);
}

int status_of(server::IssueFailure f) {
  switch (f) {
    case server::IssueFailure::Disabled: return 503;
    case server::IssueFailure::UnknownChargePoint: return 404;
    case server::IssueFailure::UnknownConnector:
    case server::IssueFailure::BadRequest: return 400;
    case server::IssueFailure::NoKey:
    case server::IssueFailure::Exhausted: return 409;
    case server::IssueFailure::RateLimited: return 429;
  }
  return 500;
}

// An optional integer member: nullopt when absent; an error response when present but not an integer.
std::optional<HttpResponse> read_int(const rapidjson::Value& body, const char* field, bool required,
                                     std::optional<std::int64_t>& out) {
  if (!body.HasMember(field) || (!required && body[field].IsNull())) {
    if (required) return bad_field(field, std::string(field) + " is required");
    return std::nullopt;
  }
  if (!body[field].IsInt64()) return bad_field(field, std::string(field) + " must be a whole number");
  out = body[field].GetInt64();
  return std::nullopt;
}

void write_settlement(Writer& w, const server::Settlement& s, bool operator_view) {
  w.StartObject();
  // DESIGN.md: code, charge_point_id, connector_id, transaction_id, energy_wh, started_at, stopped_at,
  // amount, currency; the rest are extra fields.
  write_string(w, "code", s.code);
  write_string(w, "charge_point_id", s.charge_point_id);
  w.Key("connector_id");
  w.Int(s.connector_id);
  write_string(w, "transaction_id", s.transaction_id);
  w.Key("energy_wh");
  w.Int64(s.energy_wh);
  write_string(w, "started_at", s.started_at);
  write_string(w, "stopped_at", s.stopped_at);
  write_string(w, "amount", s.amount);
  write_string(w, "currency", s.currency);
  write_optional(w, "duration_s", s.duration_s);
  write_optional(w, "anomaly", s.anomaly);
  write_string(w, "settled_at", s.settled_at);
  if (operator_view) {
    write_optional(w, "user", s.user);
    write_optional(w, "issued_charge_point_id", s.issued_charge_point_id);
  }
  w.EndObject();
}

}  // namespace

void HttpApi::issue_code(const std::string& user, const HttpRequest& request, const Responder& respond) {
  auto& codes = csms_.offline_codes();
  if (!codes.enabled()) {
    server::IssueError e;
    e.reason = "disabled";
    e.message = "offline codes are disabled: " + codes.disabled_reason();
    respond(issue_error(503, e));
    return;
  }
  rapidjson::Document body;
  // Nesting is bounded before the document is built (json.hpp).
  if (const auto bad = parse_json(body, request.body); bad && bad->too_deep) {
    respond(bad_field("body", "the body is " + bad->message()));
    return;
  } else if (bad || !body.IsObject()) {
    respond(bad_field("body", "the body must be a JSON object {\"charge_point_id\", \"connector_id\"[, \"energy_cap_wh\"]"
                              "[, \"valid_hours\"]}"));
    return;
  }
  if (!body.HasMember("charge_point_id") || !body["charge_point_id"].IsString() ||
      body["charge_point_id"].GetStringLength() == 0) {
    respond(bad_field("charge_point_id", "charge_point_id must be a non-empty string"));
    return;
  }
  std::optional<std::int64_t> connector, cap, hours;
  for (auto [field, required, out] : {std::tuple{"connector_id", true, &connector},
                                      std::tuple{"energy_cap_wh", false, &cap},
                                      std::tuple{"valid_hours", false, &hours}}) {
    if (auto bad = read_int(body, field, required, *out)) {
      respond(std::move(*bad));
      return;
    }
  }
  server::IssueRequest req;
  req.user = user;
  req.charge_point_id = body["charge_point_id"].GetString();
  // Out-of-int values are refused by the issuer's range checks all the same.
  req.connector_id = *connector < -1 || *connector > 1000 ? -1 : static_cast<int>(*connector);
  req.energy_cap_wh = cap;
  if (hours) req.valid_hours = *hours < 0 || *hours > 100000 ? 0 : static_cast<int>(*hours);

  const auto out = codes.issue(req);
  if (const auto* e = std::get_if<server::IssueError>(&out)) {
    HttpResponse r = issue_error(status_of(e->failure), *e);
    if (e->failure == server::IssueFailure::RateLimited) r.headers.emplace_back("Retry-After", std::to_string(e->retry_after_s));
    respond(std::move(r));
    return;
  }
  const auto& issued = std::get<server::IssuedCode>(out);
  const auto& c = issued.record;
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartObject();
  write_string(w, "code", c.code);
  write_string(w, "expires_at", c.expires_at);
  write_string(w, "code_grouped", offline_code::group_digits(c.code));
  write_string(w, "charge_point_id", c.charge_point_id);
  w.Key("connector_id");
  w.Int(c.connector_id);
  write_optional(w, "energy_cap_wh", c.energy_cap_wh);
  w.Key("serial");
  w.Uint(c.serial);
  w.Key("key_version");
  w.Uint(c.key_version);
  write_string(w, "issued_at", c.issued_at);
  w.EndObject();
  respond(json_response(201, b.GetString()));
}

void HttpApi::list_codes(const std::string& user, const Responder& respond) {
  auto& codes = csms_.offline_codes();
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  for (const auto& c : codes.codes_of(user)) {
    w.StartObject();
    write_string(w, "code", c.code);
    write_string(w, "charge_point_id", c.charge_point_id);
    w.Key("connector_id");
    w.Int(c.connector_id);
    w.Key("key_version");
    w.Uint(c.key_version);
    w.Key("serial");
    w.Uint(c.serial);
    write_string(w, "issued_at", c.issued_at);
    write_string(w, "expires_at", c.expires_at);
    write_optional(w, "energy_cap_wh", c.energy_cap_wh);
    write_optional(w, "transaction_id", c.transaction_id);
    w.Key("settled");
    w.Bool(codes.settlement(c.charge_point_id, c.code).has_value());
    w.EndObject();
  }
  w.EndArray();
  respond(json_response(200, b.GetString()));
}

void HttpApi::list_settlements(const Caller& caller, const HttpRequest& request, const Responder& respond) {
  auto& codes = csms_.offline_codes();
  // The caller's own, by default. Operators only: all=1 lists everyone's settlements with the user
  // and anomaly, anomalies=1 only the flagged ones.
  const bool anomalies = http::query_param(request.query, "anomalies").value_or("0") != "0";
  const bool all = anomalies || http::query_param(request.query, "all").value_or("0") != "0";
  if (all && caller.role != server::Role::Operator) {
    respond(error(403, "user " + caller.user + " is a driver: only operators see every settlement"));
    return;
  }
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  for (const auto& s : all ? codes.all_settlements(anomalies) : codes.settlements_of(caller.user)) {
    write_settlement(w, s, all);
  }
  w.EndArray();
  respond(json_response(200, b.GetString()));
}

void HttpApi::list_security_events(const HttpRequest& request, const Responder& respond) {
  const auto cp = http::query_param(request.query, "charge_point_id");
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  for (const auto& e : csms_.offline_codes().security_events(cp && !cp->empty() ? cp : std::nullopt)) {
    w.StartObject();
    write_string(w, "charge_point_id", e.charge_point_id);
    write_string(w, "source", e.source);
    write_string(w, "type", e.type);
    write_string(w, "timestamp", e.timestamp);
    write_string(w, "tech_info", e.tech_info);
    write_string(w, "received_at", e.received_at);
    w.Key("received_count");
    w.Int64(e.received_count);
    w.EndObject();
  }
  w.EndArray();
  respond(json_response(200, b.GetString()));
}

}  // namespace ocpp::csms
