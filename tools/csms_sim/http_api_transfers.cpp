// The HTTP API's firmware, log and certificate requests (issue 13, docs/reference-csms.md
// "Firmware, logs and certificates"): each builds the request of the charge point's version with
// the typed messages, sends it, and answers with what the charge point said.
#include "http_api.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/v16/messages.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::csms {

using http::error;
using http::json_response;
using http::Writer;

namespace {

// The JSON object of a request's body, or nullopt once answered 400.
std::optional<rapidjson::Document> object_body(const HttpRequest& request, const Responder& respond) {
  rapidjson::Document body;
  if (request.body.empty()) {
    body.SetObject();
    return body;
  }
  if (const auto bad = parse_json(body, request.body)) {
    respond(error(400, "body is " + bad->message()));
    return std::nullopt;
  }
  if (!body.IsObject()) {
    respond(error(400, "body must be a JSON object"));
    return std::nullopt;
  }
  return body;
}

// The optional fields the requests share, read and checked; `why` names the first bad one.
struct Common {
  std::optional<int> retries, retry_interval;
  std::optional<DateTime> retrieve_date, install_date, oldest, latest;
};

bool read_int(const rapidjson::Value& body, const char* key, std::optional<int>& out, std::string* why) {
  if (!body.HasMember(key)) return true;
  if (!body[key].IsInt() || body[key].GetInt() < 0) {
    *why = std::string(key) + " must be a whole number of 0 or more";
    return false;
  }
  out = body[key].GetInt();
  return true;
}

bool read_time(const rapidjson::Value& body, const char* key, std::optional<DateTime>& out, std::string* why) {
  if (!body.HasMember(key)) return true;
  const auto t = body[key].IsString() ? parse_rfc3339(body[key].GetString()) : std::nullopt;
  if (!t) {
    *why = std::string(key) + " must be an RFC 3339 date-time such as 2026-12-07T12:00:00Z";
    return false;
  }
  out = DateTime(*t);
  return true;
}

std::optional<Common> read_common(const rapidjson::Value& body, std::string* why) {
  Common c;
  if (!read_int(body, "retries", c.retries, why) || !read_int(body, "retry_interval", c.retry_interval, why) ||
      !read_time(body, "retrieve_date", c.retrieve_date, why) || !read_time(body, "install_date", c.install_date, why) ||
      !read_time(body, "oldest", c.oldest, why) || !read_time(body, "latest", c.latest, why)) {
    return std::nullopt;
  }
  return c;
}

std::string string_field(const rapidjson::Value& body, const char* key) {
  return body.HasMember(key) && body[key].IsString() ? body[key].GetString() : std::string();
}


// {"action", "request_id", ..., "response": the charge point's payload}.
ResultShaper answer_with(std::string action, std::optional<int> request_id,
                                  std::vector<std::pair<std::string, std::string>> fields) {
  return [action = std::move(action), request_id, fields = std::move(fields)](const rapidjson::Value& payload) {
    rapidjson::StringBuffer b;
    Writer w(b);
    w.StartObject();
    http::write_string(w, "action", action);
    w.Key("request_id");
    if (request_id) w.Int(*request_id); else w.Null();
    for (const auto& [key, value] : fields) http::write_string(w, key.c_str(), value);
    w.Key("response");
    payload.Accept(w);
    w.EndObject();
    return json_response(200, b.GetString());
  };
}

template <class Request>
rapidjson::Document to_document(const Request& request) {
  rapidjson::Document d;
  to_json(request, d, d.GetAllocator());
  return d;
}

// FirmwareType of the Whitepaper and of 2.0.1 (the same fields; 1.6's signature ones are required).
template <class Firmware>
Firmware firmware_of(const std::string& location, const Common& c, const FirmwareSigner* signer,
                     const std::string& signature) {
  Firmware f;
  f.location = location;
  f.retrieveDateTime = c.retrieve_date.value_or(DateTime::now());
  f.installDateTime = c.install_date;
  if (signer != nullptr) {
    f.signingCertificate = signer->certificate_pem();
    f.signature = signature;
  }
  return f;
}

}  // namespace

void HttpApi::public_file(const HttpRequest& request, const Responder& respond) {
  if (request.path.rfind("/firmware/", 0) == 0 && request.method == "GET") {
    respond(csms_.transfers().serve_firmware(request));
    return;
  }
  // Uploads come as PUT or POST (taken by the upload sink); operators read them through the API.
  respond(error(405, request.path.rfind("/firmware/", 0) == 0 ? "use GET" : "use PUT or POST"));
}

bool HttpApi::transfer_route(const std::string& rest, const HttpRequest& request, const Responder& respond) {
  const auto slash = rest.find('/');
  if (slash == std::string::npos) return false;
  const std::string id = rest.substr(0, slash);
  const std::string op = rest.substr(slash);
  const bool post = request.method == "POST";
  if (op == "/update-firmware" && post) {
    update_firmware(id, request, respond);
  } else if (op == "/get-log" && post) {
    get_log(id, request, respond);
  } else if (op == "/install-certificate" && post) {
    install_certificate(id, request, respond);
  } else if (op == "/sign-certificate" && post) {
    sign_certificate(id, respond);
  } else if (op == "/uploads" && request.method == "GET") {
    list_uploads(id, respond);
  } else if (op.rfind("/uploads/", 0) == 0 && request.method == "GET") {
    const std::string file = op.substr(std::string("/uploads/").size());
    const auto at = file.find('/');
    respond(at == std::string::npos ? error(404, "no such upload")
                                    : csms_.transfers().serve_upload(id, file.substr(0, at), file.substr(at + 1)));
  } else if (op == "/update-firmware" || op == "/get-log" || op == "/install-certificate" || op == "/sign-certificate") {
    respond(error(405, "use POST"));
  } else {
    return false;
  }
  return true;
}

void HttpApi::send(const std::string& id, const std::string& action, rapidjson::Document payload,
                   const Responder& respond, ResultShaper on_result, std::function<void()> on_failure) {
  log::info("http", "operator sends " + action + " to " + id);
  const bool sent = csms_.call(id, action, std::move(payload), [=](rpc::CallOutcome& o) {
    if (o.status != rpc::CallOutcome::Status::Result && on_failure) on_failure();
    respond(outcome_response(action, o, on_result));
  });
  if (!sent) {
    if (on_failure) on_failure();
    respond(error(404, "charge point " + id + " is not connected"));
  }
}

// 1.6 UpdateFirmware (§5.19), Whitepaper SignedUpdateFirmware (§3), 2.0.1 UpdateFirmware (L01).
void HttpApi::update_firmware(const std::string& id, const HttpRequest& request, const Responder& respond) {
  const auto body = object_body(request, respond);
  if (!body) return;
  std::string why;
  const auto common = read_common(*body, &why);
  const std::string file = string_field(*body, "file");
  if (!common || file.empty() || (body->HasMember("signed") && !(*body)["signed"].IsBool())) {
    respond(error(400, !common ? why : file.empty() ? "file must name a file of the files folder" : "signed must be true or false"));
    return;
  }
  const FirmwareSigner* signer = csms_.firmware_signer();
  const bool sign = body->HasMember("signed") ? (*body)["signed"].GetBool() : signer != nullptr;
  const std::string version = csms_.connected_version(id);
  const auto path = csms_.transfers().firmware_path(file, &why);
  if (version.empty()) return respond(error(404, "charge point " + id + " is not connected"));
  if (!path) return respond(error(404, why));
  if (sign && signer == nullptr) return respond(error(409, "no --firmware-signing-key given: only unsigned updates"));
  if (version == "1.6" && !sign && common->install_date) {
    return respond(error(400, "install_date needs a signed update on 1.6 (UpdateFirmware has none)"));
  }
  // Signed on the loop: a lab's image hashes in a fraction of a second.
  const std::string signature = sign ? signer->sign_file(*path) : std::string();
  const std::string location = csms_.transfers().firmware_url(file);
  const FirmwareSigner* used = sign ? signer : nullptr;
  std::optional<int> request_id;
  rapidjson::Document payload;
  std::string action = "UpdateFirmware";
  if (version == "1.6" && !sign) {
    v16::UpdateFirmwareRequest req;
    req.location = location;
    req.retrieveDate = common->retrieve_date.value_or(DateTime::now());
    req.retries = common->retries;
    req.retryInterval = common->retry_interval;
    payload = to_document(req);
  } else if (version == "1.6") {
    v16::SignedUpdateFirmwareRequest req;
    req.requestId = *(request_id = csms_.next_request_id());
    req.firmware = firmware_of<v16::FirmwareType>(location, *common, used, signature);
    req.retries = common->retries;
    req.retryInterval = common->retry_interval;
    payload = to_document(req);
    action = "SignedUpdateFirmware";
  } else {
    v201::UpdateFirmwareRequest req;
    req.requestId = *(request_id = csms_.next_request_id());
    req.firmware = firmware_of<v201::FirmwareType>(location, *common, used, signature);
    req.retries = common->retries;
    req.retryInterval = common->retry_interval;
    payload = to_document(req);
  }
  send(id, action, std::move(payload), respond,
       answer_with(action, request_id, {{"location", location}, {"signature", signature}}));
}

// 1.6 GetDiagnostics (§5.9), Whitepaper GetLog (§4), 2.0.1 GetLog (N01), to a new upload location.
void HttpApi::get_log(const std::string& id, const HttpRequest& request, const Responder& respond) {
  const auto body = object_body(request, respond);
  if (!body) return;
  std::string why;
  const auto common = read_common(*body, &why);
  if (!common) return respond(error(400, why));
  const std::string log_type = body->HasMember("log_type") ? string_field(*body, "log_type") : "DiagnosticsLog";
  if (log_type != "DiagnosticsLog" && log_type != "SecurityLog") {
    return respond(error(400, "log_type must be DiagnosticsLog or SecurityLog"));
  }
  const std::string version = csms_.connected_version(id);
  if (version.empty()) return respond(error(404, "charge point " + id + " is not connected"));
  std::string action = string_field(*body, "action");
  if (action.empty()) action = version == "1.6" && log_type == "DiagnosticsLog" ? "GetDiagnostics" : "GetLog";
  if ((action != "GetLog" && action != "GetDiagnostics") || (action == "GetDiagnostics" && version != "1.6") ||
      (action == "GetDiagnostics" && log_type != "DiagnosticsLog")) {
    return respond(error(400, "action must be GetLog, or GetDiagnostics for a 1.6 DiagnosticsLog"));
  }
  std::string token;
  const std::string location = csms_.transfers().new_upload_location(id, &token);
  Transfers* transfers = &csms_.transfers();
  std::optional<int> request_id;
  rapidjson::Document payload;
  if (action == "GetDiagnostics") {
    v16::GetDiagnosticsRequest req;
    req.location = location;
    req.retries = common->retries;
    req.retryInterval = common->retry_interval;
    req.startTime = common->oldest;
    req.stopTime = common->latest;
    payload = to_document(req);
  } else if (version == "1.6") {
    v16::GetLogRequest req;
    req.requestId = *(request_id = csms_.next_request_id());
    v16::from_string(log_type, req.logType);
    req.log.remoteLocation = location;
    req.log.oldestTimestamp = common->oldest;
    req.log.latestTimestamp = common->latest;
    req.retries = common->retries;
    req.retryInterval = common->retry_interval;
    payload = to_document(req);
  } else {
    v201::GetLogRequest req;
    req.requestId = *(request_id = csms_.next_request_id());
    v201::from_string(log_type, req.logType);
    req.log.remoteLocation = location;
    req.log.oldestTimestamp = common->oldest;
    req.log.latestTimestamp = common->latest;
    req.retries = common->retries;
    req.retryInterval = common->retry_interval;
    payload = to_document(req);
  }
  auto shape = answer_with(action, request_id, {{"location", location}, {"token", token}});
  // A refused request (or GetDiagnostics without a file name: nothing to send) gets no upload.
  send(id, action, std::move(payload), respond,
       [shape, transfers, token](const rapidjson::Value& response) {
         const bool refused = response.HasMember("status") ? std::string(response["status"].GetString()) == "Rejected"
                                                           : !response.HasMember("fileName");
         if (refused) transfers->drop_upload_location(token);
         return shape(response);
       },
       [transfers, token] { transfers->drop_upload_location(token); });
}

void HttpApi::list_uploads(const std::string& id, const Responder& respond) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  for (const auto& u : csms_.transfers().uploads(id)) {
    w.StartObject();
    http::write_string(w, "token", u.token);
    http::write_string(w, "name", u.name);
    w.Key("size");
    w.Uint64(u.size);
    http::write_string(w, "received_at", u.modified_at);
    http::write_string(w, "url", "/api/charge-points/" + transport::percent_encode(id) + "/uploads/" + u.token + "/" +
                                     transport::percent_encode(u.name));
    w.EndObject();
  }
  w.EndArray();
  respond(json_response(200, b.GetString()));
}

void HttpApi::list_firmware(const Responder& respond) {
  rapidjson::StringBuffer b;
  Writer w(b);
  w.StartArray();
  for (const auto& f : csms_.transfers().firmware_files()) {
    w.StartObject();
    http::write_string(w, "name", f.name);
    w.Key("size");
    w.Uint64(f.size);
    http::write_string(w, "modified_at", f.modified_at);
    http::write_string(w, "url", csms_.transfers().firmware_url(f.name));
    w.EndObject();
  }
  w.EndArray();
  respond(json_response(200, b.GetString()));
}

// Whitepaper §2.5 / 2.0.1 M05: a root certificate for the charge point to trust.
void HttpApi::install_certificate(const std::string& id, const HttpRequest& request, const Responder& respond) {
  const auto body = object_body(request, respond);
  if (!body) return;
  std::string use = string_field(*body, "use");
  const std::string pem = string_field(*body, "pem");
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return respond(error(400, "pem must hold a PEM certificate"));
  }
  const std::string version = csms_.connected_version(id);
  if (version.empty()) return respond(error(404, "charge point " + id + " is not connected"));
  rapidjson::Document payload;
  try {
    if (version == "1.6") {
      if (use == "CSMSRootCertificate") use = "CentralSystemRootCertificate";
      v16::InstallCertificateRequest req;
      if (!v16::from_string(use, req.certificateType)) {
        return respond(error(400, "use must be CentralSystemRootCertificate or ManufacturerRootCertificate on 1.6"));
      }
      req.certificate = pem;
      payload = to_document(req);
    } else {
      if (use == "CentralSystemRootCertificate") use = "CSMSRootCertificate";
      v201::InstallCertificateRequest req;
      if (!v201::from_string(use, req.certificateType)) {
        return respond(error(400, "use must be CSMSRootCertificate, ManufacturerRootCertificate, V2GRootCertificate "
                                  "or MORootCertificate"));
      }
      req.certificate = pem;
      payload = to_document(req);
    }
  } catch (const std::length_error& e) {
    return respond(error(400, std::string("pem: ") + e.what()));
  }
  send(id, "InstallCertificate", std::move(payload), respond, {});
}

// Whitepaper §2.2 ExtendedTriggerMessage / 2.0.1 A02 TriggerMessage: the pile makes a key pair
// and sends SignCertificate, which the CA signs (handlers_transfers.cpp).
void HttpApi::sign_certificate(const std::string& id, const Responder& respond) {
  const std::string version = csms_.connected_version(id);
  if (version.empty()) return respond(error(404, "charge point " + id + " is not connected"));
  if (version == "1.6") {
    v16::ExtendedTriggerMessageRequest req;
    req.requestedMessage = v16::MessageTriggerEnumType::SignChargePointCertificate;
    send(id, "ExtendedTriggerMessage", to_document(req), respond, {});
  } else {
    v201::TriggerMessageRequest req;
    req.requestedMessage = v201::MessageTriggerEnumType::SignChargingStationCertificate;
    send(id, "TriggerMessage", to_document(req), respond, {});
  }
}

// "operations" of GET /api/charge-points/ID: what the pile reported, oldest first.
void HttpApi::write_operations(Writer& w, const std::string& id) {
  using Kind = OperationBoard::Kind;
  w.Key("operations");
  w.StartObject();
  for (const auto& [key, kind] : {std::pair<const char*, Kind>{"firmware", Kind::Firmware}, {"log", Kind::Log},
                                  {"certificate", Kind::Certificate}}) {
    w.Key(key);
    w.StartArray();
    for (const auto& s : csms_.operations().history(id, kind)) {
      w.StartObject();
      http::write_string(w, "status", s.status);
      w.Key("request_id");
      if (s.request_id) w.Int(*s.request_id); else w.Null();
      http::write_string(w, "at", s.at);
      if (!s.detail.empty()) http::write_string(w, "detail", s.detail);
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
}

}  // namespace ocpp::csms
