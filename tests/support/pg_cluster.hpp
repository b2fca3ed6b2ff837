#pragma once
// A throwaway PostgreSQL cluster for tests (issue 16): initdb and pg_ctl into a temporary
// directory, listening only on a Unix socket in that directory (listen_addresses=''), run as
// `nobody` when the tests run as root (PostgreSQL refuses root). Started once per test program on
// first use and stopped (pg_ctl stop -m immediate) when the program exits, failed tests or not.
// Where it cannot start (no PostgreSQL installed, no way to drop root), available() is false and
// why() says why, for GTEST_SKIP. The JS twin is tests/support/pg_cluster.js.
#include <glob.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

namespace ocpp::test {

class PgCluster {
 public:
  // The one cluster of this test program, started on first call. `durable`: fsync on, as a
  // production server (benchmarks); tests leave it off, their cluster dies with them.
  static PgCluster& shared(bool durable = false) {
    static PgCluster cluster(durable);
    return cluster;
  }

  bool available() const { return started_; }
  const std::string& why() const { return why_; }
  const std::string& socket_dir() const { return dir_; }

  // A URI of a new, empty database (each test its own, so tests cannot see each other's rows).
  std::string create_database() {
    static std::atomic<int> counter{0};
    const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    PGconn* admin = PQconnectdb(uri("postgres").c_str());
    const bool ok = PQstatus(admin) == CONNECTION_OK;
    if (ok) PQclear(PQexec(admin, ("CREATE DATABASE " + name).c_str()));
    PQfinish(admin);
    return uri(name);
  }
  std::string uri(const std::string& database) const {
    return "postgresql:///" + database + "?host=" + dir_ + "&user=postgres";
  }

  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  ~PgCluster() {
    if (started_) run(as_owner() + "'" + bindir_ + "/pg_ctl' -D '" + dir_ + "/data' -m immediate stop >/dev/null 2>&1");
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }

 private:
  explicit PgCluster(bool durable) {
    bindir_ = find_bindir();
    if (bindir_.empty()) {
      why_ = "no PostgreSQL server found under /usr/lib/postgresql/*/bin (Debian package postgresql)";
      return;
    }
    if (geteuid() == 0 && std::system("command -v runuser >/dev/null 2>&1") != 0) {
      why_ = "running as root without runuser: cannot start PostgreSQL as an unprivileged user";
      return;
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "ocpp-pg-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      why_ = "mkdtemp failed";
      return;
    }
    dir_ = pattern;
    if (geteuid() == 0 && run("chown nobody '" + dir_ + "'") != 0) {
      why_ = "cannot give " + dir_ + " to nobody";
      return;
    }
    const std::string init_log = dir_ + "/initdb.log";
    if (run(as_owner() + "'" + bindir_ + "/initdb' -D '" + dir_ + "/data' -U postgres -A trust --no-sync >'" + init_log +
            "' 2>&1") != 0) {
      why_ = "initdb failed: " + tail(init_log);
      return;
    }
    // Written by the server itself, so as the unprivileged user.
    const std::string log = dir_ + "/server.log";
    const std::string fsync = durable ? "on" : "off";
    if (run(as_owner() + "'" + bindir_ + "/pg_ctl' -D '" + dir_ + "/data' -l '" + log + "' -w -o \"-c listen_addresses='' " +
            "-c unix_socket_directories='" + dir_ + "' -c fsync=" + fsync + " -c max_connections=50\" start >/dev/null 2>&1") != 0) {
      why_ = "pg_ctl start failed: " + tail(log);
      return;
    }
    started_ = true;
  }

  static std::string find_bindir() {
    glob_t g{};
    std::vector<std::string> found;
    if (::glob("/usr/lib/postgresql/*/bin/initdb", 0, nullptr, &g) == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; ++i) found.emplace_back(g.gl_pathv[i]);
    }
    globfree(&g);
    if (found.empty()) return {};
    // The newest version: compare the number after /usr/lib/postgresql/.
    std::sort(found.begin(), found.end(), [](const std::string& a, const std::string& b) {
      return std::atoi(a.c_str() + 20) < std::atoi(b.c_str() + 20);
    });
    return std::filesystem::path(found.back()).parent_path().string();
  }
  static std::string tail(const std::string& file) {
    std::string text;
    if (FILE* f = std::fopen(file.c_str(), "r")) {
      char buf[4096];
      std::size_t n = 0;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      std::fclose(f);
    }
    return text.size() > 600 ? text.substr(text.size() - 600) : text;
  }
  static std::string as_owner() { return geteuid() == 0 ? "runuser -u nobody -- " : ""; }
  static int run(const std::string& command) { return std::system(command.c_str()); }

  std::string bindir_;
  std::string dir_;
  std::string why_;
  bool started_ = false;
};

}  // namespace ocpp::test
