// The authorization chain. What happens when an identifier is presented:
//
// Online (1.6 §3.5; §9.1 LocalPreAuthorize):
//   1. LocalPreAuthorize and the identifier is Accepted in the local list, or (RFID only) in the
//      cache when the list does not know it: accept at once, no Authorize round trip.
//   2. Otherwise send Authorize. An answer decides (Csms); it goes to the cache unless the
//      identifier is in the local list (§3.5.3), where a disagreement is a LocalListConflict.
//   3. No answer (timeout, link lost, CALLERROR): decide as if offline.
// Offline (1.6 §3.5.1-§3.5.4; §9.1 LocalAuthorizeOffline, AllowOfflineTxForUnknownId):
//   4. An entry in the local list or, when the list does not know the identifier, (RFID only) in
//      the cache: not Accepted (Blocked, Invalid, Expired, or Accepted but past its expiry) ->
//      refused, whatever AllowOfflineTxForUnknownId says (§3.5.4). Accepted -> accepted when
//      LocalAuthorizeOffline is true; when it is false the entry does not authorize and the
//      identifier goes on as an unknown one.
//   5. A keypad code goes to the OfflineCodeVerifier, if one is plugged in: it accepts (OfflineCode),
//      refuses, or says the input is not a code at all, which goes on to step 6.
//   6. Unknown: AllowOfflineTxForUnknownId -> accepted, flagged unverified (OfflineUnknownAllowed);
//      otherwise refused.
//
// Keypad identifiers are never cached. An offline code is single use; a cached Accepted would let the
// same code start another session offline without the verifier's single-use check.
#include "ocpp/cp/authorizer.hpp"

#include <utility>

#include "ocpp/common/log.hpp"

namespace ocpp::cp {
namespace {

AuthorizationDecision make_decision(bool accepted, AuthorizationSource source, IdTagInfo info, std::string reason) {
  AuthorizationDecision d;
  d.accepted = accepted;
  d.source = source;
  d.info = std::move(info);
  d.reason = std::move(reason);
  return d;
}

IdTagInfo with_status(AuthorizationStatus status) {
  IdTagInfo info;
  info.status = status;
  return info;
}

std::string where(AuthorizationSource source) {
  return source == AuthorizationSource::LocalList ? "the local list" : "the authorization cache";
}

// Typed codes are secrets until used: the log shows only their last digits.
std::string loggable(const AuthorizationRequest& r) {
  if (r.source == IdentifierSource::Rfid) return "id tag " + r.identifier;
  const std::size_t shown = r.identifier.size() > 4 ? 4 : r.identifier.size() / 2;
  return "code *" + r.identifier.substr(r.identifier.size() - shown);
}

}  // namespace

std::string_view to_string(IdentifierSource s) { return s == IdentifierSource::Rfid ? "Rfid" : "Keypad"; }

std::string_view to_string(AuthorizationSource s) {
  switch (s) {
    case AuthorizationSource::LocalList: return "LocalList";
    case AuthorizationSource::Cache: return "Cache";
    case AuthorizationSource::Csms: return "Csms";
    case AuthorizationSource::OfflineUnknownAllowed: return "OfflineUnknownAllowed";
    case AuthorizationSource::OfflineCode: return "OfflineCode";
    case AuthorizationSource::None: return "None";
  }
  return "?";
}

Authorizer::Authorizer(LocalAuthList& list, AuthCache& cache, CsmsAuthorize& csms, const Clock& clock,
                       AuthorizerOptions options, OfflineCodeVerifier* code_verifier)
    : list_(list), cache_(cache), csms_(csms), clock_(clock), options_(options), code_verifier_(code_verifier) {}

// Releasing alive_ turns every callback still held by the CSMS or the verifier into a no-op.
Authorizer::~Authorizer() = default;

void Authorizer::authorize(const AuthorizationRequest& request, Done done) {
  if (request.online) {
    // 1.6 §9.1 LocalPreAuthorize: online, start on a local Accepted without waiting for Authorize.conf.
    if (options_.local_pre_authorize) {
      if (auto local = pre_authorized(request)) {
        finish(request, *local, done);
        return;
      }
    }
    ask_csms(request, std::move(done));
    return;
  }
  decide_offline(request, /*link_up=*/false, std::move(done));
}

std::optional<AuthorizationDecision> Authorizer::pre_authorized(const AuthorizationRequest& request) {
  const SystemTime now = clock_.system_now();
  try {
    if (options_.local_auth_list_enabled) {
      if (auto entry = list_.lookup(request.identifier, now)) {
        // 1.6 §3.5.3: a listed identifier is decided by its list entry, never by the cache; one
        // that is not Accepted there is put to the CSMS, which has the last word online.
        if (entry->status != AuthorizationStatus::Accepted) return std::nullopt;
        return make_decision(true, AuthorizationSource::LocalList, *entry,
                             "Accepted in the local list (LocalPreAuthorize)");
      }
    }
    if (options_.authorization_cache_enabled && request.source == IdentifierSource::Rfid) {
      // 1.6 §3.5.1: only valid cache entries skip the round trip; not-valid ones go to Authorize.
      auto entry = cache_.lookup(request.identifier, now);
      if (entry && entry->status == AuthorizationStatus::Accepted) {
        return make_decision(true, AuthorizationSource::Cache, *entry,
                             "Accepted in the authorization cache (LocalPreAuthorize)");
      }
    }
  } catch (const db::DbError& e) {
    log::error("auth", std::string("local lookup failed, asking the CSMS: ") + e.what());
  }
  return std::nullopt;
}

void Authorizer::ask_csms(const AuthorizationRequest& request, Done done) {
  std::weak_ptr<bool> alive = alive_;
  auto answered = std::make_shared<bool>(false);
  const std::string token_type = request.source == IdentifierSource::Keypad ? "KeyCode" : "ISO14443";
  csms_.authorize_typed(request.identifier, token_type, [this, alive, answered, request,
                                                         done = std::move(done)](std::optional<IdTagInfo> answer) {
    // Once only, and never after the Authorizer is gone.
    if (alive.expired() || *answered) return;
    *answered = true;
    if (!answer) {
      // A CSMS that does not answer is no better than no CSMS: decide offline (1.6 §3.5).
      log::info("auth", "connector " + std::to_string(request.connector) + ": no Authorize answer for " +
                            loggable(request) + "; deciding offline");
      decide_offline(request, /*link_up=*/true, done);
      return;
    }
    auto d = make_decision(answer->status == AuthorizationStatus::Accepted, AuthorizationSource::Csms, *answer,
                      std::string(to_string(answer->status)) + " by the CSMS");
    // 1.6 §3.5.1: the Authorize.conf IdTagInfo updates the cache (or flags a local list conflict).
    d.local_list_conflict = on_csms_id_tag_info(request.identifier, *answer, request.source).local_list_conflict;
    // docs/offline-code.md §9: a code the CSMS accepted online is used up on the pile as well.
    if (d.accepted && request.source == IdentifierSource::Keypad && code_verifier_ != nullptr) {
      code_verifier_->used_online(request.connector, request.identifier);
    }
    finish(request, d, done);
  });
}

void Authorizer::decide_offline(const AuthorizationRequest& request, bool link_up, Done done) {
  const SystemTime now = clock_.system_now();
  const std::string context = link_up ? "the CSMS did not answer" : "offline";
  std::optional<IdTagInfo> known;
  auto source = AuthorizationSource::None;
  try {
    // 1.6 §3.5.3: the local list first; the cache is only asked about identifiers the list lacks.
    if (options_.local_auth_list_enabled) {
      known = list_.lookup(request.identifier, now);
      if (known) source = AuthorizationSource::LocalList;
    }
    if (!known && options_.authorization_cache_enabled && request.source == IdentifierSource::Rfid) {
      known = cache_.lookup(request.identifier, now);
      if (known) source = AuthorizationSource::Cache;
    }
  } catch (const db::DbError& e) {
    // Without the store no local entry can be read, and accepting as unknown could let a Blocked
    // identifier through (1.6 §3.5.4), so refuse.
    finish(request,
           make_decision(false, AuthorizationSource::None, with_status(AuthorizationStatus::Invalid),
                    context + " and the authorization store failed: " + e.what()),
           done);
    return;
  }

  if (known) {
    if (known->status != AuthorizationStatus::Accepted) {
      // 1.6 §3.5.4: identifiers not Accepted locally, and those expired by the passage of time,
      // MUST be rejected, even with AllowOfflineTxForUnknownId.
      finish(request,
             make_decision(false, source, *known,
                      std::string(to_string(known->status)) + " in " + where(source) + " (" + context + ")"),
             done);
      return;
    }
    if (options_.local_authorize_offline) {
      // 1.6 §9.1 LocalAuthorizeOffline: offline, start for identifiers authorized locally.
      finish(request, make_decision(true, source, *known, "Accepted in " + where(source) + " (" + context + ")"), done);
      return;
    }
  }

  if (request.source == IdentifierSource::Keypad && code_verifier_ != nullptr) {
    std::weak_ptr<bool> alive = alive_;
    auto answered = std::make_shared<bool>(false);
    code_verifier_->authorize_code(
        request.connector, request.identifier, link_up,
        [this, alive, answered, request, known, context, done](CodeVerdict verdict) {
          if (alive.expired() || *answered) return;
          *answered = true;
          switch (verdict.result) {
            case CodeVerdict::Result::Accepted: {
              IdTagInfo info = verdict.info;
              info.status = AuthorizationStatus::Accepted;
              auto d = make_decision(true, AuthorizationSource::OfflineCode, info,
                                     "offline code verified (" + context + ")");
              d.energy_cap_wh = verdict.energy_cap_wh;
              finish(request, d, done);
              return;
            }
            case CodeVerdict::Result::Rejected: {
              IdTagInfo info = verdict.info;
              if (info.status == AuthorizationStatus::Accepted) info.status = AuthorizationStatus::Invalid;
              auto d = make_decision(false, AuthorizationSource::OfflineCode, info,
                                     "offline code refused: " + verdict.reason);
              d.driver_message = verdict.reason;
              finish(request, d, done);
              return;
            }
            case CodeVerdict::Result::NotACode:
              break;
          }
          decide_unknown(request, known, context, done);
        });
    return;
  }
  decide_unknown(request, known, context, done);
}

void Authorizer::decide_unknown(const AuthorizationRequest& request, const std::optional<IdTagInfo>& known,
                                const std::string& context, const Done& done) {
  // `known` is an Accepted local entry that did not authorize because LocalAuthorizeOffline is false.
  const std::string what = known ? "not authorized locally (LocalAuthorizeOffline is false)" : "unknown";
  if (options_.allow_offline_tx_for_unknown_id) {
    // 1.6 §3.5.4 Unknown Offline Authorization: accepted, to be confirmed by StartTransaction.conf.
    IdTagInfo info = known.value_or(IdTagInfo{});
    info.status = AuthorizationStatus::Accepted;
    auto d = make_decision(true, AuthorizationSource::OfflineUnknownAllowed, info,
                      what + ", accepted by AllowOfflineTxForUnknownId (" + context + ")");
    d.unverified = true;
    finish(request, d, done);
    return;
  }
  finish(request,
         make_decision(false, AuthorizationSource::None, with_status(AuthorizationStatus::Invalid),
                  what + " (" + context + "; AllowOfflineTxForUnknownId is false)"),
         done);
}

void Authorizer::finish(const AuthorizationRequest& request, const AuthorizationDecision& decision,
                        const Done& done) {
  log::info("auth", "connector " + std::to_string(request.connector) + ": " + loggable(request) +
                        (decision.accepted ? " accepted" : " refused") + " by " +
                        std::string(to_string(decision.source)) + ": " + decision.reason);
  done(decision);
}

CsmsInfoOutcome Authorizer::on_csms_id_tag_info(const std::string& id_tag, const IdTagInfo& info,
                                                IdentifierSource source) {
  CsmsInfoOutcome outcome;
  const SystemTime now = clock_.system_now();
  try {
    if (options_.local_auth_list_enabled) {
      if (auto entry = list_.lookup(id_tag, now)) {
        // 1.6 §3.5.3: identifiers in the local list are never added to the cache. A CSMS answer
        // that disagrees with the entry is a conflict the CSMS SHOULD hear of (LocalListConflict).
        // ConcurrentTx says nothing about the identifier's validity, so it is no conflict.
        outcome.local_list_conflict =
            info.status != AuthorizationStatus::ConcurrentTx && info.status != entry->status;
        if (outcome.local_list_conflict) {
          log::warn("auth", "local list conflict for " + id_tag + ": the list says " +
                                std::string(to_string(entry->status)) + ", the CSMS " +
                                std::string(to_string(info.status)));
        }
        return outcome;
      }
    }
    if (source == IdentifierSource::Keypad) return outcome;  // never cached (see the top of this file)
    // 1.6 §9.1 AuthorizationCacheEnabled: a disabled cache learns nothing either.
    if (!options_.authorization_cache_enabled) return outcome;
    cache_.update(id_tag, info, now);
    outcome.cached = true;
  } catch (const db::DbError& e) {
    // The CSMS's answer still stands; only the local copy of it is lost.
    log::error("auth", "cannot record the CSMS's IdTagInfo for " + id_tag + ": " + e.what());
  }
  return outcome;
}

}  // namespace ocpp::cp
