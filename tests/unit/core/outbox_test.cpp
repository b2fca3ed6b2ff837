#include "ocpp/cp/outbox.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "ocpp/cp/store.hpp"
#include "ocpp/cp/transactions.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;

class OutboxTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("ocpp-outbox-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  std::string path() const { return (dir / "cp.db").string(); }
};

TEST_F(OutboxTest, EventsComeOutInTheOrderTheyWentInAcrossReopening) {
  {
    Store store(path());
    Outbox outbox(store.db());
    for (int i = 0; i < 50; ++i) outbox.append(OutboxKind::Meter, std::nullopt, "{\"n\":" + std::to_string(i) + "}");
  }
  Store store(path());
  Outbox outbox(store.db());
  for (int i = 0; i < 50; ++i) {
    const auto e = outbox.front();
    ASSERT_TRUE(e);
    EXPECT_EQ(e->payload, "{\"n\":" + std::to_string(i) + "}");
    outbox.remove(e->seq);
  }
  EXPECT_FALSE(outbox.front());
}

TEST_F(OutboxTest, ADiscardedEventIsSkippedKeptAndCounted) {
  Store store(path());
  Outbox outbox(store.db());
  const auto first = outbox.append(OutboxKind::Start, std::nullopt, "{\"a\":1}");
  outbox.append(OutboxKind::Meter, std::nullopt, "{\"b\":2}");
  outbox.count_attempt(first);
  outbox.discard(first, "refused 3 times: InternalError");
  EXPECT_EQ(outbox.size(), 1u);
  EXPECT_EQ(outbox.discarded(), 1u);
  ASSERT_TRUE(outbox.front());
  EXPECT_EQ(outbox.front()->payload, "{\"b\":2}") << "a discarded event no longer blocks the queue";
  auto st = store.db().prepare("SELECT payload, attempts, discard_reason FROM outbox WHERE seq=?1");
  st.bind(1, first);
  ASSERT_TRUE(st.step()) << "a discarded event stays in the database";
  EXPECT_EQ(st.text(0), "{\"a\":1}");
  EXPECT_EQ(st.int64(1), 1);
  EXPECT_EQ(st.text(2), "refused 3 times: InternalError");
}

}  // namespace
}  // namespace ocpp::cp

namespace ocpp::cp {
namespace {

TEST_F(OutboxTest, OverTheLimitMeterSamplesAreThinnedNeverStartsOrStops) {
  Store store(path());
  Outbox outbox(store.db());
  outbox.set_limit(100);
  const auto tx = TransactionStore(store.db()).begin(1, "TAG", 0, SystemTime{});
  outbox.append(OutboxKind::Start, tx, "{\"start\":7}");
  for (int i = 0; i < 300; ++i) outbox.append(OutboxKind::Meter, tx, "{\"sample\":" + std::to_string(i) + "}");
  outbox.append(OutboxKind::Stop, tx, "{\"stop\":7}");
  EXPECT_LE(outbox.size(), 101u);
  EXPECT_GT(outbox.thinned(), 0u);
  // Start first, stop last, samples in order with the first and last kept.
  std::vector<std::string> kinds;
  std::vector<std::string> payloads;
  while (auto e = outbox.front()) {
    kinds.emplace_back(to_string(e->kind));
    payloads.push_back(e->payload);
    outbox.remove(e->seq);
  }
  ASSERT_GE(kinds.size(), 3u);
  EXPECT_EQ(kinds.front(), "start");
  EXPECT_EQ(kinds.back(), "stop");
  EXPECT_EQ(payloads[1], "{\"sample\":0}") << "the first sample is kept";
  EXPECT_EQ(payloads[payloads.size() - 2], "{\"sample\":299}") << "the last sample is kept";
  int previous = -1;
  for (std::size_t i = 1; i + 1 < payloads.size(); ++i) {
    const int n = std::stoi(payloads[i].substr(10));
    EXPECT_GT(n, previous) << "thinning keeps the order";
    previous = n;
  }
}

// The core appends starts and stops inside its own database transaction (with the transaction
// record); thinning at that moment must join it, not fail it.
TEST_F(OutboxTest, ThinningInsideTheCallersTransactionKeepsTheStart) {
  Store store(path());
  Outbox outbox(store.db());
  outbox.set_limit(100);
  TransactionStore transactions(store.db());
  const auto old = transactions.begin(1, "OLD", 0, SystemTime{});
  for (int i = 0; i < 150; ++i) outbox.append(OutboxKind::Meter, old, "{}");
  std::int64_t pk = 0;
  store.db().transaction([&] {
    pk = transactions.begin(2, "NEW", 0, SystemTime{});
    outbox.append(OutboxKind::Start, pk, "{\"new\":1}");
  });
  EXPECT_TRUE(transactions.get(pk).has_value());
  bool found = false;
  while (auto e = outbox.front()) {
    found |= e->kind == OutboxKind::Start && e->transaction_pk == pk;
    outbox.remove(e->seq);
  }
  EXPECT_TRUE(found) << "the start is recorded even while the outbox is over its limit";
}

TEST_F(OutboxTest, StartsAndStopsAreKeptEvenOverTheLimit) {
  Store store(path());
  Outbox outbox(store.db());
  outbox.set_limit(10);
  TransactionStore transactions(store.db());
  for (int i = 1; i <= 20; ++i) {
    const auto tx = transactions.begin(1, "TAG", 0, SystemTime{});
    outbox.append(OutboxKind::Start, tx, "{}");
    outbox.append(OutboxKind::Stop, tx, "{}");
  }
  EXPECT_EQ(outbox.size(), 40u) << "nothing to thin: every start and stop stays";
}

}  // namespace
}  // namespace ocpp::cp
