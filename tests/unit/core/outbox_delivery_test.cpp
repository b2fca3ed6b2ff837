// The outbox's delivery side (issue 5, the long offline backlog): delivered meter samples leave the
// queue at once but their rows are deleted with the outbox's next write; what a power cut does to
// them; the transaction's CSMS id read with each event; and prepared statements that never hold
// the WAL.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "ocpp/cp/outbox.hpp"
#include "ocpp/cp/store.hpp"
#include "ocpp/cp/transactions.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;

class OutboxDeliveryTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("ocpp-outbox-delivery-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
  std::string path() const { return (dir / "cp.db").string(); }

  // Rows in the table, delivered or not: what is on disk.
  static std::int64_t rows(Store& store) {
    auto st = store.db().prepare("SELECT COUNT(*) FROM outbox");
    st.step();
    return st.int64(0);
  }

  static std::string sample(int n) { return "{\"sample\":" + std::to_string(n) + "}"; }

  // A start, `samples` meter samples and a stop of one transaction.
  static std::int64_t fill(Store& store, Outbox& outbox, int samples) {
    const auto tx = TransactionStore(store.db()).begin(1, "TAG", 0, SystemTime{});
    outbox.append(OutboxKind::Start, tx, "{\"start\":1}");
    for (int i = 0; i < samples; ++i) outbox.append(OutboxKind::Meter, tx, sample(i));
    outbox.append(OutboxKind::Stop, tx, "{\"stop\":1}");
    return tx;
  }
};

TEST_F(OutboxDeliveryTest, ADeliveredSampleLeavesTheQueueAtOnceAndItsRowWithTheNextWrite) {
  Store store(path());
  Outbox outbox(store.db());
  fill(store, outbox, 3);
  outbox.remove(outbox.front()->seq);  // the start
  const auto first = outbox.front();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->payload, sample(0));
  outbox.delivered(first->seq);
  ASSERT_TRUE(outbox.front());
  EXPECT_EQ(outbox.front()->payload, sample(1)) << "a delivered sample is not sent again";
  EXPECT_EQ(outbox.size(), 3u) << "two samples and the stop wait";
  EXPECT_EQ(rows(store), 4) << "its row is still there, deleted later";
  EXPECT_EQ(outbox.undeleted(), 1u);

  outbox.append(OutboxKind::Meter, std::nullopt, sample(9));
  EXPECT_EQ(rows(store), 4) << "the next append deleted it: three waiting and the new one";
  EXPECT_EQ(outbox.undeleted(), 0u);
  EXPECT_EQ(outbox.front()->payload, sample(1));
}

TEST_F(OutboxDeliveryTest, TheDeliveryOfAStopDeletesTheSamplesBeforeIt) {
  Store store(path());
  Outbox outbox(store.db());
  fill(store, outbox, 5);
  outbox.remove(outbox.front()->seq);
  for (int i = 0; i < 5; ++i) outbox.delivered(outbox.front()->seq);
  EXPECT_EQ(rows(store), 6);
  const auto stop = outbox.front();
  ASSERT_TRUE(stop);
  EXPECT_EQ(stop->kind, OutboxKind::Stop);
  outbox.remove(stop->seq);
  EXPECT_EQ(rows(store), 0) << "the stop's durable removal took the delivered samples with it";
  EXPECT_FALSE(outbox.front());
  EXPECT_EQ(outbox.size(), 0u);
}

// A power cut after the stop went out (before its answer) replays the stop, never a sample of that
// transaction after it: the delivered samples' deletion is durable before a stop is sent (found by
// fault injection: MeterValues, StopTransaction, then both again after a kill).
TEST_F(OutboxDeliveryTest, APowerCutAfterTheStopWasSentReplaysNoSampleAfterIt) {
  Store store(path());
  Outbox outbox(store.db());
  fill(store, outbox, 3);
  outbox.remove(outbox.front()->seq);
  for (int i = 0; i < 3; ++i) outbox.delivered(outbox.front()->seq);
  const auto stop = outbox.front();  // what the sender is about to send
  ASSERT_EQ(stop->kind, OutboxKind::Stop);
  const fs::path cut = dir / "after-cut";
  fs::create_directories(cut);
  fs::copy_file(path(), cut / "cp.db");
  if (fs::exists(path() + "-wal")) fs::copy_file(path() + "-wal", cut / "cp.db-wal");
  Store restarted((cut / "cp.db").string());
  Outbox replay(restarted.db());
  ASSERT_TRUE(replay.front());
  EXPECT_EQ(replay.front()->kind, OutboxKind::Stop) << "the stop again, and no sample before it";
}

TEST_F(OutboxDeliveryTest, AtMostALimitedNumberOfDeliveredRowsWait) {
  Store store(path());
  Outbox outbox(store.db());
  const int samples = static_cast<int>(Outbox::kMaxUndeleted) + 10;
  fill(store, outbox, samples);
  outbox.remove(outbox.front()->seq);
  for (std::size_t i = 0; i + 1 < Outbox::kMaxUndeleted; ++i) outbox.delivered(outbox.front()->seq);
  EXPECT_EQ(outbox.undeleted(), Outbox::kMaxUndeleted - 1);
  EXPECT_EQ(rows(store), samples + 1);
  outbox.delivered(outbox.front()->seq);
  EXPECT_EQ(outbox.undeleted(), 0u) << "the limit was reached: they were deleted";
  EXPECT_EQ(rows(store), samples + 1 - static_cast<std::int64_t>(Outbox::kMaxUndeleted));
  EXPECT_EQ(outbox.front()->payload, sample(static_cast<int>(Outbox::kMaxUndeleted)));
}

TEST_F(OutboxDeliveryTest, APowerCutBeforeTheDeletionSendsTheSameSamplesAgain) {
  Store store(path());
  auto outbox = std::make_unique<Outbox>(store.db());
  fill(store, *outbox, 4);
  outbox->remove(outbox->front()->seq);
  std::vector<OutboxEvent> sent;
  for (int i = 0; i < 2; ++i) {
    sent.push_back(*outbox->front());
    outbox->delivered(sent.back().seq);
  }
  // What storage holds at this moment is what a power cut leaves: the files as they are now.
  const fs::path cut = dir / "after-cut";
  fs::create_directories(cut);
  fs::copy_file(path(), cut / "cp.db");
  if (fs::exists(path() + "-wal")) fs::copy_file(path() + "-wal", cut / "cp.db-wal");
  {
    Store restarted((cut / "cp.db").string());
    Outbox replay(restarted.db());
    for (const auto& e : sent) {
      const auto again = replay.front();
      ASSERT_TRUE(again);
      EXPECT_EQ(again->seq, e.seq);
      EXPECT_EQ(again->payload, e.payload) << "the same sample, sent again identically";
      EXPECT_EQ(again->transaction_pk, e.transaction_pk);
      replay.delivered(again->seq);
    }
    EXPECT_EQ(replay.front()->payload, sample(2)) << "nothing after them is lost or reordered";
  }
  // A clean stop deletes them: after it, nothing is sent twice.
  outbox.reset();
  Outbox reopened(store.db());
  ASSERT_TRUE(reopened.front());
  EXPECT_EQ(reopened.front()->payload, sample(2));
  EXPECT_EQ(rows(store), 3) << "two samples and the stop";
}

TEST_F(OutboxDeliveryTest, EachEventCarriesItsTransactionsCsmsIdAsItIsWhenRead) {
  Store store(path());
  Outbox outbox(store.db());
  TransactionStore transactions(store.db());
  const auto tx = fill(store, outbox, 1);
  outbox.append(OutboxKind::Meter, std::nullopt, "{\"idle\":1}");
  ASSERT_TRUE(outbox.front());
  EXPECT_FALSE(outbox.front()->csms_transaction_id) << "no id before the CSMS assigned one";
  transactions.set_csms_id(tx, "4711");
  std::vector<std::optional<std::string>> ids;
  while (auto e = outbox.front()) {
    ids.push_back(e->csms_transaction_id);
    outbox.remove(e->seq);
  }
  ASSERT_EQ(ids.size(), 4u);
  EXPECT_EQ(ids[0], std::optional<std::string>("4711")) << "the start";
  EXPECT_EQ(ids[1], std::optional<std::string>("4711")) << "its sample";
  EXPECT_EQ(ids[2], std::optional<std::string>("4711")) << "its stop";
  EXPECT_FALSE(ids[3]) << "a sample outside any transaction";
}

// DESIGN.md principle 7: a full disk refuses the event with a clear error, and the next event is
// stored as given (a statement kept prepared must not carry the refused one's values over).
TEST_F(OutboxDeliveryTest, AfterAFullDiskTheNextEventIsStoredAsGiven) {
  Store store(path());
  Outbox outbox(store.db());
  outbox.append(OutboxKind::Meter, std::nullopt, sample(1));
  auto pages = store.db().prepare("PRAGMA page_count");
  ASSERT_TRUE(pages.step());
  store.db().exec("PRAGMA max_page_count=" + std::to_string(pages.int64(0)));
  try {
    outbox.append(OutboxKind::Meter, std::nullopt, std::string(64 * 1024, 'x'));
    ADD_FAILURE() << "an event larger than the room left was stored";
  } catch (const db::DbError& e) {
    EXPECT_TRUE(e.disk_full()) << e.what();
  }
  store.db().exec("PRAGMA max_page_count=1000000");
  outbox.append(OutboxKind::Meter, std::nullopt, sample(2));
  std::vector<std::string> stored;
  while (auto e = outbox.front()) {
    stored.push_back(e->payload);
    outbox.remove(e->seq);
  }
  ASSERT_EQ(stored.size(), 2u) << "the refused event is not in the queue";
  EXPECT_EQ(stored[0], sample(1));
  EXPECT_TRUE(stored[1] == sample(2)) << "the next event was stored as " << stored[1].size()
                                      << " bytes instead of " << sample(2);
}

// Reading the queue leaves no read transaction open behind it: a checkpoint can always empty the
// WAL, or it would grow for as long as the pile runs.
TEST_F(OutboxDeliveryTest, ReadingTheQueueNeverHoldsTheWal) {
  Store store(path());
  Outbox outbox(store.db());
  fill(store, outbox, 3);
  ASSERT_TRUE(outbox.front());
  EXPECT_EQ(outbox.size(), 5u);
  db::Database other(path());
  auto st = other.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.int64(0), 0) << "the checkpoint was not blocked by a reader";
  EXPECT_EQ(fs::file_size(path() + "-wal"), 0u) << "the WAL was emptied";
}

}  // namespace
}  // namespace ocpp::cp
