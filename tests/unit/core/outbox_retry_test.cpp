// The rule of OutboxRetry (1.6 §4.7, 2.0.1 E13): what becomes of a transaction message once the
// CSMS answered it, refused it, never answered it, or the link dropped under it.
#include "ocpp/cp/outbox_retry.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "ocpp/common/timer_queue.hpp"
#include "ocpp/cp/store.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using O = OutboxRetry::Outcome;

class OutboxRetryTest : public ::testing::Test {
 protected:
  ~OutboxRetryTest() override { fs::remove_all(dir); }

  // What the adapter's pump does: sends the front event, whose answer the test then gives.
  void pump() {
    if (retry.holding()) return;
    const auto e = outbox.front();
    if (!e) return;
    retry.begin();
    sent.push_back(e->seq);
  }
  void answer(O outcome) {
    const auto e = outbox.front();
    ASSERT_TRUE(e);
    retry.settle(e->seq, e->kind == OutboxKind::Meter, e->attempts, outcome, "InternalError");
  }

  fs::path dir = fs::temp_directory_path() / ("ocpp-retry-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  bool made = fs::create_directories(dir);  // before the store opens its file there
  ManualClock clock;
  ManualEventLoop loop{clock};
  Store store{(dir / "cp.db").string()};
  Settings settings{store.db(), core_setting_specs()};
  Outbox outbox{store.db()};
  OutboxRetry retry{loop, settings, "test"};
  std::vector<std::int64_t> sent;
};

// E13.FR.01: a CSMS that never answers is an attempt like one that refuses, so the queue moves on
// after the last attempt; the message stays in the store (issue 14: it blocked the queue for ever).
TEST_F(OutboxRetryTest, UnansweredMessagesAreAttemptsAndTheQueueMovesOn) {
  ASSERT_EQ(settings.set("transaction_message_attempts", "3"), SetResult::Accepted);
  ASSERT_EQ(settings.set("transaction_message_retry_interval_s", "10"), SetResult::Accepted);
  retry.bind(outbox, [this] { pump(); });
  const auto start = outbox.append(OutboxKind::Start, std::nullopt, "{}");
  const auto stop = outbox.append(OutboxKind::Stop, std::nullopt, "{}");
  pump();
  answer(O::Unanswered);
  EXPECT_TRUE(retry.holding()) << "waits the retry interval";
  loop.advance(9s);
  EXPECT_EQ(sent, (std::vector<std::int64_t>{start}));
  loop.advance(1s);  // 10 s x 1 attempt
  EXPECT_EQ(sent, (std::vector<std::int64_t>{start, start}));
  answer(O::Unanswered);
  loop.advance(19s);
  EXPECT_EQ(sent.size(), 2u);
  loop.advance(1s);  // 10 s x 2 attempts
  EXPECT_EQ(sent, (std::vector<std::int64_t>{start, start, start}));
  answer(O::Unanswered);
  // Given up on: kept, counted, and the next event goes at once.
  EXPECT_EQ(outbox.discarded(), 1u);
  EXPECT_EQ(sent, (std::vector<std::int64_t>{start, start, start, stop}));
  auto st = store.db().prepare("SELECT discard_reason FROM outbox WHERE seq=?1");
  st.bind(1, start);
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), "refused 3 times: no answer within the call timeout");
}

// A lost link is not an attempt: the event waits for it however long, and is then delivered.
TEST_F(OutboxRetryTest, ALostLinkIsNoAttempt) {
  ASSERT_EQ(settings.set("transaction_message_attempts", "1"), SetResult::Accepted);
  retry.bind(outbox, [this] { pump(); });
  const auto start = outbox.append(OutboxKind::Start, std::nullopt, "{}");
  pump();
  for (int i = 0; i < 5; ++i) {
    answer(O::LinkLost);
    loop.advance(1s);
  }
  EXPECT_EQ(outbox.discarded(), 0u);
  EXPECT_EQ(sent.size(), 6u);
  answer(O::Delivered);
  EXPECT_EQ(outbox.size(), 0u);
  EXPECT_EQ(outbox.discarded(), 0u);
  EXPECT_EQ(sent.front(), start);
}

// A refusal counts, and the wait grows with the attempts made (1.6 §4.7's example: 60 s, 120 s).
TEST_F(OutboxRetryTest, RefusalsWaitTheIntervalTimesTheAttempts) {
  ASSERT_EQ(settings.set("transaction_message_attempts", "3"), SetResult::Accepted);
  ASSERT_EQ(settings.set("transaction_message_retry_interval_s", "60"), SetResult::Accepted);
  retry.bind(outbox, [this] { pump(); });
  outbox.append(OutboxKind::Stop, std::nullopt, "{}");
  pump();
  answer(O::Refused);
  loop.advance(59s);
  EXPECT_EQ(sent.size(), 1u);
  loop.advance(1s);
  EXPECT_EQ(sent.size(), 2u);
  answer(O::Refused);
  loop.advance(119s);
  EXPECT_EQ(sent.size(), 2u);
  loop.advance(1s);
  EXPECT_EQ(sent.size(), 3u);
  answer(O::Delivered);
  EXPECT_EQ(outbox.size(), 0u);
  EXPECT_EQ(outbox.discarded(), 0u);
}

}  // namespace
}  // namespace ocpp::cp
