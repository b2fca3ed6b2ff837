#include "ocpp/server/code_authorizer.hpp"

#include "ocpp/common/log.hpp"

namespace ocpp::server {
namespace {

CodeAuthorization refuse(const char* status, const char* reason) {
  return CodeAuthorization{status, std::nullopt, reason, false};
}

// The verdict on a code this server issued for the pile.
CodeAuthorization issued(const char* status, std::optional<std::string> expiry, const char* reason) {
  return CodeAuthorization{status, std::move(expiry), reason, true};
}

}  // namespace

std::optional<CodeAuthorization> CodeAuthorizer::decide(const std::string& cp, const std::string& tag,
                                                        const AuthorizationContext& ctx) {
  const auto record = codes_.find(cp, tag);
  if (!record) {
    if (!CodeRecognizer::shaped_like_code(cp, tag)) return std::nullopt;
    // §8.4: whatever the server did not issue for this pile is refused with one answer. Were a
    // genuine code answered otherwise than a wrong one, each online try would test a MAC for free.
    if (!codes_.find_for_other_piles(tag, cp).empty()) {
      log::warn("offline-code", "charge point " + cp + " presented a code issued for another pile: refused");
      return refuse("Invalid", "other_pile");
    }
    if (recognizer_.genuine(cp, tag, ctx.connector.value_or(0), ctx.at_unix)) {
      // §8.3: a genuine code the server never issued: the pile's key was read out, or records were lost.
      log::error("security", "charge point " + cp + " presented a genuine offline code that this server never "
                             "issued: its key may have leaked; rotate it");
      return refuse("Invalid", "never_issued");
    }
    return refuse("Invalid", "not_issued");
  }
  // A genuine code, but not for this connector (only known when the transaction starts).
  if (ctx.connector && record->connector_id != 0 && record->connector_id != *ctx.connector) {
    return issued("Invalid", std::nullopt, "wrong_connector");
  }
  // Single use (§6): the transaction that used it may hear its acceptance again (a replayed start);
  // any other use is refused.
  if (record->transaction_id && (!ctx.transaction_id || *ctx.transaction_id != *record->transaction_id)) {
    return issued("Blocked", std::nullopt, "already_used");
  }
  // §5 step 9 with the synced tolerance. A replayed start is judged at its own time, so a session
  // that began while the code was valid is not refused because the link came back later.
  if (ctx.at_unix >= record->expires_unix + kExpiryToleranceS) return issued("Expired", record->expires_at, "expired");
  if (ctx.transaction_id && !codes_.bind_transaction(record->id, *ctx.transaction_id, ctx.at)) {
    return issued("Blocked", std::nullopt, "already_used");
  }
  return issued("Accepted", record->expires_at, "accepted");
}

}  // namespace ocpp::server
