// Issue 16: offline-code issuance and settlement per second through the server's store
// (db::SqlConnection) on SQLite and on PostgreSQL with 1 and 2 connections (one connection is what
// one ocpp-csms-sim instance has), beside a bare libpq program doing the same statements in the
// same transactions on the same cluster, in the same run. Run with bench/run_store.sh.
//
// Issuance = what CodeIssuer::issue writes: one transaction { KeyBook::allocate_serial (key row
// read FOR UPDATE, serial taken by one upsert ... RETURNING), CodeBook::insert }. Settlement =
// SettlementBook::insert_once (INSERT ... ON CONFLICT DO NOTHING in a transaction, then the row
// read back). Piles are split between the connections, as a load balancer keeps a pile's requests
// apart only by chance: here they never meet, so the figure is the store's, not the retries'.
#include <libpq-fe.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/db/sql.hpp"
#include "ocpp/server/code_book.hpp"
#include "ocpp/server/key_book.hpp"
#include "ocpp/server/schema.hpp"
#include "ocpp/server/settlement_book.hpp"
#include "pg_cluster.hpp"

namespace {

using namespace ocpp;
constexpr int kPiles = 100;

std::string pile(int thread, int n) { return "CP-" + std::to_string(thread) + "-" + std::to_string(n % kPiles); }

void prepare_piles(db::SqlConnection& conn, const Clock& clock, int threads) {
  server::KeyBook keys(conn, clock);
  for (int t = 0; t < threads; ++t) {
    for (int n = 0; n < kPiles; ++n) {
      keys.on_reported_version(pile(t, n), 0);
      keys.on_accepted(pile(t, n), 1);
    }
  }
}

void issue(db::SqlConnection& conn, const Clock& clock, int thread, int n) {
  server::KeyBook keys(conn, clock);
  server::CodeBook codes(conn);
  conn.transaction([&] {
    const auto a = std::get<server::SerialAllocation>(keys.allocate_serial(pile(thread, n)));
    server::IssuedCodeRecord r;
    r.code = "C" + std::to_string(thread) + "-" + std::to_string(n);
    r.charge_point_id = pile(thread, n);
    r.connector_id = 1;
    r.key_version = a.key_version;
    r.serial = a.serial;
    r.user = "bench";
    r.issued_at = r.expires_at = "2026-12-07T12:00:00Z";
    r.issued_unix = r.expires_unix = 1796644800;
    codes.insert(r);
  });
}

void settle(db::SqlConnection& conn, int thread, int n) {
  server::Settlement s;
  s.code = "C" + std::to_string(thread) + "-" + std::to_string(n);
  s.charge_point_id = pile(thread, n);
  s.connector_id = 1;
  s.transaction_id = std::to_string(n);
  s.energy_wh = 15432;
  s.amount = "4.63";
  s.currency = "EUR";
  s.started_at = s.stopped_at = s.settled_at = "2026-12-07T12:00:00Z";
  server::SettlementBook(conn).insert_once(s);
}

// The same statements as issue() and settle() with libpq alone.
class BarePq {
 public:
  explicit BarePq(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
    if (PQstatus(conn_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(conn_));
  }
  ~BarePq() { PQfinish(conn_); }
  void issue(int thread, int n) {
    const std::string cp = pile(thread, n), code = "B" + std::to_string(thread) + "-" + std::to_string(n);
    run("BEGIN ISOLATION LEVEL SERIALIZABLE", {});
    run("SELECT current_version, confirmed_version FROM offline_code_keys WHERE charge_point_id=$1 FOR UPDATE", {cp});
    const std::string serial = run("INSERT INTO offline_code_serials(charge_point_id, key_version, next_serial) "
                                   "VALUES($1, 1, 1) ON CONFLICT(charge_point_id, key_version) DO UPDATE SET "
                                   "next_serial=offline_code_serials.next_serial+1 WHERE offline_code_serials.next_serial<4096 "
                                   "RETURNING next_serial-1", {cp});
    run("INSERT INTO offline_codes(code, charge_point_id, connector_id, key_version, serial, user_name, issued_at, "
        "issued_unix, expires_at, expires_unix, energy_cap_wh) VALUES($1, $2, 1, 1, $3, 'bench', "
        "'2026-12-07T12:00:00Z', 1796644800, '2026-12-07T12:00:00Z', 1796644800, NULL) RETURNING pk",
        {code, cp, serial});
    run("COMMIT", {});
  }
  void settle(int thread, int n) {
    const std::string cp = pile(thread, n), code = "B" + std::to_string(thread) + "-" + std::to_string(n);
    run("BEGIN ISOLATION LEVEL SERIALIZABLE", {});
    run("INSERT INTO offline_code_settlements(code, charge_point_id, connector_id, transaction_id, user_name, energy_wh, "
        "started_at, stopped_at, duration_s, amount, currency, anomaly, issued_charge_point_id, settled_at) "
        "VALUES($1, $2, 1, $3, NULL, 15432, '2026-12-07T12:00:00Z', '2026-12-07T12:00:00Z', NULL, '4.63', 'EUR', NULL, "
        "NULL, '2026-12-07T12:00:00Z') ON CONFLICT(charge_point_id, code) DO NOTHING",
        {code, cp, std::to_string(n)});
    run("COMMIT", {});
    run("SELECT pk, code, charge_point_id, connector_id, transaction_id, user_name, energy_wh, started_at, stopped_at, "
        "duration_s, amount, currency, anomaly, issued_charge_point_id, settled_at FROM offline_code_settlements "
        "WHERE charge_point_id=$1 AND code=$2", {cp, code});
  }

 private:
  std::string run(const char* sql, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    PGresult* r = PQexecParams(conn_, sql, static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
    const auto status = PQresultStatus(r);
    std::string first = status == PGRES_TUPLES_OK && PQntuples(r) > 0 ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) throw std::runtime_error(std::string("bare: ") + sql);
    return first;
  }
  PGconn* conn_;
};

// Runs body(thread, n) for n < count on `threads` threads; operations per second.
double rate(int threads, int count, const std::function<void(int, int)>& body) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (int n = 0; n < count; ++n) body(t, n);
    });
  }
  for (auto& th : pool) th.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return threads * count / s;
}

void report(const char* what, double issued, double settled) {
  std::printf("%-34s issuance %8.0f /s   settlement %8.0f /s\n", what, issued, settled);
}

std::vector<std::unique_ptr<db::SqlConnection>> connections(const std::string& target, int n) {
  std::vector<std::unique_ptr<db::SqlConnection>> out;
  for (int i = 0; i < n; ++i) out.push_back(db::open_sql(target));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 1000;
  ManualClock clock(*parse_rfc3339("2026-12-07T12:00:00Z"));
  const std::vector<std::string_view> schema = {server::offline_code_schema_v1(), server::offline_code_schema_v2()};

  char dir[] = "/tmp/ocpp-store-bench-XXXXXX";
  if (mkdtemp(dir) == nullptr) return 1;
  const std::string file = std::string(dir) + "/csms.db";
  {
    auto sqlite = db::open_sql(file);
    sqlite->migrate(schema);
    prepare_piles(*sqlite, clock, 1);
    const double i = rate(1, count, [&](int t, int n) { issue(*sqlite, clock, t, n); });
    const double s = rate(1, count, [&](int t, int n) { settle(*sqlite, t, n); });
    report("SQLite (WAL, synchronous=FULL)", i, s);
  }
  std::filesystem::remove_all(dir);

  auto& cluster = test::PgCluster::shared(true);
  if (!cluster.available()) {
    std::printf("PostgreSQL skipped: %s\n", cluster.why().c_str());
    return 0;
  }
  for (int threads : {1, 2}) {
    const std::string target = cluster.create_database();
    auto conns = connections(target, threads);
    conns[0]->migrate(schema);
    prepare_piles(*conns[0], clock, threads);
    const double i = rate(threads, count, [&](int t, int n) { issue(*conns[static_cast<std::size_t>(t)], clock, t, n); });
    const double s = rate(threads, count, [&](int t, int n) { settle(*conns[static_cast<std::size_t>(t)], t, n); });
    report(threads == 1 ? "PostgreSQL, 1 connection" : "PostgreSQL, 2 connections", i, s);
    std::vector<std::unique_ptr<BarePq>> bare;
    for (int t = 0; t < threads; ++t) bare.push_back(std::make_unique<BarePq>(target));
    const double bi = rate(threads, count, [&](int t, int n) { bare[static_cast<std::size_t>(t)]->issue(t, n); });
    const double bs = rate(threads, count, [&](int t, int n) { bare[static_cast<std::size_t>(t)]->settle(t, n); });
    report(threads == 1 ? "bare libpq, 1 connection" : "bare libpq, 2 connections", bi, bs);
    std::printf("%-34s issuance %8.2f      settlement %8.2f\n", "  ratio store / bare libpq", i / bi, s / bs);
  }
  return 0;
}
