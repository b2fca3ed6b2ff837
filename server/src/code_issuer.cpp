// Issuing codes (docs/offline-code.md §2, §6, §9).
#include "ocpp/server/code_issuer.hpp"

#include <chrono>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/offline_code/code.hpp"
#include "ocpp/offline_code/fields.hpp"

namespace ocpp::server {
namespace {

IssueError error(IssueFailure f, std::string reason, std::string message, std::string field = {}) {
  IssueError e;
  e.failure = f;
  e.reason = std::move(reason);
  e.message = std::move(message);
  e.field = std::move(field);
  return e;
}

std::string rfc3339_of(std::int64_t unix_s) { return format_rfc3339(SystemTime{std::chrono::seconds{unix_s}}); }

}  // namespace

CodeIssuer::CodeIssuer(const offline_code::MasterSecret* master, std::string disabled_reason, KeyBook& keys,
                       CodeBook& codes, PileDirectory& piles, IssuerSettings settings, db::SqlConnection& db,
                       const Clock& clock)
    : master_(master),
      disabled_reason_(std::move(disabled_reason)),
      keys_(keys),
      codes_(codes),
      piles_(piles),
      settings_(settings),
      db_(db),
      clock_(clock) {}

std::variant<IssuedCode, IssueError> CodeIssuer::issue(const IssueRequest& req) {
  using offline_code::kMaxConnector;
  using offline_code::kMaxValidHours;
  if (master_ == nullptr) return error(IssueFailure::Disabled, "disabled", "offline codes are disabled: " + disabled_reason_);
  const auto pile = piles_.find(req.charge_point_id);
  if (!pile) {
    return error(IssueFailure::UnknownChargePoint, "unknown_charge_point",
                 "charge point " + req.charge_point_id + " is unknown (it never connected to this server)");
  }
  // §2: 3 bits of connector, 0 = any.
  if (req.connector_id < 0 || req.connector_id > kMaxConnector) {
    return error(IssueFailure::UnknownConnector, "unknown_connector",
                 "connector_id must be 0 (any connector) or 1.." + std::to_string(kMaxConnector), "connector_id");
  }
  if (pile->connectors > 0 && req.connector_id > pile->connectors) {
    return error(IssueFailure::UnknownConnector, "unknown_connector",
                 "charge point " + req.charge_point_id + " has connectors 1.." + std::to_string(pile->connectors) +
                     ", not " + std::to_string(req.connector_id),
                 "connector_id");
  }
  const int hours = req.valid_hours.value_or(settings_.default_valid_hours);
  if (hours < 1 || hours > static_cast<int>(kMaxValidHours)) {
    return error(IssueFailure::BadRequest, "bad_request",
                 "valid_hours must be 1.." + std::to_string(kMaxValidHours), "valid_hours");
  }
  std::uint8_t cap_step = 0;
  if (req.energy_cap_wh) {
    const auto step = *req.energy_cap_wh < 0 ? std::nullopt
                                             : offline_code::cap_step_at_most(static_cast<std::uint64_t>(*req.energy_cap_wh));
    if (!step) return error(IssueFailure::BadRequest, "bad_request", "energy_cap_wh must be at least 500", "energy_cap_wh");
    cap_step = *step;
  }
  if (!keys_.state(req.charge_point_id).codes_available()) {
    return error(IssueFailure::NoKey, "no_key",
                 "charge point " + req.charge_point_id + " has not confirmed an offline-code key yet");
  }
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.system_now().time_since_epoch()).count();
  const auto& limit = settings_.rate_limit;
  if (const auto wait = limit.retry_after(codes_.issue_times_after(req.user, limit.window_start(now)), now)) {
    IssueError e = error(IssueFailure::RateLimited, "rate_limited",
                         "at most " + std::to_string(limit.max_per_window()) + " codes an hour; try again in " +
                             std::to_string(*wait) + " s");
    e.retry_after_s = *wait;
    return e;
  }

  std::variant<IssuedCode, IssueError> out = error(IssueFailure::Exhausted, "exhausted", "");
  db_.transaction([&] {
    const auto allocation = keys_.allocate_serial(req.charge_point_id);
    if (const auto* refusal = std::get_if<SerialRefusal>(&allocation)) {
      out = *refusal == SerialRefusal::NoKey
                ? error(IssueFailure::NoKey, "no_key",
                        "charge point " + req.charge_point_id + " has not confirmed an offline-code key yet")
                : error(IssueFailure::Exhausted, "exhausted",
                        "every code of charge point " + req.charge_point_id +
                            "'s key is issued; codes come back when it takes its next key");
      return;
    }
    const auto& a = std::get<SerialAllocation>(allocation);
    offline_code::Fields f;
    f.key_version = a.key_version;
    f.serial = a.serial;
    f.expiry_hours = offline_code::expiry_hours_for(now, static_cast<unsigned>(hours));
    f.connector = static_cast<std::uint8_t>(req.connector_id);
    f.cap_step = cap_step;
    const auto key = offline_code::derive_pile_key(*master_, req.charge_point_id, a.key_version);
    IssuedCode issued;
    issued.cap_step = cap_step;
    issued.rotation_due = a.rotation_due;
    IssuedCodeRecord& r = issued.record;
    r.code = offline_code::encode(f, key, req.charge_point_id);
    r.charge_point_id = req.charge_point_id;
    r.connector_id = req.connector_id;
    r.key_version = a.key_version;
    r.serial = a.serial;
    r.user = req.user;
    r.issued_unix = now;
    r.issued_at = rfc3339_of(now);
    r.expires_unix = offline_code::expires_at(f);
    r.expires_at = rfc3339_of(r.expires_unix);
    if (const auto cap = offline_code::energy_cap_wh(cap_step)) r.energy_cap_wh = *cap;
    r.id = codes_.insert(r);
    out = std::move(issued);
  });
  if (const auto* issued = std::get_if<IssuedCode>(&out)) {
    const auto& r = issued->record;
    log::info("offline-code", "issued serial " + std::to_string(r.serial) + " of key version " +
                                  std::to_string(r.key_version) + " for " + r.charge_point_id + " connector " +
                                  std::to_string(r.connector_id) + " to " + r.user + ", valid until " + r.expires_at);
  }
  return out;
}

}  // namespace ocpp::server
