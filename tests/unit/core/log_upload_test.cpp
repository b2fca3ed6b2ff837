// Log upload (log_upload.hpp): the archive's content and bound, no secrets in it, retries through a
// fake FileTransfer, the statuses in order, one upload at a time (2.0.1 N01.FR.12).
#include "ocpp/cp/log_upload.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/store.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Reads a ustar archive back: name -> body. Fails the test on a bad header checksum.
std::map<std::string, std::string> untar(const std::string& tar) {
  std::map<std::string, std::string> files;
  std::size_t pos = 0;
  while (pos + 512 <= tar.size()) {
    const std::string h = tar.substr(pos, 512);
    if (h == std::string(512, '\0')) break;
    unsigned sum = 0;
    for (std::size_t i = 0; i < 512; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    EXPECT_EQ(sum, std::stoul(h.substr(148, 6), nullptr, 8)) << "header checksum";
    EXPECT_EQ(h.substr(257, 5), "ustar");
    const std::string name = h.substr(0, h.find('\0'));
    const std::size_t size = std::stoul(h.substr(124, 11), nullptr, 8);
    files[name] = tar.substr(pos + 512, size);
    pos += 512 + (size + 511) / 512 * 512;
  }
  return files;
}

class FakeTransfer final : public FileTransfer {
 public:
  struct Upload {
    UploadRequest request;
    std::string body;  // the file as it was when the upload started
    Done done;
    Id id = 0;
  };
  Id download(const DownloadRequest&, Done) override { return 0; }
  Id upload(const UploadRequest& r, Done done) override {
    uploads.push_back({r, slurp(r.file), std::move(done), ++next_});
    return next_;
  }
  void cancel(Id id) override { canceled.push_back(id); }
  void answer(bool ok, long http = 200, const std::string& error = "") {
    TransferResult r;
    r.ok = ok;
    r.http_status = http;
    r.error = error;
    r.bytes = static_cast<std::int64_t>(uploads.back().body.size());
    uploads.back().done(r);
  }
  std::vector<Upload> uploads;
  std::vector<Id> canceled;
  Id next_ = 0;
};

class LogUploadTest : public ::testing::Test {
 protected:
  fs::path dir = fs::temp_directory_path() / ("ocpp-logup-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  ManualClock clock{parse_rfc3339("2026-12-07T10:00:00Z").value()};
  ManualEventLoop loop{clock};
  FakeTransfer transfer;
  std::unique_ptr<Store> store;
  std::unique_ptr<SecurityLog> security_log;
  std::unique_ptr<LogUpload> upload;
  std::vector<std::pair<LogUploadStatus, std::optional<std::int32_t>>> statuses;
  std::string status_json = R"({"registration":"Accepted","outbox":0})";

  void SetUp() override {
    fs::create_directories(dir);
    store = std::make_unique<Store>((dir / "cp.db").string());
    security_log = std::make_unique<SecurityLog>(store->db());
    make(4 * 1024 * 1024);
  }
  void TearDown() override {
    upload.reset();
    store.reset();
    fs::remove_all(dir);
  }
  void make(std::uint64_t max_bytes) {
    LogSources sources;
    sources.daemon_log_files = [this] {
      return std::vector<std::string>{(dir / "chargepoint.log.1").string(), (dir / "chargepoint.log").string()};
    };
    sources.status_snapshot = [this] { return status_json; };
    LogUploadOptions o;
    o.work_dir = (dir / "upload").string();
    o.name_prefix = "CP/1";
    o.max_archive_bytes = max_bytes;
    upload = std::make_unique<LogUpload>(loop, transfer, *security_log, sources, o);
    upload->set_listener([this](LogUploadStatus s, std::optional<std::int32_t> id) { statuses.emplace_back(s, id); });
  }
  void write_log(const std::string& name, const std::string& text) {
    std::ofstream(dir / name, std::ios::binary) << text;
  }
  LogRequest diagnostics(std::optional<std::int32_t> id = std::nullopt) {
    LogRequest r;
    r.url = "http://127.0.0.1:1/upload/";
    r.request_id = id;
    r.retries = 2;
    r.retry_interval = 10s;
    return r;
  }
};

TEST_F(LogUploadTest, ArchiveHoldsTheLogTheSecurityLogAndTheStatus) {
  write_log("chargepoint.log.1", "2026-12-07T08:00:00.000Z INFO  daemon: older file\n");
  write_log("chargepoint.log", "2026-12-07T09:00:00.000Z INFO  daemon: newer file\n");
  SecurityEvents(store->db()).push("StartupOfTheDevice", "", clock.system_now());

  const auto answer = upload->request(diagnostics(7));
  ASSERT_TRUE(answer.accepted);
  EXPECT_EQ(answer.file_name, "CP_1-diagnostics-20261207T100000Z.tar");
  loop.run_pending();
  ASSERT_EQ(transfer.uploads.size(), 1U);
  EXPECT_EQ(transfer.uploads[0].request.url, "http://127.0.0.1:1/upload/" + answer.file_name);
  EXPECT_EQ(transfer.uploads[0].request.method, "PUT");
  const auto files = untar(transfer.uploads[0].body);
  ASSERT_EQ(files.count("chargepoint.log"), 1U);
  EXPECT_EQ(files.at("chargepoint.log"),
            "2026-12-07T08:00:00.000Z INFO  daemon: older file\n2026-12-07T09:00:00.000Z INFO  daemon: newer file\n");
  EXPECT_NE(files.at("security.log").find("StartupOfTheDevice"), std::string::npos);
  EXPECT_EQ(files.at("status.json"), status_json);
}

TEST_F(LogUploadTest, SecurityLogKindHoldsOnlyTheSecurityLog) {
  write_log("chargepoint.log", "2026-12-07T09:00:00.000Z INFO  daemon: x\n");
  SecurityEvents(store->db()).push("ResetOrReboot", "Soft", clock.system_now());
  auto req = diagnostics(3);
  req.kind = LogKind::Security;
  const auto answer = upload->request(req);
  EXPECT_EQ(answer.file_name, "CP_1-securitylog-20261207T100000Z.tar");
  loop.run_pending();
  ASSERT_EQ(transfer.uploads.size(), 1U);
  const auto files = untar(transfer.uploads[0].body);
  EXPECT_EQ(files.size(), 1U);
  EXPECT_NE(files.at("security.log").find("ResetOrReboot Soft"), std::string::npos);
}

TEST_F(LogUploadTest, OldestLinesGoFirstToKeepTheBound) {
  std::string log;
  for (int i = 0; i < 5000; ++i) log += "2026-12-07T09:00:00.000Z INFO  daemon: line " + std::to_string(i) + "\n";
  write_log("chargepoint.log", log);
  make(64 * 1024);
  upload->request(diagnostics());
  loop.run_pending();
  ASSERT_EQ(transfer.uploads.size(), 1U);
  EXPECT_LE(transfer.uploads[0].body.size(), 64U * 1024U);
  const auto text = untar(transfer.uploads[0].body).at("chargepoint.log");
  EXPECT_NE(text.find("line 4999\n"), std::string::npos) << "the newest line is kept";
  EXPECT_EQ(text.find("line 0\n"), std::string::npos) << "the oldest is dropped";
  EXPECT_EQ(text.rfind("[", 0), 0U) << "a note says lines were left out";
}

TEST_F(LogUploadTest, TheWindowFiltersLogAndSecurityLog) {
  write_log("chargepoint.log",
            "2026-12-07T07:00:00.000Z INFO  daemon: before\n"
            "2026-12-07T08:30:00.000Z INFO  daemon: inside\n"
            "2026-12-07T09:30:00.000Z INFO  daemon: after\n");
  SecurityLog(store->db()).record("SettingSystemTime", "early", parse_rfc3339("2026-12-07T07:00:00Z").value());
  SecurityLog(store->db()).record("SettingSystemTime", "in", parse_rfc3339("2026-12-07T08:10:00Z").value());
  auto req = diagnostics();
  req.oldest = parse_rfc3339("2026-12-07T08:00:00Z");
  req.latest = parse_rfc3339("2026-12-07T09:00:00Z");
  upload->request(req);
  loop.run_pending();
  const auto files = untar(transfer.uploads.at(0).body);
  EXPECT_EQ(files.at("chargepoint.log"), "2026-12-07T08:30:00.000Z INFO  daemon: inside\n");
  EXPECT_EQ(files.at("security.log"), "2026-12-07T08:10:00.000Z SettingSystemTime in\n");
}

TEST_F(LogUploadTest, StatusesInOrderAndTheArchiveIsRemovedAfterwards) {
  upload->request(diagnostics(11));
  EXPECT_TRUE(statuses.empty()) << "nothing before the answer went out";
  loop.run_pending();
  EXPECT_EQ(upload->current(), LogUploadStatus::Uploading);
  EXPECT_EQ(upload->current_request_id(), 11);
  transfer.answer(true);
  using LS = LogUploadStatus;
  const std::vector<std::pair<LS, std::optional<std::int32_t>>> want{{LS::Uploading, 11}, {LS::Uploaded, 11}};
  EXPECT_EQ(statuses, want);
  EXPECT_EQ(upload->current(), LS::Idle);
  EXPECT_TRUE(fs::is_empty(dir / "upload")) << "no archive is left behind";
}

TEST_F(LogUploadTest, RetriesThenReportsFailure) {
  upload->request(diagnostics());  // 2 retries, 10 s apart
  loop.run_pending();
  transfer.answer(false, 500, "HTTP error");
  loop.advance(9s);
  EXPECT_EQ(transfer.uploads.size(), 1U) << "waits retryInterval";
  loop.advance(1s);
  ASSERT_EQ(transfer.uploads.size(), 2U);
  transfer.answer(false, 0, "connection refused");
  loop.advance(10s);
  ASSERT_EQ(transfer.uploads.size(), 3U);
  transfer.answer(false, 500, "HTTP error");
  loop.advance(60s);
  EXPECT_EQ(transfer.uploads.size(), 3U) << "1 attempt + 2 retries";
  ASSERT_EQ(statuses.size(), 2U);
  EXPECT_EQ(statuses[1].first, LogUploadStatus::UploadFailed);
}

TEST_F(LogUploadTest, ARetryThatSucceedsEndsUploaded) {
  upload->request(diagnostics());
  loop.run_pending();
  transfer.answer(false, 503, "HTTP error");
  loop.advance(10s);
  transfer.answer(true);
  ASSERT_EQ(statuses.size(), 2U);
  EXPECT_EQ(statuses[1].first, LogUploadStatus::Uploaded);
}

TEST_F(LogUploadTest, ServerRefusalsMapToTheirStatus) {
  TransferResult r;
  r.http_status = 403;
  EXPECT_EQ(status_of_failure(r), LogUploadStatus::PermissionDenied);
  r.http_status = 401;
  EXPECT_EQ(status_of_failure(r), LogUploadStatus::PermissionDenied);
  r.http_status = 405;
  EXPECT_EQ(status_of_failure(r), LogUploadStatus::NotSupportedOperation);
  r.http_status = 400;
  EXPECT_EQ(status_of_failure(r), LogUploadStatus::BadMessage);
  r.http_status = 0;
  EXPECT_EQ(status_of_failure(r), LogUploadStatus::UploadFailed);
}

TEST_F(LogUploadTest, ANewRequestCancelsTheRunningOne) {
  upload->request(diagnostics(1));
  loop.run_pending();
  const auto answer = upload->request(diagnostics(2));
  EXPECT_TRUE(answer.accepted);
  EXPECT_TRUE(answer.canceled_previous);
  EXPECT_EQ(transfer.canceled, std::vector<FileTransfer::Id>{1});
  loop.run_pending();
  transfer.answer(true);
  using LS = LogUploadStatus;
  const std::vector<std::pair<LS, std::optional<std::int32_t>>> want{
      {LS::Uploading, 1}, {LS::Canceled, 1}, {LS::Uploading, 2}, {LS::Uploaded, 2}};
  EXPECT_EQ(statuses, want);
}

TEST_F(LogUploadTest, OnlyHttpLocationsAreTaken) {
  auto req = diagnostics();
  req.url = "ftp://example.com/logs/";
  const auto answer = upload->request(req);
  EXPECT_FALSE(answer.accepted);
  EXPECT_NE(answer.reason.find("ftp://example.com/logs/"), std::string::npos);
  loop.run_pending();
  EXPECT_TRUE(transfer.uploads.empty());
  EXPECT_TRUE(statuses.empty());
}

TEST_F(LogUploadTest, ALocationNamingAFileIsUsedAsIs) {
  auto req = diagnostics();
  req.url = "https://example.com/put/here.tar";
  upload->request(req);
  loop.run_pending();
  EXPECT_EQ(transfer.uploads.at(0).request.url, "https://example.com/put/here.tar");
}

}  // namespace
}  // namespace ocpp::cp
