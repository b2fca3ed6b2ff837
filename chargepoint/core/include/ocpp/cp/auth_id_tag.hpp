#pragma once
// Id tag basics shared by the authorization cache, the local authorization list and the
// authorizer: how two id tags compare, when an entry counts as expired, and whether two tags
// belong to the same group.
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/common/clock.hpp"
#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

// 1.6 §7 (IdToken = CiString20Type): idTag and parentIdTag are case-insensitive strings. ASCII
// folding, the same as SQLite's NOCASE, which the cache and the local list use.
inline bool same_id_tag(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto fold = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    if (fold(a[i]) != fold(b[i])) return false;
  }
  return true;
}

// 1.6 §3.5.1, §3.5.4: an identifier whose expiryDate has passed is no longer valid.
inline bool has_expired(const IdTagInfo& info, SystemTime now) { return info.expiry && *info.expiry <= now; }

// The entry as it stands at `now`: an Accepted entry past its expiryDate reads as Expired.
inline IdTagInfo as_of(IdTagInfo info, SystemTime now) {
  if (info.status == AuthorizationStatus::Accepted && has_expired(info, now)) {
    info.status = AuthorizationStatus::Expired;
  }
  return info;
}

// An id tag with the parentIdTag that the CSMS, the local list or the cache gave for it.
struct IdTagAndParent {
  std::string id_tag;
  std::optional<std::string> parent_id_tag;
};

// Whether `b` may end what `a` started: the same id tag, or both carry the same (non-empty)
// parentIdTag. 1.6 IdTagInfo.parentIdTag; conformance test TC_069_CS ("ParentIdTag in
// StopTransaction matches ParentIdTag in StartTransaction"). The caller obtains b's parent by
// authorizing b (Authorizer::authorize), and should also require that decision to be accepted.
inline bool same_group(const IdTagAndParent& a, const IdTagAndParent& b) {
  if (same_id_tag(a.id_tag, b.id_tag)) return true;
  return a.parent_id_tag && b.parent_id_tag && !a.parent_id_tag->empty() &&
         same_id_tag(*a.parent_id_tag, *b.parent_id_tag);
}

}  // namespace ocpp::cp
