// The daemon's recent log on disk (recent_log.hpp): bounded, kept across a restart, and what the
// logger writes reaches it without the secrets the daemon never logs.
#include "ocpp/cp/recent_log.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ocpp/common/log.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class RecentLogTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("ocpp-recentlog-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void TearDown() override {
    log::set_sink(nullptr);
    fs::remove_all(dir);
  }
};

TEST_F(RecentLogTest, RotatesAndStaysWithinTwoFiles) {
  RecentLogFile file(dir.string(), 1000);
  for (int i = 0; i < 500; ++i) file.append("line " + std::to_string(i) + " " + std::string(40, 'x'));
  const auto files = file.files();
  ASSERT_EQ(files.size(), 2U);
  EXPECT_EQ(fs::path(files[0]).filename(), "chargepoint.log.1");
  std::uint64_t total = 0;
  for (const auto& f : files) total += fs::file_size(f);
  EXPECT_LE(total, 2000U);
  EXPECT_NE(slurp(files[1]).find("line 499 "), std::string::npos) << "the newest line is kept";
  EXPECT_EQ(slurp(files[0]).find("line 0 "), std::string::npos) << "the oldest went";
}

TEST_F(RecentLogTest, KeptAcrossARestart) {
  { RecentLogFile(dir.string()).append("before the restart"); }
  RecentLogFile again(dir.string());
  again.append("after");
  EXPECT_EQ(slurp(again.files().back()), "before the restart\nafter\n");
}

TEST_F(RecentLogTest, TheLoggerFeedsItWholeLines) {
  RecentLogFile file(dir.string());
  log::set_sink([&file](std::string_view line) { file.append(line); });
  log::warn("logs", "two\nlines become one");
  log::set_sink(nullptr);
  const auto text = slurp(file.files().back());
  EXPECT_NE(text.find("WARN  logs: two lines become one\n"), std::string::npos) << text;
  EXPECT_EQ(text.rfind("20", 0), 0U) << "starts with its time, for GetLog's window";
}

}  // namespace
}  // namespace ocpp::cp
