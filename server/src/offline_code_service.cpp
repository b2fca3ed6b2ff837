#include "ocpp/server/offline_code_service.hpp"

#include <chrono>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::server {

OfflineCodeService::OfflineCodeService(db::SqlConnection& db, const Clock& clock, PileDirectory& piles, PileLink& link,
                                       OfflineCodeOptions options)
    : clock_(clock),
      piles_(piles),
      options_(std::move(options)),
      keys_(db, clock),
      codes_(db),
      settlements_(db),
      events_(db, clock),
      recognizer_(options_.master ? &*options_.master : nullptr, keys_),
      authorizer_(codes_, recognizer_),
      throttle_(db, events_),
      issuer_(options_.master ? &*options_.master : nullptr, options_.disabled_reason, keys_, codes_, piles,
              IssuerSettings{options_.default_valid_hours, RateLimit(options_.rate_limit_per_hour)}, db, clock),
      settler_(codes_, settlements_, events_, recognizer_, options_.tariff, clock),
      provisioner_(options_.master ? &*options_.master : nullptr, keys_, link) {}

std::int64_t OfflineCodeService::now_unix() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.system_now().time_since_epoch()).count();
}

void OfflineCodeService::on_boot(const std::string& cp, ProtocolVersion version) {
  if (!enabled()) {
    log::debug("offline-code", cp + " booted; offline codes are disabled, no key provisioned");
    return;
  }
  provisioner_.start(cp, version);
}

std::variant<IssuedCode, IssueError> OfflineCodeService::issue(const IssueRequest& request) {
  auto out = issuer_.issue(request);
  if (const auto* issued = std::get_if<IssuedCode>(&out); issued && issued->rotation_due) {
    const auto pile = piles_.find(request.charge_point_id);
    if (pile && pile->connected) {
      provisioner_.provision_current(request.charge_point_id, pile->version);
    } else {
      log::info("offline-code", request.charge_point_id + " gets its next key version at its next boot");
    }
  }
  return out;
}

std::optional<CodeAuthorization> OfflineCodeService::authorize(const std::string& cp, const std::string& tag) {
  // §8.4: the pile sends what its keypad got without judging it, so this is where guesses are braked.
  if (!CodeRecognizer::shaped_like_code(cp, tag)) return std::nullopt;  // an RFID tag, or a typo
  AuthorizationContext ctx;
  ctx.at_unix = now_unix();
  ctx.at = format_rfc3339(clock_.system_now());
  // Locked: refused unjudged, as a wrong code is, so that the answer tells nothing about this one.
  if (!throttle_.open(cp, ctx.at_unix)) return CodeAuthorization{"Invalid", std::nullopt, "locked", false};
  auto decision = authorizer_.decide(cp, tag, ctx);
  if (decision && decision->issued_here) {
    if (decision->status == "Accepted") throttle_.record_success(cp, ctx.at_unix);
  } else {
    throttle_.record_failure(cp, ctx.at_unix, ctx.at);
  }
  return decision;
}

std::optional<CodeAuthorization> OfflineCodeService::on_transaction_started(const std::string& cp,
                                                                            const std::string& transaction_id,
                                                                            int connector_id, const std::string& tag,
                                                                            const std::string& started_at) {
  AuthorizationContext ctx;
  ctx.connector = connector_id;
  ctx.transaction_id = transaction_id;
  const auto started = parse_rfc3339(started_at);
  ctx.at_unix = started ? std::chrono::duration_cast<std::chrono::seconds>(started->time_since_epoch()).count()
                        : now_unix();
  ctx.at = started ? started_at : format_rfc3339(clock_.system_now());
  return authorizer_.decide(cp, tag, ctx);
}

std::optional<SettleOutcome> OfflineCodeService::on_transaction_ended(const EndedTransaction& transaction) {
  return settler_.on_transaction_ended(transaction);
}

void OfflineCodeService::on_security_event(const std::string& cp, const std::string& type,
                                           const std::string& timestamp, const std::string& tech_info) {
  events_.record(cp, kSourceChargePoint, type, timestamp, tech_info);
}

}  // namespace ocpp::server
