#pragma once
// The Authorization Cache (1.6 §3.5.1; 2.0.1 C10-C12 AuthCacheCtrlr): what the CSMS last said of
// each identifier it was asked about, kept in the `auth_cache` table so that it survives a reboot.
// Whether it is consulted at all (AuthorizationCacheEnabled) is the Authorizer's business; the
// cache itself always stores what it is given.
#include <cstddef>
#include <optional>
#include <string_view>

#include "ocpp/common/clock.hpp"
#include "ocpp/cp/types.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

struct AuthCacheOptions {
  // The most entries kept. 1.6 names no key for it; it is the pile's storage budget. 0 keeps none.
  std::size_t capacity = 1000;
};

class AuthCache {
 public:
  // `db` is the charge point's store (Store::db()), whose migrations created `auth_cache`.
  explicit AuthCache(db::Database& db, AuthCacheOptions options = {});

  // 1.6 §3.5.1: every IdTagInfo the CSMS sends (Authorize.conf, StartTransaction.conf,
  // StopTransaction.conf) replaces the entry, valid or not. When a new identifier finds the cache
  // full, invalid entries (not Accepted, or expired at `now`) go first, then the least recently used.
  void update(std::string_view id_tag, const IdTagInfo& info, SystemTime now);

  // The entry, or nullopt. 1.6 §3.5.1: an Accepted entry whose expiry has passed is changed to
  // Expired in the cache and reported so. A hit counts as a use for the eviction order.
  std::optional<IdTagInfo> lookup(std::string_view id_tag, SystemTime now);

  // 1.6 §5.4 ClearCache.
  void clear();
  std::size_t size();
  std::size_t capacity() const { return options_.capacity; }

 private:
  void evict_one(SystemTime now);

  db::Database& db_;
  AuthCacheOptions options_;
};

}  // namespace ocpp::cp
