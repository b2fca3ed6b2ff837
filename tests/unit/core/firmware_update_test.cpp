// FirmwareUpdate (chargepoint/core): the version-neutral firmware state machine with a real SQLite
// file, real signatures (a PKI made with the openssl command) and a real install program, a fake
// transfer completed by hand, across restarts (a second FirmwareUpdate over the same database).
#include "ocpp/cp/firmware_update.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "firmware_test_support.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/cp/certificate_use.hpp"
#include "ocpp/cp/firmware_signature.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/store.hpp"

namespace ocpp::cp {
namespace {

using namespace std::chrono_literals;
using namespace firmware_test;
using FS = FirmwareStatus;

inline void PrintTo(FirmwareStatus s, std::ostream* os) { *os << to_string(s); }

fs::path pki_dir() { return fs::temp_directory_path() / ("firmware_pki_" + std::to_string(::getpid())); }

class FirmwareUpdateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = std::make_unique<Pki>(pki_dir()); }
  static void TearDownTestSuite() {
    pki_.reset();
    fs::remove_all(pki_dir());
  }

  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("firmware_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    // The certificate store's folder of manufacturer roots.
    write_file(fs::path(certificate_folder(dir_.string(), CertificateUse::ManufacturerRootCertificate)) / "root.pem",
               pki_->pem("root"));
    store_ = std::make_unique<Store>((dir_ / "cp.db").string());
    events_ = std::make_unique<SecurityEvents>(store_->db());
    options_.state_dir = dir_.string();
    start();
  }
  void TearDown() override {
    firmware_.reset();
    fs::remove_all(dir_);
  }

  // A (re)start of the daemon: a new block over the same database.
  void start() {
    firmware_ = std::make_unique<FirmwareUpdate>(loop_, store_->db(), transfer_, work_, site_, link_, *events_, options_);
    firmware_->set_rules(rules_);
  }
  void restart() {
    firmware_.reset();
    transfer_.pending.clear();
    link_.progress.clear();
    start();
    firmware_->resume();
    loop_.run_pending();
  }

  FirmwareRequest unsigned_request() {
    FirmwareRequest r;
    r.location = "http://files.example/fw.bin";
    r.retrieve_at = clock_.system_now();
    return r;
  }
  // The image signed by `signer`; `content` is what the server will serve.
  FirmwareRequest signed_request(const std::string& signer, const std::string& content = "image v2") {
    const auto file = dir_ / "reference.bin";
    write_file(file, content);
    auto r = unsigned_request();
    r.request_id = 7;
    r.signing_certificate = pki_->pem(signer);
    r.signature = pki_->sign(signer, file);
    return r;
  }
  std::vector<std::string> event_types() {
    std::vector<std::string> out;
    while (auto e = events_->front()) {
      out.push_back(e->type);
      events_->remove(e->seq);
    }
    return out;
  }
  // An install program that records its argument and exits with `status`.
  std::string install_script(int status) {
    const auto path = dir_ / "install.sh";
    write_file(path, "#!/bin/sh\necho \"$1\" > " + (dir_ / "installed-arg").string() + "\nexit " +
                         std::to_string(status) + "\n");
    ::chmod(path.c_str(), 0755);
    return path.string();
  }

  static std::unique_ptr<Pki> pki_;
  fs::path dir_;
  ManualClock clock_{std::chrono::system_clock::now()};  // the certificates are valid from now
  ManualEventLoop loop_{clock_};
  std::unique_ptr<Store> store_;
  std::unique_ptr<SecurityEvents> events_;
  FakeTransfer transfer_;
  InlineWork work_{loop_};
  FakeSite site_;
  FakeLink link_;
  FirmwareOptions options_;
  FirmwareRules rules_;
  std::unique_ptr<FirmwareUpdate> firmware_;
};

std::unique_ptr<Pki> FirmwareUpdateTest::pki_;

TEST_F(FirmwareUpdateTest, UnsignedImageIsKeptAndInstalledOnTheSimulatedPile) {
  EXPECT_EQ(firmware_->current().status, FS::Idle);
  EXPECT_EQ(firmware_->update(unsigned_request()), FirmwareAnswer::Accepted);
  EXPECT_TRUE(link_.progress.empty());  // nothing before the answer has gone out
  loop_.run_pending();
  ASSERT_EQ(transfer_.requests.size(), 1u);
  EXPECT_EQ(transfer_.requests[0].url, "http://files.example/fw.bin");
  EXPECT_EQ(firmware_->current().status, FS::Downloading);
  transfer_.complete("image v2");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses(), (std::vector<FS>{FS::Downloading, FS::Downloaded, FS::Installing, FS::Installed}));
  EXPECT_EQ(read_file(transfer_.requests[0].destination), "image v2");
  EXPECT_EQ(fs::path(transfer_.requests[0].destination).parent_path(), dir_ / "firmware");
  EXPECT_EQ(event_types(), std::vector<std::string>{"FirmwareUpdated"});
  EXPECT_EQ(firmware_->current().status, FS::Idle);
  EXPECT_FALSE(link_.progress[0].signed_update);
}

TEST_F(FirmwareUpdateTest, SignedImageIsVerifiedAndGivenToTheInstallProgram) {
  options_.install_command = install_script(0);
  start();
  EXPECT_EQ(firmware_->update(signed_request("signer")), FirmwareAnswer::Accepted);
  loop_.run_pending();
  transfer_.complete("image v2");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses(),
            (std::vector<FS>{FS::Downloading, FS::Downloaded, FS::SignatureVerified, FS::Installing, FS::Installed}));
  EXPECT_EQ(link_.progress.back().request_id, 7);
  EXPECT_TRUE(link_.progress.back().signed_update);
  EXPECT_EQ(read_file(dir_ / "installed-arg"), transfer_.requests[0].destination + "\n");
  EXPECT_EQ(event_types(), std::vector<std::string>{"FirmwareUpdated"});
}

TEST_F(FirmwareUpdateTest, TamperedImageIsRefusedAndNeverInstalled) {
  options_.install_command = install_script(0);
  start();
  firmware_->update(signed_request("signer", "image v2"));
  loop_.run_pending();
  transfer_.complete("image v2 with a backdoor");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses(), (std::vector<FS>{FS::Downloading, FS::Downloaded, FS::InvalidSignature}));
  EXPECT_FALSE(fs::exists(dir_ / "installed-arg"));
  EXPECT_FALSE(fs::exists(transfer_.requests[0].destination));
  EXPECT_EQ(event_types(), std::vector<std::string>{"InvalidFirmwareSignature"});
}

TEST_F(FirmwareUpdateTest, SignerOfAnotherRootIsRefusedBeforeAnyDownload) {
  EXPECT_EQ(firmware_->update(signed_request("other-signer")), FirmwareAnswer::InvalidCertificate);
  loop_.run_pending();
  EXPECT_TRUE(transfer_.requests.empty());
  EXPECT_TRUE(link_.progress.empty());
  EXPECT_EQ(event_types(), std::vector<std::string>{"InvalidFirmwareSigningCertificate"});
}

TEST_F(FirmwareUpdateTest, SignedUpdateWithoutAnyManufacturerRootIsRefused) {
  fs::remove_all(certificate_folder(dir_.string(), CertificateUse::ManufacturerRootCertificate));
  EXPECT_EQ(firmware_->update(signed_request("signer")), FirmwareAnswer::InvalidCertificate);
}

TEST_F(FirmwareUpdateTest, FailedDownloadIsRetriedThenReportedOnce) {
  auto r = unsigned_request();
  r.retries = 3;
  r.retry_interval = 30s;
  firmware_->update(r);
  loop_.run_pending();
  transfer_.complete(std::nullopt);
  loop_.run_pending();
  EXPECT_EQ(transfer_.requests.size(), 1u);
  loop_.advance(29s);
  EXPECT_EQ(transfer_.requests.size(), 1u);  // the interval is honoured
  loop_.advance(1s);
  ASSERT_EQ(transfer_.requests.size(), 2u);
  transfer_.complete(std::nullopt);
  loop_.advance(30s);
  ASSERT_EQ(transfer_.requests.size(), 3u);
  EXPECT_EQ(link_.statuses().back(), FS::Downloading);
  transfer_.complete(std::nullopt);
  loop_.run_pending();
  EXPECT_EQ(link_.statuses().back(), FS::DownloadFailed);
  loop_.advance(120s);
  EXPECT_EQ(transfer_.requests.size(), 3u);
  EXPECT_EQ(firmware_->current().status, FS::Idle);
}

TEST_F(FirmwareUpdateTest, DownloadWaitsForTheRetrieveDate) {
  auto r = unsigned_request();
  r.retrieve_at = clock_.system_now() + 1h;
  firmware_->update(r);
  loop_.run_pending();
  EXPECT_EQ(link_.statuses(), std::vector<FS>{FS::DownloadScheduled});
  loop_.advance(59min);
  EXPECT_TRUE(transfer_.requests.empty());
  loop_.advance(1min);
  EXPECT_EQ(transfer_.requests.size(), 1u);
}

TEST_F(FirmwareUpdateTest, ScheduledDownloadSurvivesARestart) {
  auto r = unsigned_request();
  r.retrieve_at = clock_.system_now() + 1h;
  firmware_->update(r);
  loop_.run_pending();
  restart();
  loop_.advance(30min);
  EXPECT_TRUE(transfer_.requests.empty());
  loop_.advance(30min);
  EXPECT_EQ(transfer_.requests.size(), 1u);
}

TEST_F(FirmwareUpdateTest, InstallWaitsForTheInstallDateAndTheRunningTransaction) {
  rules_.unavailable_while_waiting = true;  // 2.0.1 L01.FR.07
  start();
  auto r = unsigned_request();
  r.install_at = clock_.system_now() + 10min;
  firmware_->update(r);
  loop_.run_pending();
  transfer_.complete("image");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses().back(), FS::InstallScheduled);
  site_.running = true;
  loop_.advance(10min);
  EXPECT_EQ(link_.statuses().back(), FS::InstallScheduled);
  EXPECT_EQ(site_.held, (std::vector<ConnectorId>{1, 2}));  // Unavailable while it waits
  loop_.advance(1min);
  EXPECT_EQ(link_.statuses().back(), FS::InstallScheduled);
  site_.running = false;
  loop_.advance(5s);
  EXPECT_EQ(link_.statuses().back(), FS::Installed);
  EXPECT_EQ(site_.released, (std::vector<ConnectorId>{1, 2}));
}

TEST_F(FirmwareUpdateTest, SecondUpdateCancelsTheFirst) {
  firmware_->update(unsigned_request());
  loop_.run_pending();
  auto second = unsigned_request();
  second.location = "http://files.example/fw-newer.bin";
  EXPECT_EQ(firmware_->update(second), FirmwareAnswer::AcceptedCanceled);
  EXPECT_EQ(transfer_.cancelled.size(), 1u);
  loop_.run_pending();
  ASSERT_EQ(transfer_.requests.size(), 2u);
  EXPECT_EQ(transfer_.requests[1].url, "http://files.example/fw-newer.bin");
  transfer_.complete("newer");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses().back(), FS::Installed);
}

TEST_F(FirmwareUpdateTest, DownloadCutByARestartStartsAgain) {
  firmware_->update(unsigned_request());
  loop_.run_pending();
  restart();
  ASSERT_EQ(transfer_.requests.size(), 2u);
  EXPECT_EQ(link_.statuses(), std::vector<FS>{FS::Downloading});
  transfer_.complete("image");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses().back(), FS::Installed);
}

TEST_F(FirmwareUpdateTest, ImageCheckedAgainWhenARestartFindsItWaitingToInstall) {
  auto r = signed_request("signer");
  r.install_at = clock_.system_now() + 1h;
  firmware_->update(r);
  loop_.run_pending();
  transfer_.complete("image v2");
  loop_.run_pending();
  write_file(transfer_.requests[0].destination, "changed while the daemon was down");
  restart();
  EXPECT_EQ(link_.statuses(), std::vector<FS>{FS::InvalidSignature});
}

TEST_F(FirmwareUpdateTest, FailingInstallProgramIsReported) {
  options_.install_command = install_script(3);
  start();
  firmware_->update(unsigned_request());
  loop_.run_pending();
  transfer_.complete("image");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses().back(), FS::InstallationFailed);
  EXPECT_TRUE(event_types().empty());
}

TEST_F(FirmwareUpdateTest, InstallProgramInheritsNoOpenFileOfTheDaemon) {
  const int fd = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC, like a socket a library opened
  ASSERT_GE(fd, 3);
  const auto path = dir_ / "install.sh";
  write_file(path, "#!/bin/sh\n[ -e /proc/$$/fd/" + std::to_string(fd) + " ] && exit 3\nexit 0\n");
  ::chmod(path.c_str(), 0755);
  options_.install_command = path.string();
  start();
  firmware_->update(unsigned_request());
  loop_.run_pending();
  transfer_.complete("image");
  loop_.run_pending();
  ::close(fd);
  EXPECT_EQ(link_.statuses().back(), FS::Installed);
}

TEST_F(FirmwareUpdateTest, MissingInstallProgramIsReported) {
  options_.install_command = (dir_ / "no-such-program").string();
  start();
  firmware_->update(unsigned_request());
  loop_.run_pending();
  transfer_.complete("image");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses().back(), FS::InstallationFailed);
}

TEST_F(FirmwareUpdateTest, InstallAskingForARestartIsReportedInstalledAfterIt) {
  options_.install_command = install_script(FirmwareUpdate::kInstalledRestart);
  start();
  firmware_->update(signed_request("signer"));
  loop_.run_pending();
  transfer_.complete("image v2");
  loop_.run_pending();
  EXPECT_EQ(link_.statuses().back(), FS::InstallRebooting);
  EXPECT_EQ(site_.restarts, 0);  // the status has time to reach the CSMS first
  loop_.advance(options_.restart_delay);
  EXPECT_EQ(site_.restarts, 1);
  EXPECT_TRUE(event_types().empty());
  restart();
  EXPECT_EQ(link_.statuses(), std::vector<FS>{FS::Installed});
  EXPECT_EQ(link_.progress[0].request_id, 7);
  EXPECT_EQ(event_types(), std::vector<std::string>{"FirmwareUpdated"});
  restart();
  EXPECT_TRUE(link_.progress.empty());  // reported once
}

TEST_F(FirmwareUpdateTest, InstallCutByARestartIsReportedFailed) {
  options_.install_command = install_script(0);
  start();
  firmware_->update(unsigned_request());
  loop_.run_pending();
  // The daemon dies while the program runs: the row says Installing.
  store_->db().exec("UPDATE firmware_update SET step = 'Installing'");
  restart();
  EXPECT_EQ(link_.statuses(), std::vector<FS>{FS::InstallationFailed});
}

TEST_F(FirmwareUpdateTest, SecondUpdateDuringAnInstallIsRejected) {
  options_.install_command = install_script(FirmwareUpdate::kInstalledRestart);
  start();
  firmware_->update(unsigned_request());
  loop_.run_pending();
  transfer_.complete("image");
  loop_.run_pending();
  EXPECT_EQ(firmware_->update(unsigned_request()), FirmwareAnswer::Rejected);
}

// The signature check on its own: RSA as well as ECDSA, and a signature of another file.
TEST_F(FirmwareUpdateTest, SignatureCheckAcceptsRsaAndRefusesAnotherFilesSignature) {
  const auto file = dir_ / "a.bin";
  write_file(file, std::string(200000, 'a'));
  EXPECT_TRUE(verify_file_signature(file.string(), pki_->pem("rsa-signer"), pki_->sign("rsa-signer", file)).ok);
  const auto ecdsa = pki_->sign("signer", file);
  EXPECT_TRUE(verify_file_signature(file.string(), pki_->pem("signer"), ecdsa).ok);
  write_file(file, std::string(200000, 'b'));
  const auto v = verify_file_signature(file.string(), pki_->pem("signer"), ecdsa);
  EXPECT_FALSE(v.ok);
  EXPECT_NE(v.error.find("does not match"), std::string::npos) << v.error;
  EXPECT_FALSE(verify_file_signature(file.string(), pki_->pem("signer"), "not base64 !").ok);
}

TEST_F(FirmwareUpdateTest, CertificateCheckHonoursThePilesClock) {
  const auto roots = certificate_folder(dir_.string(), CertificateUse::ManufacturerRootCertificate);
  EXPECT_TRUE(check_signing_certificate(pki_->pem("signer"), roots, std::chrono::system_clock::now()).ok);
  // The signer is valid for a year from now.
  const auto later = check_signing_certificate(pki_->pem("signer"), roots, std::chrono::system_clock::now() + 24h * 400);
  EXPECT_FALSE(later.ok);
  EXPECT_NE(later.error.find("expired"), std::string::npos) << later.error;
  EXPECT_FALSE(check_signing_certificate("garbage", roots, std::chrono::system_clock::now()).ok);
}

}  // namespace
}  // namespace ocpp::cp
