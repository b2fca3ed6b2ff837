// Key provisioning over OCPP 1.6 and 2.0.1 (docs/offline-code.md §3.2, §3.3, §6).
#include "ocpp/server/key_provisioner.hpp"

#include <limits>

#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::server {
namespace {

constexpr const char* kKeyVersionKey16 = "OfflineCodeKeyVersion";
constexpr const char* kKeyKey16 = "OfflineCodeKey";
constexpr const char* kComponent201 = "OfflineCodeCtrlr";
constexpr const char* kKeyVersionVariable201 = "KeyVersion";
constexpr const char* kKeyVariable201 = "Key";

using Allocator = rapidjson::Document::AllocatorType;

rapidjson::Value str(const std::string& s, Allocator& a) { return rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); }

rapidjson::Value component_variable(const char* variable, Allocator& a) {
  rapidjson::Value item(rapidjson::kObjectType);
  rapidjson::Value component(rapidjson::kObjectType), var(rapidjson::kObjectType);
  component.AddMember("name", rapidjson::StringRef(kComponent201), a);
  var.AddMember("name", rapidjson::StringRef(variable), a);
  item.AddMember("component", component, a);
  item.AddMember("variable", var, a);
  return item;
}

// Decimal, 0..2^32-2 (the server must be able to go one above it).
std::optional<std::uint32_t> parse_version(const std::string& text) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v >= std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
  return static_cast<std::uint32_t>(v);
}

ReportedVersion from_text(const std::string& value) {
  ReportedVersion r;
  r.version = parse_version(value);
  if (!r.version) r.problem = "key version \"" + value + "\" is not a number";
  return r;
}

const char* step_name(ProtocolVersion v, bool read) {
  if (v == ProtocolVersion::v16) return read ? "GetConfiguration(OfflineCodeKeyVersion)" : "ChangeConfiguration(OfflineCodeKey)";
  return read ? "GetVariables(OfflineCodeCtrlr.KeyVersion)" : "SetVariables(OfflineCodeCtrlr.Key)";
}

std::string failure_text(const rpc::CallOutcome& o) {
  std::string s(rpc::to_string(o.status));
  if (!o.error_code.empty()) s += " " + o.error_code;
  if (!o.error_description.empty()) s += " (" + o.error_description + ")";
  return s;
}

}  // namespace

ReportedVersion parse_key_version_answer(ProtocolVersion version, const rapidjson::Value& p) {
  ReportedVersion r;
  if (version == ProtocolVersion::v16) {
    // 1.6 §6.13 GetConfiguration.conf: the key is listed with its value, or named in unknownKey.
    if (p.HasMember("configurationKey") && p["configurationKey"].IsArray()) {
      for (const auto& k : p["configurationKey"].GetArray()) {
        if (!k.IsObject() || !k.HasMember("key") || !k["key"].IsString() || k["key"].GetString() != std::string(kKeyVersionKey16)) continue;
        if (!k.HasMember("value") || !k["value"].IsString()) {
          r.problem = std::string(kKeyVersionKey16) + " is listed without a value";
          return r;
        }
        return from_text(k["value"].GetString());
      }
    }
    r.unsupported = true;
    r.problem = std::string("the charge point does not know the configuration key ") + kKeyVersionKey16;
    return r;
  }
  // 2.0.1 B06 GetVariables: one result per requested variable.
  if (!p.HasMember("getVariableResult") || !p["getVariableResult"].IsArray() || p["getVariableResult"].Empty()) {
    r.problem = "GetVariables answered without a result";
    return r;
  }
  const auto& res = p["getVariableResult"][0];
  const std::string status = res.HasMember("attributeStatus") && res["attributeStatus"].IsString() ? res["attributeStatus"].GetString() : "";
  if (status == "Accepted") {
    if (!res.HasMember("attributeValue") || !res["attributeValue"].IsString()) {
      r.problem = "OfflineCodeCtrlr.KeyVersion has no value";
      return r;
    }
    return from_text(res["attributeValue"].GetString());
  }
  if (status == "UnknownComponent" || status == "UnknownVariable" || status == "NotSupportedAttributeType") {
    r.unsupported = true;
    r.problem = "the charging station answers " + status + " for OfflineCodeCtrlr.KeyVersion";
    return r;
  }
  r.problem = "the charging station answers " + status + " for OfflineCodeCtrlr.KeyVersion";
  return r;
}

KeyProvisioner::KeyProvisioner(const offline_code::MasterSecret* master, KeyBook& keys, PileLink& link)
    : master_(master), keys_(keys), link_(link) {}

KeyProvisioner::~KeyProvisioner() { *alive_ = false; }

bool KeyProvisioner::current(const std::string& cp, std::uint64_t generation) const {
  const auto it = generation_.find(cp);
  return it != generation_.end() && it->second == generation;
}

void KeyProvisioner::start(const std::string& cp, ProtocolVersion version) {
  if (master_ == nullptr) return;
  const std::uint64_t generation = ++generation_[cp];
  rapidjson::Document payload(rapidjson::kObjectType);
  auto& a = payload.GetAllocator();
  if (version == ProtocolVersion::v16) {
    rapidjson::Value keys(rapidjson::kArrayType);
    keys.PushBack(rapidjson::StringRef(kKeyVersionKey16), a);
    payload.AddMember("key", keys, a);
  } else {
    rapidjson::Value data(rapidjson::kArrayType);
    data.PushBack(component_variable(kKeyVersionVariable201, a), a);
    payload.AddMember("getVariableData", data, a);
  }
  const auto alive = alive_;
  const bool sent = link_.call(cp, version == ProtocolVersion::v16 ? "GetConfiguration" : "GetVariables",
                               std::move(payload), [this, alive, cp, version, generation](rpc::CallOutcome& o) {
                                 if (*alive) on_version_answer(cp, version, generation, o);
                               });
  if (!sent) log::info("offline-code", cp + " disconnected before its key version could be read");
}

void KeyProvisioner::on_version_answer(const std::string& cp, ProtocolVersion version, std::uint64_t generation,
                                       rpc::CallOutcome& o) {
  if (!current(cp, generation)) return;
  if (!o.ok()) {
    log::warn("offline-code", cp + ": " + step_name(version, true) + " failed: " + failure_text(o) +
                                  "; offline codes stay as they were until its next boot");
    keys_.set_status(cp, std::string(step_name(version, true)) + " failed: " + failure_text(o));
    return;
  }
  const ReportedVersion reported = parse_key_version_answer(version, o.payload);
  if (reported.unsupported) {
    log::info("offline-code", cp + " does not support offline codes (" + reported.problem + "): skipped");
    keys_.on_unsupported(cp, "not supported: " + reported.problem);
    return;
  }
  if (!reported.version) {
    log::warn("offline-code", cp + ": unusable answer to " + step_name(version, true) + ": " + reported.problem);
    keys_.set_status(cp, "unusable key version answer: " + reported.problem);
    return;
  }
  const KeyDecision d = keys_.on_reported_version(cp, *reported.version);
  log::info("offline-code", cp + ": " + d.reason);
  if (d.provision) send_key(cp, version, generation, d.version);
}

void KeyProvisioner::provision_current(const std::string& cp, ProtocolVersion version) {
  if (master_ == nullptr) return;
  const std::uint64_t generation = ++generation_[cp];
  send_key(cp, version, generation, keys_.state(cp).current_version);
}

void KeyProvisioner::send_key(const std::string& cp, ProtocolVersion version, std::uint64_t generation,
                              std::uint32_t key_version) {
  // §3.3: "V:HEX:CHECK", the check value bound to the id this server derived the key for, so a pile
  // with another id refuses it instead of failing every code. The value is a secret: it goes into
  // this one CALL and nowhere else.
  const std::string spec = offline_code::format_key_spec(offline_code::derive_pile_key(*master_, cp, key_version), cp);
  rapidjson::Document payload(rapidjson::kObjectType);
  auto& a = payload.GetAllocator();
  if (version == ProtocolVersion::v16) {
    payload.AddMember("key", rapidjson::StringRef(kKeyKey16), a);
    payload.AddMember("value", str(spec, a), a);
  } else {
    rapidjson::Value item = component_variable(kKeyVariable201, a);
    item.AddMember("attributeValue", str(spec, a), a);
    rapidjson::Value data(rapidjson::kArrayType);
    data.PushBack(item, a);
    payload.AddMember("setVariableData", data, a);
  }
  log::info("offline-code", cp + ": sending key version " + std::to_string(key_version));
  const auto alive = alive_;
  const bool sent = link_.call(cp, version == ProtocolVersion::v16 ? "ChangeConfiguration" : "SetVariables",
                               std::move(payload),
                               [this, alive, cp, generation, key_version, version](rpc::CallOutcome& o) {
                                 if (*alive) on_key_answer(cp, generation, key_version, o, version);
                               });
  if (!sent) log::info("offline-code", cp + " disconnected before its key could be sent; retried at its next boot");
}

void KeyProvisioner::on_key_answer(const std::string& cp, std::uint64_t generation, std::uint32_t key_version,
                                   rpc::CallOutcome& o, ProtocolVersion version) {
  if (!current(cp, generation)) return;
  if (!o.ok()) {
    log::warn("offline-code", cp + ": " + step_name(version, false) + " failed: " + failure_text(o) +
                                  "; retried at its next boot");
    keys_.set_status(cp, std::string(step_name(version, false)) + " failed: " + failure_text(o));
    return;
  }
  std::string status;
  if (version == ProtocolVersion::v16) {
    if (o.payload.HasMember("status") && o.payload["status"].IsString()) status = o.payload["status"].GetString();
  } else if (o.payload.HasMember("setVariableResult") && o.payload["setVariableResult"].IsArray() &&
             !o.payload["setVariableResult"].Empty()) {
    const auto& r = o.payload["setVariableResult"][0];
    if (r.HasMember("attributeStatus") && r["attributeStatus"].IsString()) status = r["attributeStatus"].GetString();
  }
  if (status == "Accepted") {
    keys_.on_accepted(cp, key_version);
    log::info("offline-code", cp + " accepted key version " + std::to_string(key_version) + ": codes can be issued");
    return;
  }
  if (status == "RebootRequired") {
    // The pile takes the key at its next start; that boot's key-version read confirms it.
    keys_.set_status(cp, "key version " + std::to_string(key_version) + " waits for the pile's reboot");
    log::info("offline-code", cp + " takes key version " + std::to_string(key_version) + " at its next reboot");
    return;
  }
  if (status == "NotSupported" || status == "UnknownComponent" || status == "UnknownVariable") {
    keys_.on_unsupported(cp, "not supported: the pile answers " + status + " to the key");
    log::info("offline-code", cp + " answers " + status + " to the offline-code key: it does not support codes");
    return;
  }
  keys_.set_status(cp, "key version " + std::to_string(key_version) + " refused (" + status + ")");
  log::warn("offline-code",
            cp + " refused offline-code key version " + std::to_string(key_version) + " (" + status +
                "). Most likely the link has no TLS: a pile on security profile 0 or 1 refuses the key unless its "
                "configuration sets offline_code.allow_plaintext_key_provisioning. Or the pile's own charge point id "
                "is not \"" + cp + "\", the id the key and its check value were made for (docs/offline-code.md "
                "§3.3; the pile logs which). No codes can be issued for it");
}

}  // namespace ocpp::server
