#include "ocpp/cp/store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;

class StoreTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("ocpp-store-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

TEST_F(StoreTest, CorruptFileIsMovedAsideNotOverwritten) {
  const auto path = (dir / "cp.db").string();
  {
    std::ofstream f(path, std::ios::binary);
    f << "this is not a database, it is what a bad eMMC block left behind" << std::string(5000, 'x');
  }
  Store store(path);
  // The new file works and has the schema.
  store.db().exec("INSERT INTO settings(name, value) VALUES('x', 'y')");
  bool moved_aside = false;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().filename().string().rfind("cp.db.corrupt-", 0) == 0 && fs::file_size(e.path()) > 5000) moved_aside = true;
  }
  EXPECT_TRUE(moved_aside) << "the corrupt file is kept for investigation";
}

TEST_F(StoreTest, DatabaseOfANewerVersionIsRefused) {
  const auto path = (dir / "cp.db").string();
  {
    db::Database db(path);
    db.exec("PRAGMA user_version=999");
  }
  EXPECT_THROW(Store{path}, db::DbError);
}

TEST_F(StoreTest, SurvivesReopening) {
  const auto path = (dir / "cp.db").string();
  {
    Store store(path);
    store.db().exec("INSERT INTO settings(name, value) VALUES('heartbeat_interval_s', '42')");
  }
  Store again(path);
  auto st = again.db().prepare("SELECT value FROM settings WHERE name='heartbeat_interval_s'");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), "42");
}

}  // namespace
}  // namespace ocpp::cp
