#include "ocpp/cp/chain_authorization.hpp"

namespace ocpp::cp {

ChainAuthorization::ChainAuthorization(Authorizer& authorizer, LocalAuthList& list, AuthCache& cache,
                                       Settings& settings, const Clock& clock, CsmsLink& csms)
    : authorizer_(authorizer), list_(list), cache_(cache), settings_(settings), clock_(clock), csms_(csms) {
  apply_settings();
  settings_.on_change([this](std::string_view, const std::string&) { apply_settings(); });
}

void ChainAuthorization::apply_settings() {
  AuthorizerOptions o;
  o.local_auth_list_enabled = settings_.get_bool("local_auth_list_enabled");
  o.authorization_cache_enabled = settings_.get_bool("authorization_cache_enabled");
  o.local_pre_authorize = settings_.get_bool("local_pre_authorize");
  o.local_authorize_offline = settings_.get_bool("local_authorize_offline");
  o.allow_offline_tx_for_unknown_id = settings_.get_bool("allow_offline_tx_for_unknown_id");
  authorizer_.set_options(o);
}

void ChainAuthorization::authorize(ConnectorId connector, const std::string& id, IdSource source,
                                   std::function<void(const AuthDecision&)> done) {
  AuthorizationRequest req;
  req.connector = connector;
  req.identifier = id;
  req.source = source == IdSource::Keypad ? IdentifierSource::Keypad : IdentifierSource::Rfid;
  req.online = !csms_.acting_offline();
  authorizer_.authorize(req, [done = std::move(done)](const AuthorizationDecision& d) {
    AuthDecision out;
    out.accepted = d.accepted;
    out.info = d.info;
    out.unverified = d.unverified;
    out.energy_cap_wh = d.energy_cap_wh;
    out.local_list_conflict = d.local_list_conflict;
    // The verifier's refusals are worded for the driver (typo, expired, used, locked out...).
    out.reason = d.driver_message;
    out.source = std::string(to_string(d.source)) + (d.reason.empty() ? "" : ": " + d.reason);
    done(out);
  });
}

bool ChainAuthorization::remember(const std::string& id_tag, const IdTagInfo& info, IdSource source) {
  return authorizer_
      .on_csms_id_tag_info(id_tag, info, source == IdSource::Keypad ? IdentifierSource::Keypad : IdentifierSource::Rfid)
      .local_list_conflict;
}

std::optional<std::string> ChainAuthorization::parent_of(const std::string& id_tag) {
  const SystemTime now = clock_.system_now();
  if (auto entry = list_.lookup(id_tag, now); entry && entry->parent_id_tag) return entry->parent_id_tag;
  if (auto entry = cache_.lookup(id_tag, now); entry && entry->parent_id_tag) return entry->parent_id_tag;
  return std::nullopt;
}

bool ChainAuthorization::may_stop(const std::string& owner, const std::string& other) {
  // 1.6 IdTagInfo.parentIdTag (conformance test TC_069_CS): the same id tag, or one with the same
  // parentIdTag, may end the transaction.
  return same_group({owner, parent_of(owner)}, {other, parent_of(other)});
}

}  // namespace ocpp::cp
