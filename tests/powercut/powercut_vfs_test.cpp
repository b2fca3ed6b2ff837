// The power-cut VFS itself (tests/powercut/powercut_vfs.hpp): it must tell a kill of the process
// (nothing written is lost) from a power cut (what was not synced is lost), and keep what was.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>

#include "ocpp/db/database.hpp"
#include "powercut_vfs.hpp"

namespace ocpp::test {
namespace {

namespace fs = std::filesystem;

class PowerCutVfsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    vfs_ = &PowerCutVfs::install(false);
    fs::create_directories(dir_);
  }
  // The VFS outlives the test: it forgets this test's files before they go.
  void TearDown() override {
    vfs_->restore(rng_, Tear::None);
    fs::remove_all(dir_);
  }

  std::string path() const { return (dir_ / "t.db").string(); }
  static std::int64_t count(db::Database& db) {
    auto st = db.prepare("SELECT COUNT(*) FROM t");
    st.step();
    return st.int64(0);
  }
  // Rows 1..n, one commit each, at the given synchronous level.
  static void insert(db::Database& db, int from, int n, const char* sync) {
    db.exec(std::string("PRAGMA synchronous=") + sync);
    for (int i = from; i < from + n; ++i) db.exec("INSERT INTO t VALUES(" + std::to_string(i) + ")");
    db.exec("PRAGMA synchronous=FULL");
  }

  PowerCutVfs* vfs_ = nullptr;
  fs::path dir_ = fs::temp_directory_path() / ("ocpp-powercut-vfs-" + std::to_string(::getpid()));
  std::mt19937_64 rng_{7};
};

// synchronous=OFF commits survive closing the connection (a kill keeps the kernel's cache) but not
// a power cut; the FULL commits before them survive both.
TEST_F(PowerCutVfsTest, APowerCutLosesWhatWasNotSyncedAndKeepsWhatWas) {
  {
    db::Database db(path(), PowerCutVfs::kName);
    db.exec("CREATE TABLE t(x INTEGER)");
    insert(db, 1, 5, "FULL");
    insert(db, 6, 5, "OFF");
    vfs_->arm(vfs_->ops() + 1);  // the next write, whatever it is, is too late
    insert(db, 11, 1, "FULL");
    EXPECT_TRUE(vfs_->cut());
    EXPECT_EQ(count(db), 11) << "the program sees its own writes until the lights go out";
  }
  vfs_->restore(rng_, Tear::None);
  db::Database db(path(), PowerCutVfs::kName);
  EXPECT_EQ(count(db), 5) << "only the synced commits are left";
}

TEST_F(PowerCutVfsTest, WithoutACutNothingIsLostAcrossAKill) {
  {
    db::Database db(path(), PowerCutVfs::kName);
    db.exec("CREATE TABLE t(x INTEGER)");
    insert(db, 1, 5, "OFF");
  }
  db::Database db(path(), PowerCutVfs::kName);
  EXPECT_EQ(count(db), 5);
}

// Torn and garbled writes since the last sync, at every point of a run of FULL commits: each
// reopen sees exactly a prefix of them that includes every commit that returned before the cut.
TEST_F(PowerCutVfsTest, EveryCommitThatReturnedBeforeTheCutSurvivesTornWrites) {
  {
    db::Database db(path(), PowerCutVfs::kName);
    db.exec("CREATE TABLE t(x INTEGER)");
  }
  vfs_->restore(rng_, Tear::None);
  int next = 1;
  for (int round = 0; round < 60; ++round) {
    int acknowledged = next - 1;
    {
      db::Database db(path(), PowerCutVfs::kName);
      vfs_->arm(vfs_->ops() + 1 + rng_() % 40);
      while (!vfs_->cut()) {
        insert(db, next, 1, round % 3 == 0 ? "NORMAL" : "FULL");
        if (!vfs_->cut() && round % 3 != 0) acknowledged = next;
        ++next;
      }
    }
    const auto tear = static_cast<Tear>(round % 3);
    vfs_->restore(rng_, tear);
    db::Database db(path(), PowerCutVfs::kName);
    auto st = db.prepare("SELECT COUNT(*), COALESCE(MAX(x), 0) FROM t");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.int64(0), st.int64(1)) << "a prefix of the commits, no gap, round " << round;
    EXPECT_GE(st.int64(1), acknowledged) << "a commit that returned was lost, round " << round;
    next = static_cast<int>(st.int64(1)) + 1;
  }
}

}  // namespace
}  // namespace ocpp::test
