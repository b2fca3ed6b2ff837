// LocalAuthList: the 1.6 §3.5.2 Local Authorization List, SendLocalList (§5.15) and
// GetLocalListVersion (§5.10), on a real SQLite file.
#include <gtest/gtest.h>

#include <vector>

#include "auth_test_support.hpp"
#include "ocpp/cp/local_auth_list.hpp"

namespace ocpp::cp {
namespace {

using namespace auth_test;
using Type = LocalListUpdateType;
using Status = LocalListUpdateStatus;

LocalListEntry entry(std::string id, std::optional<IdTagInfo> i) { return LocalListEntry{std::move(id), std::move(i)}; }
LocalListEntry removal(std::string id) { return LocalListEntry{std::move(id), std::nullopt}; }

class AuthLocalListTest : public StoreFixture {
 protected:
  LocalAuthList list(LocalAuthListOptions options = {}) { return LocalAuthList(db(), options); }
  static LocalAuthListOptions limits(std::size_t max_length, std::size_t send_max_length) {
    LocalAuthListOptions o;
    o.max_length = max_length;
    o.send_max_length = send_max_length;
    return o;
  }
};

TEST_F(AuthLocalListTest, EmptyListHasVersionZero) {
  EXPECT_EQ(list().version(), 0);
  EXPECT_EQ(list().size(), 0u);
}

TEST_F(AuthLocalListTest, WithoutTheFeatureVersionIsMinusOneAndUpdatesAreNotSupported) {
  LocalAuthListOptions o;
  o.supported = false;
  auto l = list(o);
  EXPECT_EQ(l.version(), -1);
  EXPECT_EQ(l.apply(1, Type::Full, {entry("A", accepted())}), Status::NotSupported);
  EXPECT_EQ(l.size(), 0u);
}

TEST_F(AuthLocalListTest, FullUpdateReplacesListAndSetsVersion) {
  auto l = list();
  ASSERT_EQ(l.apply(3, Type::Full, {entry("A", accepted()), entry("B", info(AuthorizationStatus::Blocked))}),
            Status::Accepted);
  EXPECT_EQ(l.version(), 3);
  EXPECT_EQ(l.lookup("A", now())->status, AuthorizationStatus::Accepted);
  EXPECT_EQ(l.lookup("B", now())->status, AuthorizationStatus::Blocked);

  // A Full update may carry any version, lower ones too, and drops what it does not list.
  ASSERT_EQ(l.apply(2, Type::Full, {entry("C", info(AuthorizationStatus::Accepted, std::nullopt, "P"))}),
            Status::Accepted);
  EXPECT_EQ(l.version(), 2);
  EXPECT_FALSE(l.lookup("A", now()));
  EXPECT_FALSE(l.lookup("B", now()));
  EXPECT_EQ(l.lookup("C", now())->parent_id_tag, "P");
}

TEST_F(AuthLocalListTest, FullUpdateWithNoEntriesEmptiesListAndVersionReadsZero) {
  auto l = list();
  ASSERT_EQ(l.apply(4, Type::Full, {entry("A", accepted())}), Status::Accepted);
  ASSERT_EQ(l.apply(5, Type::Full, {}), Status::Accepted);
  EXPECT_EQ(l.size(), 0u);
  EXPECT_EQ(l.version(), 0);  // 1.6 §5.10: 0 is reserved for an empty list
}

TEST_F(AuthLocalListTest, DifferentialUpdateAddsChangesAndRemoves) {
  auto l = list();
  ASSERT_EQ(l.apply(1, Type::Full, {entry("A", accepted()), entry("B", accepted()), entry("C", accepted())}),
            Status::Accepted);
  ASSERT_EQ(l.apply(2, Type::Differential,
                    {entry("B", info(AuthorizationStatus::Blocked)), removal("C"), entry("D", accepted()),
                     removal("NOT_THERE")}),
            Status::Accepted);
  EXPECT_EQ(l.version(), 2);
  EXPECT_EQ(l.lookup("A", now())->status, AuthorizationStatus::Accepted);
  EXPECT_EQ(l.lookup("B", now())->status, AuthorizationStatus::Blocked);
  EXPECT_FALSE(l.lookup("C", now()));  // no idTagInfo in a Differential update: removed
  EXPECT_EQ(l.lookup("D", now())->status, AuthorizationStatus::Accepted);
  EXPECT_EQ(l.size(), 3u);
}

TEST_F(AuthLocalListTest, DifferentialUpdateOnEmptyListNeedsVersionAboveZero) {
  auto l = list();
  EXPECT_EQ(l.apply(0, Type::Differential, {entry("A", accepted())}), Status::VersionMismatch);
  EXPECT_EQ(l.apply(1, Type::Differential, {entry("A", accepted())}), Status::Accepted);
  EXPECT_EQ(l.version(), 1);
}

TEST_F(AuthLocalListTest, DifferentialUpdateWithVersionNotAboveCurrentIsVersionMismatch) {
  auto l = list();
  ASSERT_EQ(l.apply(5, Type::Full, {entry("A", accepted())}), Status::Accepted);
  EXPECT_EQ(l.apply(5, Type::Differential, {entry("B", accepted())}), Status::VersionMismatch);
  EXPECT_EQ(l.apply(4, Type::Differential, {removal("A")}), Status::VersionMismatch);
  // Nothing changed.
  EXPECT_EQ(l.version(), 5);
  EXPECT_TRUE(l.lookup("A", now()));
  EXPECT_FALSE(l.lookup("B", now()));
  EXPECT_EQ(l.apply(6, Type::Differential, {entry("B", accepted())}), Status::Accepted);
}

TEST_F(AuthLocalListTest, FullUpdateEntryWithoutIdTagInfoFails) {
  auto l = list();
  ASSERT_EQ(l.apply(1, Type::Full, {entry("A", accepted())}), Status::Accepted);
  EXPECT_EQ(l.apply(2, Type::Full, {entry("B", accepted()), removal("C")}), Status::Failed);
  EXPECT_EQ(l.version(), 1);
  EXPECT_TRUE(l.lookup("A", now()));
  EXPECT_FALSE(l.lookup("B", now()));
}

TEST_F(AuthLocalListTest, RequestLongerThanSendLocalListMaxLengthFails) {
  auto l = list(limits(100, 2));
  EXPECT_EQ(l.apply(1, Type::Full, {entry("A", accepted()), entry("B", accepted()), entry("C", accepted())}),
            Status::Failed);
  EXPECT_EQ(l.size(), 0u);
  EXPECT_EQ(l.apply(1, Type::Full, {entry("A", accepted()), entry("B", accepted())}), Status::Accepted);
}

TEST_F(AuthLocalListTest, ListLongerThanLocalAuthListMaxLengthFailsAndChangesNothing) {
  auto l = list(limits(3, 10));
  EXPECT_EQ(l.apply(1, Type::Full,
                    {entry("A", accepted()), entry("B", accepted()), entry("C", accepted()), entry("D", accepted())}),
            Status::Failed);
  EXPECT_EQ(l.version(), 0);
  ASSERT_EQ(l.apply(1, Type::Full, {entry("A", accepted()), entry("B", accepted()), entry("C", accepted())}),
            Status::Accepted);
  EXPECT_EQ(l.apply(2, Type::Differential, {entry("D", accepted())}), Status::Failed);
  EXPECT_EQ(l.version(), 1);
  EXPECT_FALSE(l.lookup("D", now()));
  EXPECT_EQ(l.size(), 3u);
  // Removing as many as it adds fits, as does changing an entry that is there.
  EXPECT_EQ(l.apply(2, Type::Differential,
                    {removal("A"), entry("D", accepted()), entry("B", info(AuthorizationStatus::Blocked))}),
            Status::Accepted);
  EXPECT_EQ(l.size(), 3u);
}

TEST_F(AuthLocalListTest, NegativeVersionFails) {
  EXPECT_EQ(list().apply(-1, Type::Full, {entry("A", accepted())}), Status::Failed);
}

TEST_F(AuthLocalListTest, AcceptedEntryPastExpiryReadsExpired) {
  auto l = list();
  ASSERT_EQ(l.apply(1, Type::Full, {entry("A", accepted(now() + 1h))}), Status::Accepted);
  EXPECT_EQ(l.lookup("A", now())->status, AuthorizationStatus::Accepted);
  clock_.advance(1h);
  EXPECT_EQ(l.lookup("A", now())->status, AuthorizationStatus::Expired);
}

TEST_F(AuthLocalListTest, IdTagsCompareWithoutCase) {
  auto l = list();
  ASSERT_EQ(l.apply(1, Type::Full, {entry("abc", accepted()), entry("ABC", info(AuthorizationStatus::Blocked))}),
            Status::Accepted);
  EXPECT_EQ(l.size(), 1u);  // the later entry wins
  EXPECT_EQ(l.lookup("Abc", now())->status, AuthorizationStatus::Blocked);
  ASSERT_EQ(l.apply(2, Type::Differential, {removal("aBC")}), Status::Accepted);
  EXPECT_EQ(l.size(), 0u);
}

TEST_F(AuthLocalListTest, SurvivesReopen) {
  ASSERT_EQ(list().apply(7, Type::Full, {entry("A", info(AuthorizationStatus::Accepted, now() + 24h, "P"))}),
            Status::Accepted);
  reopen();
  auto l = list();
  EXPECT_EQ(l.version(), 7);
  auto a = l.lookup("A", now());
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, AuthorizationStatus::Accepted);
  EXPECT_EQ(a->expiry, now() + 24h);
  EXPECT_EQ(a->parent_id_tag, "P");
  EXPECT_EQ(l.apply(7, Type::Differential, {removal("A")}), Status::VersionMismatch);
}

}  // namespace
}  // namespace ocpp::cp
