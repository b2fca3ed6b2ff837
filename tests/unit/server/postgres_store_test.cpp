// The server side's promises on PostgreSQL with several connections at once, as several CSMS
// instances on one database have them (issue 16): a serial is issued once, a session is settled
// once, migrations run once, a lost connection is retried and an unreachable server is reported as
// such. Run by ctest's unit_server_postgres (OCPP_SERVER_TEST_BACKEND=postgresql), skipped otherwise.
#include <set>
#include <thread>

#include "ocpp/server/key_book.hpp"
#include "ocpp/server/settlement_book.hpp"
#include "server_test_support.hpp"

namespace ocpp::server::test {
namespace {

class PostgresStoreTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (IsSkipped()) return;
    if (!postgres_requested()) GTEST_SKIP() << "PostgreSQL only (OCPP_SERVER_TEST_BACKEND=postgresql)";
  }
  std::unique_ptr<db::SqlConnection> another() { return db::open_sql(target()); }

  // Runs fn(connection) on two threads at once, each with its own connection.
  void on_two_connections(const std::function<void(db::SqlConnection&, int)>& fn) {
    auto first = another();
    auto second = another();
    std::thread a([&] { fn(*first, 0); });
    std::thread b([&] { fn(*second, 1); });
    a.join();
    b.join();
  }
};

TEST_F(PostgresStoreTest, SerialsTakenAtOnceThroughTwoConnectionsAreAllDistinct) {
  KeyBook(*db, clock).on_reported_version("CP-1", 0);
  KeyBook(*db, clock).on_accepted("CP-1", 1);
  constexpr int kEach = 150;
  std::vector<std::vector<unsigned>> serials(2);
  on_two_connections([&](db::SqlConnection& conn, int who) {
    KeyBook book(conn, clock);
    for (int i = 0; i < kEach; ++i) {
      const auto a = book.allocate_serial("CP-1");
      if (const auto* got = std::get_if<SerialAllocation>(&a)) serials[static_cast<std::size_t>(who)].push_back(got->serial);
    }
  });
  std::set<unsigned> all(serials[0].begin(), serials[0].end());
  all.insert(serials[1].begin(), serials[1].end());
  EXPECT_EQ(serials[0].size() + serials[1].size(), 2u * kEach);
  EXPECT_EQ(all.size(), 2u * kEach) << "a serial was handed out twice";
  EXPECT_EQ(KeyBook(*db, clock).issued_count("CP-1", 1), 2u * kEach);
}

TEST_F(PostgresStoreTest, TheSameSessionSettledAtOnceThroughTwoConnectionsIsStoredOnce) {
  constexpr int kSessions = 40;
  std::vector<int> created(2, 0);
  on_two_connections([&](db::SqlConnection& conn, int who) {
    SettlementBook book(conn);
    for (int i = 0; i < kSessions; ++i) {
      Settlement s;
      s.code = "CODE-" + std::to_string(i);
      s.charge_point_id = "CP-1";
      s.connector_id = 1;
      s.transaction_id = std::to_string(100 + i);
      s.energy_wh = 1000;
      s.amount = "0.30";
      s.currency = "EUR";
      s.started_at = s.stopped_at = s.settled_at = "2026-03-01T10:30:00Z";
      if (book.insert_once(s).second) ++created[static_cast<std::size_t>(who)];
    }
  });
  EXPECT_EQ(created[0] + created[1], kSessions);
  EXPECT_EQ(SettlementBook(*db).all(false).size(), static_cast<std::size_t>(kSessions));
}

TEST_F(PostgresStoreTest, InstancesStartingTogetherMigrateOnce) {
  const std::string fresh = ocpp::test::PgCluster::shared().create_database();
  std::vector<std::string> errors(2);
  std::thread a([&] {
    try { db::open_sql(fresh)->migrate({offline_code_schema_v1(), offline_code_schema_v2()}); }
    catch (const std::exception& e) { errors[0] = e.what(); }
  });
  std::thread b([&] {
    try { db::open_sql(fresh)->migrate({offline_code_schema_v1(), offline_code_schema_v2()}); }
    catch (const std::exception& e) { errors[1] = e.what(); }
  });
  a.join();
  b.join();
  EXPECT_EQ(errors, std::vector<std::string>(2));
  EXPECT_EQ(db::open_sql(fresh)->schema_version(), 2);
  EXPECT_THROW(db::open_sql(fresh)->migrate({offline_code_schema_v1()}), db::DbError)
      << "a database newer than the program is refused";
}

TEST_F(PostgresStoreTest, ATransactionWhoseConnectionWasCutIsRunAgainOnANewOne) {
  auto admin = another();
  int runs = 0;
  db->transaction([&] {
    if (++runs == 1) {
      // The server ends this connection in the middle of the transaction.
      auto st = db->prepare("SELECT pg_backend_pid()");
      ASSERT_TRUE(st.step());
      const std::int64_t pid = st.int64(0);
      st.reset();
      admin->prepare("SELECT pg_terminate_backend(?1)").bind(1, pid).run();
    }
    db->prepare("INSERT INTO offline_code_online_lockouts(charge_point_id, state) VALUES(?1, ?2)")
        .bind(1, "CP-9").bind(2, "x").run();
  });
  EXPECT_EQ(runs, 2) << "the first run met the cut connection";
  auto check = admin->prepare("SELECT COUNT(*) FROM offline_code_online_lockouts WHERE charge_point_id='CP-9'");
  ASSERT_TRUE(check.step());
  EXPECT_EQ(check.int64(0), 1) << "stored once";
}

TEST_F(PostgresStoreTest, AnUnreachableServerIsReportedAsUnavailable) {
  EXPECT_THROW(db::open_sql("postgresql:///nowhere?host=/nonexistent-socket-dir&user=postgres"),
               db::DatabaseUnavailable);
}

TEST_F(PostgresStoreTest, ThePasswordOfTheUriIsNeverInAMessage) {
  for (const std::string uri : {"postgresql://postgres:s3cret@/nowhere?host=/nonexistent-socket-dir",
                                "postgres:///nowhere?host=/nonexistent-socket-dir&password=s3cret&user=postgres"}) {
    try {
      db::open_sql(uri);
      ADD_FAILURE() << "connected to nowhere";
    } catch (const db::DatabaseUnavailable& e) {
      EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << "names the database: " << e.what();
    }
  }
}

TEST_F(PostgresStoreTest, QuestionMarksInTextAreNotParameters) {
  auto st = db->prepare("SELECT '?1 is text', ?1");
  st.bind(1, "a value");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.text(0), "?1 is text");
  EXPECT_EQ(st.text(1), "a value");
}

}  // namespace
}  // namespace ocpp::server::test
