#pragma once
// Shared by the server-side tests (tests/unit/server): a real SQLite file with the server's tables,
// a manual clock, the spec's master secret (docs/offline-code.md §12.1), and fakes of what the CSMS
// gives the server side: the directory of piles and the link that carries CALLs to them.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/common/json.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/db/sql.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "ocpp/server/pile_directory.hpp"
#include "ocpp/server/schema.hpp"
#include "pg_cluster.hpp"

namespace ocpp::server::test {

using namespace std::chrono_literals;

inline SystemTime at(const char* rfc3339) { return *parse_rfc3339(rfc3339); }
inline std::int64_t unix_at(const char* rfc3339) {
  return std::chrono::duration_cast<std::chrono::seconds>(at(rfc3339).time_since_epoch()).count();
}

// §12.1: the master secret of the test vectors.
inline offline_code::MasterSecret test_master() {
  return *offline_code::parse_master_secret("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
}

// A fresh directory, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "ocpp-server-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

class FakePiles final : public PileDirectory {
 public:
  std::optional<PileFacts> find(const std::string& id) override {
    const auto it = piles.find(id);
    if (it == piles.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, PileFacts> piles;
};

// Records each CALL; the test answers it with answer() (or leaves it unanswered).
class FakeLink final : public PileLink {
 public:
  struct Sent {
    std::string charge_point_id;
    std::string action;
    std::string payload;  // as JSON text
    rpc::ResultHandler done;
  };

  bool call(const std::string& cp, const std::string& action, rapidjson::Document payload,
            rpc::ResultHandler done) override {
    if (disconnected.count(cp) != 0) return false;
    sent.push_back(Sent{cp, action, to_string(payload), std::move(done)});
    return true;
  }

  // Answers the oldest unanswered CALL with a CALLRESULT carrying `json`.
  void answer(const std::string& json) {
    Sent s = pop();
    rpc::CallOutcome o;
    o.status = rpc::CallOutcome::Status::Result;
    o.payload.Parse(json.c_str());
    s.done(o);
  }
  void fail(rpc::CallOutcome::Status status) {
    Sent s = pop();
    rpc::CallOutcome o;
    o.status = status;
    s.done(o);
  }
  Sent& front() {
    if (sent.empty()) throw std::runtime_error("no CALL was sent");
    return sent.front();
  }

  std::deque<Sent> sent;
  std::map<std::string, bool> disconnected;

 private:
  Sent pop() {
    if (sent.empty()) throw std::runtime_error("no CALL to answer");
    Sent s = std::move(sent.front());
    sent.pop_front();
    return s;
  }
};

// The backend the server-side tests run on: SQLite by default; with OCPP_SERVER_TEST_BACKEND=postgresql
// (ctest's unit_server_postgres), a fresh database of the throwaway cluster (tests/support/pg_cluster.hpp).
inline bool postgres_requested() {
  const char* backend = std::getenv("OCPP_SERVER_TEST_BACKEND");
  return backend != nullptr && std::string(backend) == "postgresql";
}

// A database with the server's tables, and a clock at 2026-03-01T10:15:00Z (the time of the spec's
// vectors).
class ServerTest : public ::testing::Test {
 protected:
  ServerTest() : clock(at("2026-03-01T10:15:00Z")) {
    log::set_level(log::Level::error);
    if (postgres_requested()) {
      auto& cluster = ocpp::test::PgCluster::shared();
      // Unavailable: the test is skipped in SetUp; SQLite meanwhile, so that fixtures built on this
      // one construct.
      if (cluster.available()) target_ = cluster.create_database();
      else skip_reason_ = "PostgreSQL requested but the test cluster did not start: " + cluster.why();
    }
    open();
  }
  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
  }
  // Closes and opens the database again, as a restart of the server does.
  void reopen() {
    db.reset();
    open();
  }
  std::int64_t now_unix() const {
    return std::chrono::duration_cast<std::chrono::seconds>(clock.system_now().time_since_epoch()).count();
  }

  TempDir dir;
  ManualClock clock;
  std::unique_ptr<db::SqlConnection> db;
  // Where `db` is: a postgresql:// URI, or empty for the SQLite file in `dir`.
  const std::string& target() const { return target_; }

 private:
  std::string target_;  // a postgresql:// URI; empty: the SQLite file in `dir`
  std::string skip_reason_;
  void open() {
    db = target_.empty() ? std::make_unique<db::SqliteConnection>(dir.file("csms.db")) : db::open_sql(target_);
    db->migrate({offline_code_schema_v1(), offline_code_schema_v2()});
  }
};

}  // namespace ocpp::server::test
