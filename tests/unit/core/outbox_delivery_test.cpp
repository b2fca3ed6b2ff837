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

// A delivered sample leaves the queue and its row at once; the commit does not wait for the disk,
// and the database is back to synchronous=FULL for everything else (principle 4).
TEST_F(OutboxDeliveryTest, ADeliveredSampleLeavesTheQueueAndItsRowAtOnce) {
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
  EXPECT_EQ(rows(store), 3);
  auto sync = store.db().prepare("PRAGMA synchronous");
  ASSERT_TRUE(sync.step());
  EXPECT_EQ(sync.int64(0), 2) << "FULL again after the relaxed commit";
}

// A kill of the process right after deliveries (the files as they are then, WAL included) sends
// none of the delivered samples again: only a power cut of the whole controller could.
TEST_F(OutboxDeliveryTest, AKillAfterDeliveriesSendsNothingTwice) {
  Store store(path());
  Outbox outbox(store.db());
  fill(store, outbox, 4);
  outbox.remove(outbox.front()->seq);
  for (int i = 0; i < 2; ++i) outbox.delivered(outbox.front()->seq);
  const fs::path cut = dir / "after-kill";
  fs::create_directories(cut);
  fs::copy_file(path(), cut / "cp.db");
  if (fs::exists(path() + "-wal")) fs::copy_file(path() + "-wal", cut / "cp.db-wal");
  Store restarted((cut / "cp.db").string());
  Outbox replay(restarted.db());
  ASSERT_TRUE(replay.front());
  EXPECT_EQ(replay.front()->payload, sample(2)) << "the next undelivered sample, nothing before it";
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
