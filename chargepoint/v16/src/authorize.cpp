// Authorize for the authorization chain, through the OfflineThreshold rule of the core
// (ocpp/cp/offline_threshold.hpp), which decides when a request waits for the link, is sent, or is
// decided offline; here is only the 1.6 round trip.
#include "conversions.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

bool Adapter::acting_offline() const { return offline_.acting_offline(online()); }

void Adapter::authorize(const std::string& id_tag, AuthorizeDone done) {
  offline_.authorize(online(), [this, id_tag](AuthorizeDone answer) { send_authorize(id_tag, std::move(answer)); },
                     std::move(done));
}

// One Authorize; `done` gets the CSMS's IdTagInfo, or nullopt for no usable answer.
void Adapter::send_authorize(const std::string& id_tag, AuthorizeDone done) {
  ocpp::v16::AuthorizeRequest req;
  try {
    req.idTag = id_tag;
  } catch (const std::length_error&) {
    done(IdTagInfo{AuthorizationStatus::Invalid, std::nullopt, std::nullopt});  // 1.6 idTag: 20 characters
    return;
  }
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [alive, done](rpc::Typed<ocpp::v16::AuthorizeResponse>& r) {
    if (!*alive) return;
    done(r.ok() ? std::optional<IdTagInfo>(from_v16(r.response->idTagInfo)) : std::nullopt);
  });
}

}  // namespace ocpp::cp::v16
