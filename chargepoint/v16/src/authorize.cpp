// Authorize, bounded by the offline threshold (issue 5: "a configurable threshold before the pile
// acts as offline"; setting offline_threshold_s, vendor key OfflineThreshold). A driver at the
// pile should not wait for a CSMS that is gone, nor be decided offline because of a blip:
//   - online: Authorize is sent; no answer within the threshold -> decided offline (the late
//     answer is ignored; the cache learns from the next one);
//   - the link dropped less than the threshold ago: the request waits for the link (the ping/pong
//     detection of the transport finds a dead link within seconds), then is sent; the link not
//     back when the threshold has passed -> decided offline;
//   - offline longer than that: decided offline at once.
// 1.6 §3.5 says what "decided offline" means (local list, cache, AllowOfflineTxForUnknownId, and
// the offline-code verifier for keypad codes); that is the Authorizer's part.
#include <algorithm>

#include "conversions.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

std::chrono::milliseconds Adapter::offline_threshold() const {
  return std::chrono::seconds(settings_.get_int("offline_threshold_s"));
}

bool Adapter::acting_offline() const {
  if (online()) return false;
  if (!offline_since_) return true;
  return loop_.clock().steady_now() - *offline_since_ >= offline_threshold();
}

void Adapter::authorize(const std::string& id_tag, AuthorizeDone done) {
  if (online()) {
    send_authorize(id_tag, std::move(done));
    return;
  }
  if (acting_offline()) {
    done(std::nullopt);
    return;
  }
  // Within the threshold: wait for the link, until the threshold has passed since it dropped.
  auto parked = std::make_shared<ParkedAuthorize>();
  parked->id_tag = id_tag;
  parked->done = std::move(done);
  const auto waited = loop_.clock().steady_now() - *offline_since_;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(offline_threshold() - waited);
  parked->deadline = loop_.schedule_after(left, [this, parked] {
    parked->deadline = 0;
    auto it = std::find(parked_authorize_.begin(), parked_authorize_.end(), parked);
    if (it == parked_authorize_.end()) return;
    parked_authorize_.erase(it);
    log::info("v16", "the link did not return within OfflineThreshold; deciding offline");
    parked->done(std::nullopt);
  });
  parked_authorize_.push_back(std::move(parked));
}

void Adapter::send_parked_authorizations() {
  auto parked = std::move(parked_authorize_);
  parked_authorize_.clear();
  for (const auto& p : parked) {
    if (p->deadline != 0) loop_.cancel(p->deadline);
    send_authorize(p->id_tag, std::move(p->done));
  }
}

void Adapter::send_authorize(const std::string& id_tag, AuthorizeDone done) {
  ocpp::v16::AuthorizeRequest req;
  try {
    req.idTag = id_tag;
  } catch (const std::length_error&) {
    done(IdTagInfo{AuthorizationStatus::Invalid, std::nullopt, std::nullopt});  // 1.6 idTag: 20 characters
    return;
  }
  // Whichever comes first, the answer or the threshold, decides; the other does nothing.
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
      log::info("v16", "no Authorize answer within OfflineThreshold; deciding offline");
      auto d = std::move(pending->done);
      pending->done = nullptr;
      d(std::nullopt);
    });
  }
  auto alive = alive_;
  rpc::call(client_->rpc(), req, [this, alive, pending](rpc::Typed<ocpp::v16::AuthorizeResponse>& r) {
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
    d(from_v16(r.response->idTagInfo));
  });
}

}  // namespace ocpp::cp::v16
