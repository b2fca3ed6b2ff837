// C01 Authorize with the idToken's type, through the OfflineThreshold rule of the core
// (ocpp/cp/offline_threshold.hpp: OCPPCommCtrlr.OfflineThreshold), which decides when a request
// waits for the link, is sent, or is decided offline (C12-C15 are the Authorizer's).
// Also C11 ClearCache and D01-D02 the local list.
#include "conversions.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/auth_cache.hpp"
#include "ocpp/cp/local_auth_list.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

bool Adapter::acting_offline() const { return offline_.acting_offline(online()); }

void Adapter::authorize(const std::string& id_tag, AuthorizeDone done) {
  authorize_typed(id_tag, "ISO14443", std::move(done));
}

void Adapter::authorize_typed(const std::string& id_tag, const std::string& token_type, AuthorizeDone done) {
  offline_.authorize(
      online(),
      [this, id_tag, token_type](AuthorizeDone answer) { send_authorize(id_tag, token_type, std::move(answer)); },
      std::move(done));
}

// One Authorize; `done` gets the CSMS's verdict, or nullopt for no usable answer.
void Adapter::send_authorize(const std::string& id_tag, const std::string& token_type, AuthorizeDone done) {
  if (id_tag.size() > 36) {
    done(IdTagInfo{AuthorizationStatus::Invalid, std::nullopt, std::nullopt});  // IdTokenType: 36 characters
    return;
  }
  m::AuthorizeRequest req;
  req.idToken = id_token(id_tag, token_type);
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [alive, done](rpc::Typed<m::AuthorizeResponse>& r) {
    if (!*alive) return;
    done(r.ok() ? std::optional<IdTagInfo>(from_v201(r.response->idTokenInfo)) : std::nullopt);
  });
}

void Adapter::register_authorization_handlers() {
  auto& ep = client_->rpc();
  // C11 ClearCache.
  rpc::handle<m::ClearCacheRequest>(ep, [this](const m::ClearCacheRequest&) {
    m::ClearCacheResponse res;
    cache_->clear();
    res.status = m::ClearCacheStatusEnumType::Accepted;
    return res;
  });
  // D02 GetLocalListVersion: 0 for an empty or never-sent list (D02.FR.02).
  rpc::handle<m::GetLocalListVersionRequest>(ep, [this](const m::GetLocalListVersionRequest&) {
    m::GetLocalListVersionResponse res;
    res.versionNumber = std::max(0, local_list_->version());
    return res;
  });
  // D01 SendLocalList: all or nothing; VersionMismatch for a differential update that is not newer.
  rpc::handle<m::SendLocalListRequest>(ep, [this](const m::SendLocalListRequest& req) {
    std::vector<LocalListEntry> entries;
    if (req.localAuthorizationList) {
      for (const auto& d : *req.localAuthorizationList) {
        LocalListEntry e;
        e.id_tag = d.idToken.idToken.str();
        if (d.idTokenInfo) e.info = from_v201(*d.idTokenInfo);
        entries.push_back(std::move(e));
      }
    }
    const auto type =
        req.updateType == m::UpdateEnumType::Full ? LocalListUpdateType::Full : LocalListUpdateType::Differential;
    m::SendLocalListResponse res;
    switch (local_list_->apply(req.versionNumber, type, entries)) {
      case LocalListUpdateStatus::Accepted: res.status = m::SendLocalListStatusEnumType::Accepted; break;
      case LocalListUpdateStatus::VersionMismatch: res.status = m::SendLocalListStatusEnumType::VersionMismatch; break;
      case LocalListUpdateStatus::Failed:
      case LocalListUpdateStatus::NotSupported: res.status = m::SendLocalListStatusEnumType::Failed; break;
    }
    return res;
  });
}

}  // namespace ocpp::cp::v201
