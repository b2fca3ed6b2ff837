// The security log (security_log.hpp): kept after sending, bounded, filtered by time for GetLog.
#include "ocpp/cp/security_log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/store.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class SecurityLogTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("ocpp-seclog-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override {
    fs::create_directories(dir);
    store = std::make_unique<Store>((dir / "cp.db").string());
  }
  void TearDown() override {
    store.reset();
    fs::remove_all(dir);
  }
  std::unique_ptr<Store> store;
  SystemTime t0 = SystemTime{} + std::chrono::hours(24 * 365 * 56);
};

TEST_F(SecurityLogTest, EventsStayInTheLogAfterTheCsmsTookThem) {
  SecurityEvents events(store->db());
  events.push("StartupOfTheDevice", "", t0);
  events.push("ResetOrReboot", "Reset Soft from the CSMS", t0 + 1s);
  while (auto e = events.front()) events.remove(e->seq);  // sent and answered
  EXPECT_EQ(events.count(), 0);

  SecurityLog log(store->db());
  const auto entries = log.entries();
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].type, "StartupOfTheDevice");
  EXPECT_EQ(entries[1].type, "ResetOrReboot");
  EXPECT_EQ(entries[1].tech_info, "Reset Soft from the CSMS");
  EXPECT_EQ(entries[1].at, t0 + 1s);
  const auto text = SecurityLog::to_text(entries);
  EXPECT_NE(text.find("StartupOfTheDevice\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ResetOrReboot Reset Soft from the CSMS\n"), std::string::npos) << text;
}

TEST_F(SecurityLogTest, KeepsOnlyTheNewestEntries) {
  SecurityLog log(store->db(), 5);
  for (int i = 0; i < 12; ++i) log.record("InvalidMessages", "n" + std::to_string(i), t0 + std::chrono::seconds(i));
  EXPECT_EQ(log.count(), 5);
  const auto entries = log.entries();
  ASSERT_EQ(entries.size(), 5U);
  EXPECT_EQ(entries.front().tech_info, "n7");
  EXPECT_EQ(entries.back().tech_info, "n11");
}

TEST_F(SecurityLogTest, TheDefaultBoundHoldsUnderALongAttack) {
  SecurityEvents events(store->db());
  for (int i = 0; i < 2100; ++i) events.push("AttemptedReplayAttacks", "", t0 + std::chrono::seconds(i));
  EXPECT_EQ(SecurityLog(store->db()).count(), SecurityLog::kDefaultMaxEntries);
}

TEST_F(SecurityLogTest, FiltersByTheRequestedWindow) {
  SecurityLog log(store->db());
  for (int i = 0; i < 10; ++i) log.record("SettingSystemTime", std::to_string(i), t0 + std::chrono::minutes(i));
  const auto some = log.entries(t0 + 3min, t0 + 5min);
  ASSERT_EQ(some.size(), 3U);
  EXPECT_EQ(some.front().tech_info, "3");
  EXPECT_EQ(some.back().tech_info, "5");
  EXPECT_EQ(log.entries(t0 + 8min, std::nullopt).size(), 2U);
  EXPECT_EQ(log.entries(std::nullopt, t0).size(), 1U);
}

TEST_F(SecurityLogTest, SurvivesAReopen) {
  SecurityEvents(store->db()).push("TamperDetectionActivated", "lid opened", t0);
  store = std::make_unique<Store>((dir / "cp.db").string());
  const auto entries = SecurityLog(store->db()).entries();
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries[0].tech_info, "lid opened");
}

}  // namespace
}  // namespace ocpp::cp
