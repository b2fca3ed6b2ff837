#include "ocpp/cp/auth_cache.hpp"

#include <string>

#include "auth_rows.hpp"
#include "ocpp/cp/auth_id_tag.hpp"

namespace ocpp::cp {

// Id tags are matched with COLLATE NOCASE throughout (CiString20Type, see same_id_tag), so a tag
// read as "abc1" and answered for as "ABC1" is one entry.

AuthCache::AuthCache(db::Database& db, AuthCacheOptions options) : db_(db), options_(options) {}

void AuthCache::update(std::string_view id_tag, const IdTagInfo& info, SystemTime now) {
  db_.transaction([&] {
    auto existing = db_.prepare("SELECT 1 FROM auth_cache WHERE id_tag = ?1 COLLATE NOCASE");
    existing.bind(1, id_tag);
    const bool known = existing.step();
    existing.reset();

    if (options_.capacity == 0) {
      // A cache of no entries stores nothing, and keeps nothing stale either.
      db_.prepare("DELETE FROM auth_cache WHERE id_tag = ?1 COLLATE NOCASE").bind(1, id_tag).run();
      return;
    }
    if (!known) {
      // 1.6 §3.5.1: a new identifier and a full cache: make room (a loop, in case the capacity
      // was lowered since the entries were written).
      while (size() >= options_.capacity) evict_one(now);
    }
    db_.prepare("DELETE FROM auth_cache WHERE id_tag = ?1 COLLATE NOCASE").bind(1, id_tag).run();
    db_.prepare(
           "INSERT INTO auth_cache(id_tag, status, expiry, parent_id_tag, last_used) "
           "VALUES (?1, ?2, ?3, ?4, (SELECT COALESCE(MAX(last_used), 0) + 1 FROM auth_cache))")
        .bind(1, id_tag)
        .bind(2, to_string(info.status))
        .bind(3, auth_rows::expiry_text(info.expiry))
        .bind(4, info.parent_id_tag)
        .run();
  });
}

void AuthCache::evict_one(SystemTime now) {
  // 1.6 §3.5.1: when full, remove not-valid entries first (not Accepted, or past their expiry),
  // then valid ones, each group least recently used first. Expiries are fixed-width UTC text
  // (auth_rows::expiry_text), so `expiry > now` compares as text.
  auto victim = db_.prepare(
      "SELECT id_tag, status FROM auth_cache "
      "ORDER BY (status = 'Accepted' AND (expiry IS NULL OR expiry > ?1)) ASC, last_used ASC LIMIT 1");
  victim.bind(1, format_rfc3339(now));
  if (!victim.step()) return;
  const std::string id = victim.text(0);
  log::debug("auth", "cache full: evicting " + id + " (" + victim.text(1) + ")");
  victim.reset();
  db_.prepare("DELETE FROM auth_cache WHERE id_tag = ?1").bind(1, id).run();
}

std::optional<IdTagInfo> AuthCache::lookup(std::string_view id_tag, SystemTime now) {
  std::optional<IdTagInfo> result;
  db_.transaction([&] {
    auto row = db_.prepare(
        "SELECT id_tag, status, expiry, parent_id_tag FROM auth_cache WHERE id_tag = ?1 COLLATE NOCASE");
    row.bind(1, id_tag);
    if (!row.step()) return;
    const std::string stored_id = row.text(0);
    const IdTagInfo stored = auth_rows::read_info(row, 1, "auth_cache");
    row.reset();

    result = as_of(stored, now);
    if (result->status != stored.status) {
      // 1.6 §3.5.1: "When the validity of a Cache entry expires, it SHALL be changed to expired".
      db_.prepare("UPDATE auth_cache SET status = ?2 WHERE id_tag = ?1")
          .bind(1, stored_id)
          .bind(2, to_string(result->status))
          .run();
    }
    // A hit is a use: it moves the entry to the back of the eviction order.
    db_.prepare(
           "UPDATE auth_cache SET last_used = (SELECT MAX(last_used) + 1 FROM auth_cache) WHERE id_tag = ?1")
        .bind(1, stored_id)
        .run();
  });
  return result;
}

void AuthCache::clear() {
  db_.exec("DELETE FROM auth_cache");
  log::info("auth", "authorization cache cleared");
}

std::size_t AuthCache::size() {
  auto count = db_.prepare("SELECT COUNT(*) FROM auth_cache");
  count.step();
  return static_cast<std::size_t>(count.int64(0));
}

}  // namespace ocpp::cp
