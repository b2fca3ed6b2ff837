// C01 Authorize with the idToken's type, bounded by OfflineThreshold (OCPPCommCtrlr): a driver at
// the pile does not wait for a CSMS that is gone, and a blip does not make the pile decide offline.
//   - online: Authorize is sent; no answer within the threshold -> decided offline;
//   - the link dropped less than the threshold ago: the request waits for it, then is sent;
//   - offline longer: decided offline at once (C12-C15 are the Authorizer's: local list, cache,
//     OfflineTxForUnknownIdEnabled, and the offline-code verifier for KeyCode tokens).
// Also C11 ClearCache and D01-D02 the local list.
#include <algorithm>

#include "conversions.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/auth_cache.hpp"
#include "ocpp/cp/local_auth_list.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

std::chrono::milliseconds Adapter::offline_threshold() const {
  return std::chrono::seconds(settings_.get_int("offline_threshold_s"));
}

bool Adapter::acting_offline() const {
  if (online()) return false;
  if (!offline_since_) return true;
  return loop_.clock().steady_now() - *offline_since_ >= offline_threshold();
}

void Adapter::authorize(const std::string& id_tag, AuthorizeDone done) {
  authorize_typed(id_tag, "ISO14443", std::move(done));
}

void Adapter::authorize_typed(const std::string& id_tag, const std::string& token_type, AuthorizeDone done) {
  if (online()) {
    send_authorize(id_tag, token_type, std::move(done));
    return;
  }
  if (acting_offline()) {
    done(std::nullopt);
    return;
  }
  auto parked = std::make_shared<ParkedAuthorize>();
  parked->id_tag = id_tag;
  parked->token_type = token_type;
  parked->done = std::move(done);
  const auto waited = loop_.clock().steady_now() - *offline_since_;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(offline_threshold() - waited);
  parked->deadline = loop_.schedule_after(left, [this, parked] {
    parked->deadline = 0;
    auto it = std::find(parked_authorize_.begin(), parked_authorize_.end(), parked);
    if (it == parked_authorize_.end()) return;
    parked_authorize_.erase(it);
    log::info("v201", "the link did not return within OfflineThreshold; deciding offline");
    parked->done(std::nullopt);
  });
  parked_authorize_.push_back(std::move(parked));
}

void Adapter::send_parked_authorizations() {
  auto parked = std::move(parked_authorize_);
  parked_authorize_.clear();
  for (const auto& p : parked) {
    if (p->deadline != 0) loop_.cancel(p->deadline);
    send_authorize(p->id_tag, p->token_type, std::move(p->done));
  }
}

void Adapter::send_authorize(const std::string& id_tag, const std::string& token_type, AuthorizeDone done) {
  if (id_tag.size() > 36) {
    done(IdTagInfo{AuthorizationStatus::Invalid, std::nullopt, std::nullopt});  // IdTokenType: 36 characters
    return;
  }
  m::AuthorizeRequest req;
  req.idToken = id_token(id_tag, token_type);
  struct Pending {
    AuthorizeDone done;
    TimerId deadline = 0;
  };
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  const auto threshold = offline_threshold();
  if (threshold.count() > 0) {
    pending->deadline = loop_.schedule_after(threshold, [pending] {
      pending->deadline = 0;
      if (!pending->done) return;
      log::info("v201", "no Authorize answer within OfflineThreshold; deciding offline");
      auto d = std::move(pending->done);
      pending->done = nullptr;
      d(std::nullopt);
    });
  }
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [this, alive, pending](rpc::Typed<m::AuthorizeResponse>& r) {
    if (!*alive) return;
    if (pending->deadline != 0) loop_.cancel(pending->deadline);
    pending->deadline = 0;
    if (!pending->done) return;  // decided offline already
    auto d = std::move(pending->done);
    pending->done = nullptr;
    if (!r.ok()) {
      d(std::nullopt);
      return;
    }
    d(from_v201(r.response->idTokenInfo));
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
