// Where the security events come from (security_monitor.hpp): each one a user of the security log
// would look for, and the bounds on repeats.
#include "ocpp/cp/security_monitor.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/security_log.hpp"
#include "ocpp/cp/store.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class SecurityMonitorTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("ocpp-secmon-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override {
    fs::create_directories(dir);
    store = std::make_unique<Store>((dir / "cp.db").string());
    events = std::make_unique<SecurityEvents>(store->db());
    monitor = std::make_unique<SecurityMonitor>(*events, clock);
  }
  void TearDown() override {
    monitor.reset();
    events.reset();
    store.reset();
    fs::remove_all(dir);
  }
  std::vector<std::string> types() {
    std::vector<std::string> out;
    for (const auto& e : SecurityLog(store->db()).entries()) out.push_back(e.type);
    return out;
  }
  ManualClock clock;
  std::unique_ptr<Store> store;
  std::unique_ptr<SecurityEvents> events;
  std::unique_ptr<SecurityMonitor> monitor;
};

TEST_F(SecurityMonitorTest, StartupResetAndTamper) {
  monitor->started("1.2.3");
  monitor->rebooting("Soft Reset from the CSMS");
  monitor->tamper("lid");
  EXPECT_EQ(types(), (std::vector<std::string>{"StartupOfTheDevice", "ResetOrReboot", "TamperDetectionActivated"}));
  EXPECT_EQ(events->count(), 3) << "queued for the CSMS as well";
}

TEST_F(SecurityMonitorTest, OnlyAClockJumpIsSettingTheTime) {
  monitor->clock_moved(1500ms);
  monitor->clock_moved(-3s);
  EXPECT_TRUE(types().empty()) << "corrections of a drifting clock are not reported";
  monitor->clock_moved(std::chrono::hours(-2));
  ASSERT_EQ(types(), std::vector<std::string>{"SettingSystemTime"});
  EXPECT_NE(SecurityLog(store->db()).entries()[0].tech_info.find("-7200 s"), std::string::npos);
}

TEST_F(SecurityMonitorTest, ConnectionFailuresAreClassifiedAndReportedOncePerOutage) {
  monitor->connection_failed("connection refused");
  monitor->connection_failed("HS: ws upgrade unauthorized (HTTP 401)");
  monitor->connection_failed("HS: ws upgrade unauthorized (HTTP 401)");  // the next retry
  monitor->connection_failed("tls: certificate verify failed");
  EXPECT_EQ(types(), (std::vector<std::string>{"FailedToAuthenticateAtCsms", "InvalidCsmsCertificate"}));
  monitor->connected();
  monitor->connection_failed("HS: ws upgrade unauthorized (HTTP 401)");
  EXPECT_EQ(types().size(), 3U) << "a new outage is reported again";
  EXPECT_EQ(SecurityMonitor::classify_connection_failure("ssl3_get_record: wrong version number"), "InvalidTLSVersion");
  EXPECT_EQ(SecurityMonitor::classify_connection_failure("no shared cipher"), "InvalidTLSCipherSuite");
  EXPECT_EQ(SecurityMonitor::classify_connection_failure("closed by the CSMS"), std::nullopt);
}

TEST_F(SecurityMonitorTest, InvalidMessagesAreRateLimited) {
  for (int i = 0; i < 50; ++i) monitor->invalid_message("Reset refused: FormationViolation");
  EXPECT_EQ(types().size(), 1U);
  clock.advance(SecurityMonitor::kInvalidMessageInterval);
  monitor->invalid_message("GetLog refused: TypeConstraintViolation");
  const auto entries = SecurityLog(store->db()).entries();
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[1].tech_info, "49 more since the last report; latest: GetLog refused: TypeConstraintViolation");
}

TEST_F(SecurityMonitorTest, StoreFailuresAreMemoryExhaustionOncePerNewFailure) {
  monitor->store_failures(0);
  monitor->store_failures(2);
  monitor->store_failures(2);
  monitor->store_failures(3);
  EXPECT_EQ(types(), (std::vector<std::string>{"MemoryExhaustion", "MemoryExhaustion"}));
}

}  // namespace
}  // namespace ocpp::cp
