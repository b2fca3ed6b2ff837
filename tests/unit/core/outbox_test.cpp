#include "ocpp/cp/outbox.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "ocpp/cp/store.hpp"

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
