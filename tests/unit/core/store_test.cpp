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

// A store with what a user would miss: a running transaction with unsent events, a setting, an
// offline-code key and its replay window.
void fill(const std::string& path) {
  Store store(path);
  auto& db = store.db();
  db.exec("INSERT INTO settings(name, value) VALUES('heartbeat_interval_s', '42')");
  db.exec("INSERT INTO transactions(pk, connector_id, id_tag, meter_start_wh, started_at, station_transaction_id) "
          "VALUES(7, 1, 'TAG-1', 1000, '2026-12-01T10:00:00Z', 'tx-7')");
  db.exec("INSERT INTO outbox(kind, transaction_pk, payload) VALUES('start', 7, '{\"n\":1}'), ('meter', 7, '{\"n\":2}')");
  db.exec("INSERT INTO stop_samples(transaction_pk, sample) VALUES(7, '{}')");
  db.exec("INSERT INTO offline_code_keys(version, key_hex, installed_at) VALUES(3, '" + std::string(64, 'a') + "', 1)");
  db.exec("INSERT INTO offline_code_windows(version, window) VALUES(3, 'used:17')");
  db.exec("INSERT INTO offline_code_state(name, value) VALUES('newest_version_ever', '3')");
}

// Overwrites the page where `object` (a table or an index) starts, as a bad flash block would.
void damage(const std::string& path, const std::string& object) {
  std::int64_t page = 0;
  {
    db::Database db(path);  // its closing moves the WAL into the file
    auto st = db.prepare("SELECT rootpage FROM sqlite_master WHERE name=?1");
    st.bind(1, object);
    ASSERT_TRUE(st.step());
    page = st.int64(0);
  }
  ASSERT_FALSE(fs::exists(path + "-wal")) << "the damage must hit the file itself";
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp((page - 1) * 4096);
  f << std::string(4096, '\xA5');
}

std::int64_t count(Store& store, const std::string& sql) {
  auto st = store.db().prepare(sql);
  EXPECT_TRUE(st.step());
  return st.int64(0);
}

// Issue 14 (defect 8): a bad page in an index loses nothing: the unsent transaction, its events,
// the settings and the offline-code key with its replay window are all in the new file.
TEST_F(StoreTest, ADamagedFileIsSalvagedIntoTheNewOne) {
  const auto path = (dir / "cp.db").string();
  fill(path);
  damage(path, "stop_samples_by_transaction");
  Store store(path);
  ASSERT_TRUE(store.moved_aside().has_value()) << "the damage is found";
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM transactions WHERE pk=7 AND station_transaction_id='tx-7'"), 1);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM outbox WHERE transaction_pk=7 AND discarded_at IS NULL"), 2);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM stop_samples"), 1);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM settings WHERE value='42'"), 1);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM offline_code_keys WHERE version=3"), 1);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM offline_code_windows WHERE window='used:17'"), 1);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM offline_code_state WHERE name='replay_windows_lost'"), 0);
  // The next event keeps counting after the salvaged ones.
  store.db().exec("INSERT INTO outbox(kind, transaction_pk, payload) VALUES('stop', 7, '{}')");
  EXPECT_EQ(count(store, "SELECT MAX(seq) FROM outbox"), 3);
}

// The key and its replay windows live or die together: windows that cannot be read take the keys
// with them, and the loss is recorded so that no key is installed again under the old windows.
TEST_F(StoreTest, LostReplayWindowsTakeTheKeysWithThem) {
  const auto path = (dir / "cp.db").string();
  fill(path);
  damage(path, "offline_code_windows");
  Store store(path);
  ASSERT_TRUE(store.moved_aside().has_value());
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM offline_code_keys"), 0);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM offline_code_state WHERE name='replay_windows_lost'"), 1);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM offline_code_state WHERE name='newest_version_ever' AND value='3'"), 1);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM outbox WHERE transaction_pk=7"), 2) << "charging data is still saved";
}

TEST_F(StoreTest, AFileThatIsNoDatabaseAtAllIsMarkedAsLost) {
  const auto path = (dir / "cp.db").string();
  {
    std::ofstream f(path, std::ios::binary);
    f << std::string(8192, 'x');
  }
  Store store(path);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM offline_code_state WHERE name='replay_windows_lost'"), 1);
  EXPECT_EQ(count(store, "SELECT COUNT(*) FROM transactions"), 0);
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
