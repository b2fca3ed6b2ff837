// AuthCache: the 1.6 §3.5.1 Authorization Cache on a real SQLite file.
#include <gtest/gtest.h>

#include "auth_test_support.hpp"
#include "ocpp/cp/auth_cache.hpp"

namespace ocpp::cp {
namespace {

using namespace auth_test;

class AuthCacheTest : public StoreFixture {
 protected:
  AuthCache cache(std::size_t capacity = 1000) { return AuthCache(db(), AuthCacheOptions{capacity}); }
  // The stored status, read past the AuthCache (lookup would apply expiry and count a use).
  std::optional<std::string> stored_status(const std::string& id_tag) {
    auto row = db().prepare("SELECT status FROM auth_cache WHERE id_tag = ?1");
    row.bind(1, id_tag);
    if (!row.step()) return std::nullopt;
    return row.text(0);
  }
};

TEST_F(AuthCacheTest, StoresWhatTheCsmsSaidValidOrNot) {
  auto c = cache();
  c.update("TAG1", info(AuthorizationStatus::Accepted, std::nullopt, "GROUP"), now());
  c.update("TAG2", info(AuthorizationStatus::Blocked), now());

  auto one = c.lookup("TAG1", now());
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, AuthorizationStatus::Accepted);
  EXPECT_EQ(one->parent_id_tag, "GROUP");
  EXPECT_FALSE(one->expiry);
  EXPECT_EQ(c.lookup("TAG2", now())->status, AuthorizationStatus::Blocked);
  EXPECT_FALSE(c.lookup("TAG3", now()));
}

TEST_F(AuthCacheTest, LaterAnswerReplacesEntry) {
  auto c = cache();
  c.update("TAG1", accepted(), now());
  c.update("TAG1", info(AuthorizationStatus::Invalid), now());
  EXPECT_EQ(c.lookup("TAG1", now())->status, AuthorizationStatus::Invalid);
  EXPECT_EQ(c.size(), 1u);
}

TEST_F(AuthCacheTest, IdTagsCompareWithoutCase) {
  // 1.6: idTag is a CiString20Type.
  auto c = cache();
  c.update("abcd01", accepted(), now());
  EXPECT_TRUE(c.lookup("ABCD01", now()));
  c.update("ABCD01", info(AuthorizationStatus::Blocked), now());
  EXPECT_EQ(c.size(), 1u);
  EXPECT_EQ(c.lookup("abcd01", now())->status, AuthorizationStatus::Blocked);
}

TEST_F(AuthCacheTest, SurvivesReopen) {
  const SystemTime expiry = now() + 48h;
  cache().update("TAG1", info(AuthorizationStatus::Accepted, expiry, "GROUP"), now());
  reopen();
  auto entry = cache().lookup("TAG1", now());
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->status, AuthorizationStatus::Accepted);
  ASSERT_TRUE(entry->expiry);
  EXPECT_EQ(*entry->expiry, expiry);  // ManualClock starts on a whole second: no precision lost
  EXPECT_EQ(entry->parent_id_tag, "GROUP");
}

TEST_F(AuthCacheTest, AcceptedPastExpiryIsReportedAndStoredAsExpired) {
  auto c = cache();
  c.update("TAG1", accepted(now() + 1h), now());
  EXPECT_EQ(c.lookup("TAG1", now())->status, AuthorizationStatus::Accepted);

  clock_.advance(1h);  // expiry reached
  EXPECT_EQ(c.lookup("TAG1", now())->status, AuthorizationStatus::Expired);
  // 1.6 §3.5.1: "it SHALL be changed to expired in the Cache": it stays Expired even if the wall
  // clock is set back.
  EXPECT_EQ(stored_status("TAG1"), "Expired");
  clock_.set_system(now() - 2h);
  EXPECT_EQ(c.lookup("TAG1", now())->status, AuthorizationStatus::Expired);
}

TEST_F(AuthCacheTest, NonAcceptedPastExpiryKeepsItsStatus) {
  auto c = cache();
  c.update("TAG1", info(AuthorizationStatus::Blocked, now() + 1min), now());
  clock_.advance(2min);
  EXPECT_EQ(c.lookup("TAG1", now())->status, AuthorizationStatus::Blocked);
}

TEST_F(AuthCacheTest, ClearEmptiesCacheForGood) {
  auto c = cache();
  c.update("TAG1", accepted(), now());
  c.update("TAG2", accepted(), now());
  c.clear();
  EXPECT_EQ(c.size(), 0u);
  reopen();
  EXPECT_FALSE(cache().lookup("TAG1", now()));
}

TEST_F(AuthCacheTest, FullCacheEvictsNonAcceptedEntryFirst) {
  auto c = cache(3);
  c.update("OLD_VALID", accepted(), now());
  c.update("BLOCKED", info(AuthorizationStatus::Blocked), now());
  c.update("NEW_VALID", accepted(), now());
  c.update("FOURTH", accepted(), now());
  EXPECT_EQ(c.size(), 3u);
  EXPECT_FALSE(stored_status("BLOCKED"));
  EXPECT_TRUE(stored_status("OLD_VALID"));  // older, but valid
  EXPECT_TRUE(stored_status("NEW_VALID"));
  EXPECT_TRUE(stored_status("FOURTH"));
}

TEST_F(AuthCacheTest, FullCacheEvictsTimeExpiredEntryBeforeValidOnes) {
  auto c = cache(3);
  c.update("OLD_VALID", accepted(), now());
  c.update("EXPIRING", accepted(now() + 10min), now());  // still Accepted in the store
  c.update("NEW_VALID", accepted(now() + 24h), now());
  clock_.advance(20min);
  c.update("FOURTH", accepted(), now());
  EXPECT_FALSE(stored_status("EXPIRING"));
  EXPECT_TRUE(stored_status("OLD_VALID"));
  EXPECT_TRUE(stored_status("NEW_VALID"));
}

TEST_F(AuthCacheTest, FullCacheOfInvalidEntriesEvictsLeastRecentlyUsedOfThem) {
  auto c = cache(3);
  c.update("INVALID_A", info(AuthorizationStatus::Invalid), now());
  c.update("INVALID_B", info(AuthorizationStatus::Invalid), now());
  c.update("VALID", accepted(), now());
  ASSERT_TRUE(c.lookup("INVALID_A", now()));  // A is now used more recently than B
  c.update("FOURTH", accepted(), now());
  EXPECT_FALSE(stored_status("INVALID_B"));
  EXPECT_TRUE(stored_status("INVALID_A"));
}

TEST_F(AuthCacheTest, FullCacheOfValidEntriesEvictsLeastRecentlyUsed) {
  auto c = cache(3);
  c.update("A", accepted(), now());
  c.update("B", accepted(), now());
  c.update("C", accepted(), now());
  ASSERT_TRUE(c.lookup("A", now()));  // A used: B is now the least recently used
  c.update("D", accepted(), now());
  EXPECT_FALSE(stored_status("B"));
  EXPECT_TRUE(stored_status("A"));
  EXPECT_TRUE(stored_status("C"));
  EXPECT_TRUE(stored_status("D"));

  c.update("C", accepted(), now());  // an update is a use too: A is now the oldest
  c.update("E", accepted(), now());
  EXPECT_FALSE(stored_status("A"));
  EXPECT_TRUE(stored_status("C"));
}

TEST_F(AuthCacheTest, UseOrderSurvivesReopen) {
  {
    auto c = cache(2);
    c.update("A", accepted(), now());
    c.update("B", accepted(), now());
    ASSERT_TRUE(c.lookup("A", now()));
  }
  reopen();
  auto c = cache(2);
  c.update("C", accepted(), now());
  EXPECT_FALSE(stored_status("B"));
  EXPECT_TRUE(stored_status("A"));
}

TEST_F(AuthCacheTest, UpdatingKnownIdOnFullCacheEvictsNothing) {
  auto c = cache(2);
  c.update("A", accepted(), now());
  c.update("B", info(AuthorizationStatus::Blocked), now());
  c.update("A", info(AuthorizationStatus::Expired), now());
  EXPECT_EQ(c.size(), 2u);
  EXPECT_TRUE(stored_status("B"));
}

TEST_F(AuthCacheTest, LoweredCapacityShrinksCacheOnNextNewEntry) {
  {
    auto c = cache(5);
    for (const char* id : {"A", "B", "C", "D", "E"}) c.update(id, accepted(), now());
  }
  auto c = cache(2);
  c.update("F", accepted(), now());
  EXPECT_EQ(c.size(), 2u);
  EXPECT_TRUE(stored_status("E"));
  EXPECT_TRUE(stored_status("F"));
}

TEST_F(AuthCacheTest, ZeroCapacityKeepsNothing) {
  auto c = cache(0);
  c.update("A", accepted(), now());
  EXPECT_EQ(c.size(), 0u);
  EXPECT_FALSE(c.lookup("A", now()));
}

}  // namespace
}  // namespace ocpp::cp
