// What the pile keeps of the CSMS's id tag answers: §5.4 ClearCache (Core profile; the cache is
// the core's AuthCache) and the Local Auth List Management profile, §5.10 GetLocalListVersion and
// §5.15 SendLocalList (the list is the core's LocalAuthList).
#include "conversions.hpp"
#include "ocpp/cp/auth_cache.hpp"
#include "ocpp/cp/local_auth_list.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

std::vector<LocalListEntry> entries_of(const m::SendLocalListRequest& req) {
  std::vector<LocalListEntry> entries;
  if (req.localAuthorizationList) {
    for (const auto& d : *req.localAuthorizationList) {
      LocalListEntry e;
      e.id_tag = d.idTag.str();
      if (d.idTagInfo) e.info = from_v16(*d.idTagInfo);
      entries.push_back(std::move(e));
    }
  }
  return entries;
}

}  // namespace

void Adapter::register_local_list_handlers() {
  auto& ep = client_->rpc();
  // §5.4 ClearCache.
  rpc::handle<m::ClearCacheRequest>(ep, [this](const m::ClearCacheRequest&) {
    m::ClearCacheResponse res;
    cache_->clear();
    res.status = m::ClearCacheStatus::Accepted;
    return res;
  });
  // §5.10 GetLocalListVersion.
  rpc::handle<m::GetLocalListVersionRequest>(ep, [this](const m::GetLocalListVersionRequest&) {
    m::GetLocalListVersionResponse res;
    res.listVersion = local_list_->version();
    return res;
  });
  // §5.15 SendLocalList.
  rpc::handle<m::SendLocalListRequest>(ep, [this](const m::SendLocalListRequest& req) {
    const auto type =
        req.updateType == m::UpdateType::Full ? LocalListUpdateType::Full : LocalListUpdateType::Differential;
    m::SendLocalListResponse res;
    switch (local_list_->apply(req.listVersion, type, entries_of(req))) {
      case LocalListUpdateStatus::Accepted: res.status = m::SendLocalListStatus::Accepted; break;
      case LocalListUpdateStatus::Failed: res.status = m::SendLocalListStatus::Failed; break;
      case LocalListUpdateStatus::NotSupported: res.status = m::SendLocalListStatus::NotSupported; break;
      case LocalListUpdateStatus::VersionMismatch: res.status = m::SendLocalListStatus::VersionMismatch; break;
    }
    return res;
  });
}

}  // namespace ocpp::cp::v16
