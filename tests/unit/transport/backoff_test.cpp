#include "ocpp/transport/backoff.hpp"

#include <gtest/gtest.h>

namespace ocpp::transport {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, DoublesRepeatTimesThenStaysConstant) {
  // 2.0.1 B10 / RetryBackOff*: minimum 5 s, no random part, doubling 3 times.
  Backoff b({5s, 0s, 3});
  EXPECT_EQ(b.next(), 5000ms);
  EXPECT_EQ(b.next(), 10000ms);
  EXPECT_EQ(b.next(), 20000ms);
  EXPECT_EQ(b.next(), 40000ms);
  EXPECT_EQ(b.next(), 40000ms) << "after RepeatTimes doublings the wait stays constant";
  b.reset();
  EXPECT_EQ(b.next(), 5000ms) << "a successful connection starts over";
}

TEST(Backoff, RandomPartStaysWithinTheRange) {
  Backoff b({2s, 3s, 0}, 1234);
  bool varied = false;
  std::chrono::milliseconds first = b.next();
  for (int i = 0; i < 200; ++i) {
    const auto w = b.next();
    ASSERT_GE(w, 2000ms);
    ASSERT_LE(w, 5000ms);
    varied |= w != first;
  }
  EXPECT_TRUE(varied) << "the random part spreads reconnecting charge points apart";
}

}  // namespace
}  // namespace ocpp::transport
