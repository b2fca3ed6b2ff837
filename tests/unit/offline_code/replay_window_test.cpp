// Single use (docs/offline-code.md section 6): the replay window never accepts a serial twice, keeps a
// fixed size, and survives a reboot through its text form.
#include "ocpp/offline_code/replay_window.hpp"

#include <gtest/gtest.h>

#include <random>
#include <set>

namespace ocpp::offline_code {
namespace {

using Check = ReplayWindow::Check;

TEST(ReplayWindow, FirstUseThenUsed) {
  ReplayWindow w;
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.check(17), Check::Fresh);
  EXPECT_EQ(w.accept(17), Check::Fresh);
  EXPECT_EQ(w.check(17), Check::Used);
  EXPECT_EQ(w.accept(17), Check::Used);
  EXPECT_EQ(w.highest(), 17u);
  EXPECT_EQ(w.accept(0), Check::Fresh) << "below the highest but inside the window";
  EXPECT_EQ(w.accept(0), Check::Used);
}

TEST(ReplayWindow, WindowEdgesAcrossWordBoundaries) {
  ReplayWindow w;
  for (std::uint32_t s : {0u, 63u, 64u, 65u, 127u, 128u, 1023u}) ASSERT_EQ(w.accept(s), Check::Fresh) << s;
  for (std::uint32_t s : {0u, 63u, 64u, 65u, 127u, 128u, 1023u}) EXPECT_EQ(w.check(s), Check::Used) << s;
  for (std::uint32_t s : {1u, 62u, 66u, 126u, 129u, 1022u}) EXPECT_EQ(w.check(s), Check::Fresh) << s;
  ASSERT_EQ(w.accept(1024), Check::Fresh);
  EXPECT_EQ(w.check(0), Check::TooOld) << "1024 below the highest";
  EXPECT_EQ(w.check(1), Check::Fresh) << "1023 below the highest";
  for (std::uint32_t s : {63u, 64u, 65u, 127u, 128u, 1023u}) EXPECT_EQ(w.check(s), Check::Used) << s;
  ASSERT_EQ(w.accept(1024 + 700), Check::Fresh);
  EXPECT_EQ(w.check(1023), Check::Used);
  EXPECT_EQ(w.check(1024 + 700 - 1024), Check::TooOld);
  ASSERT_EQ(w.accept(100000), Check::Fresh);
  for (std::uint32_t s = 100000 - 1023; s < 100000; ++s) ASSERT_EQ(w.check(s), Check::Fresh) << s;
  EXPECT_EQ(w.check(1724), Check::TooOld);
}

TEST(ReplayWindow, NeverReacceptsAgainstAReferenceModel) {
  // Random serials, mostly near the top, sometimes far below or far above: whatever the window says
  // is compared with the complete history.
  std::mt19937_64 rng(6);
  ReplayWindow w;
  std::set<std::uint32_t> accepted;
  std::uint32_t top = 0;
  for (int i = 0; i < 200000; ++i) {
    std::uint32_t s = 0;
    switch (rng() % 10) {
      case 0: s = top + static_cast<std::uint32_t>(rng() % 50); break;                // new
      case 1: s = static_cast<std::uint32_t>(rng() % (top + 1)); break;               // anything older
      default: s = top > 1100 ? top - static_cast<std::uint32_t>(rng() % 1100) : static_cast<std::uint32_t>(rng() % (top + 1)); break;
    }
    const bool seen = accepted.count(s) != 0;
    const Check c = w.accept(s);
    if (c == Check::Fresh) {
      ASSERT_FALSE(seen) << "serial " << s << " accepted twice";
      accepted.insert(s);
      top = std::max(top, s);
    } else if (c == Check::Used) {
      ASSERT_TRUE(seen) << s;
    } else {
      ASSERT_LT(s + ReplayWindow::kWidth, top + 1) << "too old only below the window";
    }
    // Exact inside the window: refused there only if really used.
    if (!seen && s + ReplayWindow::kWidth > top) {
      ASSERT_EQ(c, Check::Fresh) << s;
    }
  }
  EXPECT_GT(accepted.size(), 10000u);
}

TEST(ReplayWindow, StaysBounded) {
  ReplayWindow w;
  const std::size_t empty_size = w.serialise().size();
  EXPECT_EQ(w.serialise(), "replay/1 -");
  std::size_t size = 0;
  for (std::uint32_t s = 0; s < 50000; s += 3) {
    w.accept(s);
    const std::string text = w.serialise();
    if (s > 10000 && s < 90000) {
      if (size == 0) size = text.size();
      ASSERT_EQ(text.size(), size) << "the state does not grow with use";
    }
  }
  EXPECT_GT(size, empty_size);
  EXPECT_LE(size, std::string("replay/1 4294967295 ").size() + 256);
  EXPECT_LE(sizeof(ReplayWindow), 160u);
}

TEST(ReplayWindow, SurvivesARebootThroughItsText) {
  std::mt19937_64 rng(77);
  ReplayWindow w;
  for (int i = 0; i < 3000; ++i) {
    w.accept(static_cast<std::uint32_t>(rng() % 4096));
    if (i % 97 == 0) {
      const auto back = ReplayWindow::parse(w.serialise());
      ASSERT_TRUE(back) << w.serialise();
      ASSERT_EQ(*back, w);
      ASSERT_EQ(back->serialise(), w.serialise());
      w = *back;  // carry on with the reloaded state
    }
  }
  EXPECT_EQ(ReplayWindow::parse("replay/1 -"), ReplayWindow{});
}

TEST(ReplayWindow, RefusesDamagedText) {
  ReplayWindow w;
  w.accept(5);
  w.accept(3);
  const std::string good = w.serialise();
  ASSERT_TRUE(ReplayWindow::parse(good));
  const std::string hex = good.substr(std::string("replay/1 5 ").size());
  EXPECT_FALSE(ReplayWindow::parse(""));
  EXPECT_FALSE(ReplayWindow::parse("replay/2 -"));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 "));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 5"));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 5 " + hex.substr(1)));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 5 " + hex + "0"));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 05 " + hex));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 +5 " + hex));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 -5 " + hex));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 4294967296 " + hex));
  EXPECT_FALSE(ReplayWindow::parse("replay/1 5 g" + hex.substr(1)));
  // No bit may stand for a serial below 0. The highest serial's own bit is clear only once its code
  // was freed (release()), which a stored window may show.
  EXPECT_FALSE(ReplayWindow::parse("replay/1 5 41" + std::string(254, '0'))) << "bit 6 = serial -1";
  EXPECT_TRUE(ReplayWindow::parse("replay/1 5 21" + std::string(254, '0')));
  EXPECT_TRUE(ReplayWindow::parse("replay/1 5 " + std::string(256, '0')));
}

// A freed serial is fresh again and the window does not move: freeing the highest one brings back
// nothing that had left the window (docs/offline-code.md §6).
TEST(ReplayWindow, ReleaseFreesOneSerialAndNeverMovesTheWindow) {
  ReplayWindow w;
  ASSERT_EQ(w.accept(10), Check::Fresh);
  ASSERT_EQ(w.accept(2000), Check::Fresh);
  EXPECT_EQ(w.check(10), Check::TooOld);
  EXPECT_TRUE(w.release(2000));
  EXPECT_EQ(w.check(2000), Check::Fresh);
  EXPECT_EQ(w.check(10), Check::TooOld) << "still out of the window";
  EXPECT_FALSE(w.release(1999)) << "never accepted";
  EXPECT_FALSE(w.release(10)) << "out of the window";
  const auto round_trip = ReplayWindow::parse(w.serialise());
  ASSERT_TRUE(round_trip);
  EXPECT_EQ(*round_trip, w);
  EXPECT_EQ(w.accept(2000), Check::Fresh);
  EXPECT_EQ(w.check(2000), Check::Used);
}

}  // namespace
}  // namespace ocpp::offline_code
