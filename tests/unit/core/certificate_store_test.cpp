// The certificate store (ocpp/cp/certificate_store.hpp) against certificates made at test time with
// the openssl command line (tests/support/make-certs.sh), whose OCSP request printer computes the
// same issuer name and key hashes independently of the store.
#include "ocpp/cp/certificate_store.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "ocpp/common/log.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/cp/certificate_renewal.hpp"

namespace ocpp::cp {
namespace {

namespace fs = std::filesystem;

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>/dev/null").c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), p) != nullptr) out += buf.data();
  ::pclose(p);
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class CertificateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ocpp-certs-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    pki_ = dir_ / "pki";
    ASSERT_EQ(std::system(("bash " OCPP_SOURCE_DIR "/tests/support/make-certs.sh " + pki_.string()).c_str()), 0);
    now_ = std::chrono::system_clock::now();  // after the certificates were made
    saved_ = log::level();
    if (getenv("OCPP_TEST_LOG") == nullptr) log::set_level(log::Level::error);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
    log::set_level(saved_);
  }
  CertificateStore::Options options() const {
    CertificateStore::Options o;
    o.state_dir = (dir_ / "state").string();
    fs::create_directories(o.state_dir);
    o.base_ca_file = (pki_ / "ca.pem").string();
    return o;
  }
  // What `openssl ocsp` puts in a CertID for `cert` issued by `issuer` (SHA-256).
  CertificateHash openssl_hash(const std::string& cert, const std::string& issuer) {
    const std::string text = run("openssl ocsp -sha256 -issuer " + (pki_ / issuer).string() + " -cert " +
                                 (pki_ / cert).string() + " -req_text -reqout /dev/null");
    CertificateHash h;
    std::smatch m;
    if (std::regex_search(text, m, std::regex("Issuer Name Hash: ([0-9A-F]+)"))) h.issuer_name_hash = lower(m[1]);
    if (std::regex_search(text, m, std::regex("Issuer Key Hash: ([0-9A-F]+)"))) h.issuer_key_hash = lower(m[1]);
    if (std::regex_search(text, m, std::regex("Serial Number: ([0-9A-F]+)"))) h.serial_number = lower(m[1]);
    const auto first = h.serial_number.find_first_not_of('0');
    h.serial_number = h.serial_number.substr(first == std::string::npos ? 0 : first);
    return h;
  }
  // Signs `csr_pem` with the test root (as a CSMS's CA would), returns the certificate in PEM.
  std::string sign_csr(const std::string& csr_pem, const std::string& ca = "ca") {
    std::ofstream(dir_ / "req.csr") << csr_pem;
    run("openssl x509 -req -in " + (dir_ / "req.csr").string() + " -CA " + (pki_ / (ca + ".pem")).string() + " -CAkey " +
        (pki_ / (ca + ".key")).string() + " -CAcreateserial -days 30 -out " + (dir_ / "signed.pem").string());
    return slurp(dir_ / "signed.pem");
  }

  fs::path dir_;
  fs::path pki_;
  log::Level saved_{};
  SystemTime now_{};
};

TEST_F(CertificateStoreTest, HashDataOfARootIsWhatOpensslComputesForItsCertId) {
  CertificateStore store(options());
  ASSERT_TRUE(store.install(CertificateUse::CsmsRootCertificate, slurp(pki_ / "ca.pem"), now_).ok());
  const auto listed = store.list({CertificateUse::CsmsRootCertificate});
  ASSERT_EQ(listed.size(), 1u);
  const auto expected = openssl_hash("ca.pem", "ca.pem");  // self-signed: its own issuer
  ASSERT_FALSE(expected.issuer_name_hash.empty());
  EXPECT_EQ(listed[0].hash.algorithm, "SHA256");
  EXPECT_EQ(listed[0].hash.issuer_name_hash, expected.issuer_name_hash);
  EXPECT_EQ(listed[0].hash.issuer_key_hash, expected.issuer_key_hash);
  EXPECT_EQ(listed[0].hash.serial_number, expected.serial_number);
}

TEST_F(CertificateStoreTest, HashDataOfALeafUsesItsIssuersKey) {
  const auto ours = CertificateStore::hash_of(slurp(pki_ / "server.pem") + slurp(pki_ / "ca.pem"));
  ASSERT_TRUE(ours);
  const auto expected = openssl_hash("server.pem", "ca.pem");
  EXPECT_EQ(ours->issuer_name_hash, expected.issuer_name_hash);
  EXPECT_EQ(ours->issuer_key_hash, expected.issuer_key_hash);
  EXPECT_EQ(ours->serial_number, expected.serial_number);
}

TEST_F(CertificateStoreTest, InstallRefusesWhatIsNotAValidCaCertificate) {
  CertificateStore store(options());
  EXPECT_EQ(store.install(CertificateUse::CsmsRootCertificate, "garbage", now_).status,
            CertificateOutcome::Status::Rejected);
  // A leaf as a root would make every certificate it names a trust anchor.
  EXPECT_EQ(store.install(CertificateUse::CsmsRootCertificate, slurp(pki_ / "server.pem"), now_).status,
            CertificateOutcome::Status::Rejected);
  const auto later = now_ + std::chrono::hours(24 * 30);  // make-certs.sh certificates last 2 days
  const auto expired = store.install(CertificateUse::ManufacturerRootCertificate, slurp(pki_ / "ca.pem"), later);
  EXPECT_EQ(expired.status, CertificateOutcome::Status::Rejected);
  EXPECT_NE(expired.reason.find("expired"), std::string::npos);
  EXPECT_EQ(store.count(), 0u);
}

TEST_F(CertificateStoreTest, OneFilePerCertificateInItsKindsFolderAndTheSameTwiceIsOne) {
  CertificateStore store(options());
  ASSERT_TRUE(store.install(CertificateUse::ManufacturerRootCertificate, slurp(pki_ / "ca.pem"), now_).ok());
  ASSERT_TRUE(store.install(CertificateUse::ManufacturerRootCertificate, slurp(pki_ / "ca.pem"), now_).ok());
  ASSERT_TRUE(store.install(CertificateUse::ManufacturerRootCertificate, slurp(pki_ / "rogue-ca.pem"), now_).ok());
  const auto folder = certificate_folder(options().state_dir, CertificateUse::ManufacturerRootCertificate);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(folder)) files += e.path().extension() == ".pem" ? 1 : 0;
  EXPECT_EQ(files, 2u);
  EXPECT_EQ(store.list({CertificateUse::CsmsRootCertificate}).size(), 0u);
  EXPECT_EQ(store.list({}).size(), 2u);
}

TEST_F(CertificateStoreTest, TheStoreIsBounded) {
  auto o = options();
  o.max_certificates = 1;
  CertificateStore store(o);
  ASSERT_TRUE(store.install(CertificateUse::V2GRootCertificate, slurp(pki_ / "ca.pem"), now_).ok());
  const auto full = store.install(CertificateUse::MORootCertificate, slurp(pki_ / "rogue-ca.pem"), now_);
  EXPECT_EQ(full.status, CertificateOutcome::Status::Rejected);
  EXPECT_EQ(store.count(), 1u);
}

TEST_F(CertificateStoreTest, DeleteByHashDataAndNotFoundAfterwards) {
  CertificateStore store(options());
  ASSERT_TRUE(store.install(CertificateUse::CsmsRootCertificate, slurp(pki_ / "ca.pem"), now_).ok());
  ASSERT_TRUE(store.install(CertificateUse::CsmsRootCertificate, slurp(pki_ / "rogue-ca.pem"), now_).ok());
  auto hash = openssl_hash("rogue-ca.pem", "rogue-ca.pem");
  hash.issuer_key_hash = [](std::string s) {  // the CSMS may spell hex in capitals
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }(hash.issuer_key_hash);
  EXPECT_EQ(store.remove(hash), DeleteOutcome::Accepted);
  EXPECT_EQ(store.remove(hash), DeleteOutcome::NotFound);
  EXPECT_EQ(store.count(), 1u);
  // The last CSMS root, while the link depends on it.
  store.protect_last_csms_root(true);
  EXPECT_EQ(store.remove(openssl_hash("ca.pem", "ca.pem")), DeleteOutcome::Failed);
  store.protect_last_csms_root(false);
  EXPECT_EQ(store.remove(openssl_hash("ca.pem", "ca.pem")), DeleteOutcome::Accepted);
}

TEST_F(CertificateStoreTest, TheCaBundleChangesNameWithEveryInstalledCsmsRoot) {
  CertificateStore store(options());
  int changes = 0;
  store.on_tls_change([&changes] { ++changes; });
  EXPECT_EQ(store.tls_files().ca_file, options().base_ca_file);
  ASSERT_TRUE(store.install(CertificateUse::CsmsRootCertificate, slurp(pki_ / "rogue-ca.pem"), now_).ok());
  const auto first = store.tls_files().ca_file;
  EXPECT_NE(first, options().base_ca_file);
  const std::string bundle = slurp(first);
  EXPECT_NE(bundle.find(slurp(pki_ / "ca.pem")), std::string::npos);        // the file's tls.ca_file
  EXPECT_NE(bundle.find(slurp(pki_ / "rogue-ca.pem")), std::string::npos);  // and the installed root
  ASSERT_TRUE(store.install(CertificateUse::ManufacturerRootCertificate, slurp(pki_ / "ca.pem"), now_).ok());
  EXPECT_EQ(store.tls_files().ca_file, first);  // a manufacturer root is not a TLS anchor
  EXPECT_EQ(changes, 1);
  auto hash = openssl_hash("rogue-ca.pem", "rogue-ca.pem");
  ASSERT_EQ(store.remove(hash), DeleteOutcome::Accepted);
  EXPECT_EQ(store.tls_files().ca_file, options().base_ca_file);
  EXPECT_EQ(changes, 2);
}

TEST_F(CertificateStoreTest, CsrCarriesTheSubjectAndVerifiesAndItsKeyIsPrivate) {
  CertificateStore store(options());
  std::string error;
  const auto csr = store.make_csr({"CP-42", "Example CPO"}, &error);
  ASSERT_TRUE(csr) << error;
  std::ofstream(dir_ / "check.csr") << *csr;
  const std::string text = run("openssl req -in " + (dir_ / "check.csr").string() + " -noout -verify -subject -nameopt RFC2253");
  EXPECT_NE(text.find("CN=CP-42,O=Example CPO"), std::string::npos) << text;
  EXPECT_EQ(std::system(("openssl req -in " + (dir_ / "check.csr").string() + " -noout -verify >/dev/null 2>&1").c_str()), 0);
  EXPECT_NE(run("openssl req -in " + (dir_ / "check.csr").string() + " -noout -text").find("prime256v1"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat((options().state_dir + "/certificates/tls/pending.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((options().state_dir + "/certificates/tls").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
}

TEST_F(CertificateStoreTest, ASignedChainForThePendingKeyBecomesTheTlsClientCertificate) {
  CertificateStore store(options());
  int changes = 0;
  store.on_tls_change([&changes] { ++changes; });
  const auto csr = store.make_csr({"CP-42", "Example CPO"}, nullptr);
  ASSERT_TRUE(csr);
  const std::string signed_pem = sign_csr(*csr);
  ASSERT_FALSE(signed_pem.empty());
  const auto outcome = store.install_signed_chain(signed_pem + slurp(pki_ / "ca.pem"), now_);
  ASSERT_TRUE(outcome.ok()) << outcome.reason;
  EXPECT_EQ(changes, 1);
  EXPECT_FALSE(store.has_pending_key());
  const auto files = store.tls_files();
  ASSERT_FALSE(files.cert_file.empty());
  struct stat st {};
  ASSERT_EQ(::stat(files.key_file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // The pair matches: openssl derives the same public key from both files.
  EXPECT_EQ(run("openssl x509 -in " + files.cert_file + " -noout -pubkey"),
            run("openssl pkey -in " + files.key_file + " -pubout"));
  ASSERT_TRUE(store.own_certificate_expiry());
  // The pile's own certificate is listed under its kind and cannot be deleted (M04.FR.06).
  const auto own = CertificateStore::hash_of(slurp(files.cert_file));
  ASSERT_TRUE(own);
  EXPECT_EQ(store.remove(*own), DeleteOutcome::Failed);
}

TEST_F(CertificateStoreTest, ASignedChainIsRefusedForAnotherKeyOrAnUntrustedIssuer) {
  CertificateStore store(options());
  // No signing request waits.
  EXPECT_EQ(store.install_signed_chain(slurp(pki_ / "client.pem"), now_).status, CertificateOutcome::Status::Rejected);
  const auto csr = store.make_csr({"CP-42", "Example CPO"}, nullptr);
  ASSERT_TRUE(csr);
  // A certificate for another key.
  const auto other = store.install_signed_chain(slurp(pki_ / "client.pem") + slurp(pki_ / "ca.pem"), now_);
  EXPECT_EQ(other.status, CertificateOutcome::Status::Rejected);
  EXPECT_NE(other.reason.find("key"), std::string::npos);
  // The right key, signed by a root the pile does not trust.
  const auto rogue = store.install_signed_chain(sign_csr(*csr, "rogue-ca"), now_);
  EXPECT_EQ(rogue.status, CertificateOutcome::Status::Rejected);
  EXPECT_NE(rogue.reason.find("verify"), std::string::npos);
  EXPECT_TRUE(store.has_pending_key());  // the CSMS may still send the right one
  EXPECT_TRUE(store.tls_files().cert_file.empty());
}

TEST_F(CertificateStoreTest, ACertificateEndingWithin30DaysAsksForANewOneOnceADay) {
  CertificateStore store(options());
  const auto csr = store.make_csr({"CP-42", "Example CPO"}, nullptr);
  ASSERT_TRUE(csr);
  ASSERT_TRUE(store.install_signed_chain(sign_csr(*csr), now_).ok());  // valid 30 days
  ManualClock clock(now_ - std::chrono::hours(24 * 3));  // three days before: 33 days left
  ManualEventLoop loop(clock);
  int requests = 0;
  CertificateRenewal renewal(loop, store, clock, [&requests] { ++requests; });
  renewal.start();
  loop.advance(std::chrono::minutes(2));
  EXPECT_EQ(requests, 0);
  loop.advance(std::chrono::hours(24 * 3));  // 30 days left now
  EXPECT_EQ(requests, 1);
  loop.advance(std::chrono::hours(24));
  EXPECT_EQ(requests, 2);  // until a new certificate comes, every day
}

TEST_F(CertificateStoreTest, AnUnansweredSigningRequestIsSentAgainWithADoublingWait) {
  CertificateStore store(options());
  const auto csr = store.make_csr({"CP-42", "Example CPO"}, nullptr);
  ASSERT_TRUE(csr);
  EXPECT_EQ(store.pending_csr(), csr);  // the same request goes again, for the same key
  ManualClock clock(now_);
  ManualEventLoop loop(clock);
  int resends = 0;
  CertificateRenewal renewal(loop, store, clock, [] {}, [&resends] { ++resends; });
  renewal.awaiting_signature(std::chrono::seconds(60), 2);
  loop.advance(std::chrono::seconds(59));
  EXPECT_EQ(resends, 0);
  loop.advance(std::chrono::seconds(1));
  EXPECT_EQ(resends, 1);
  loop.advance(std::chrono::seconds(119));
  EXPECT_EQ(resends, 1);
  loop.advance(std::chrono::seconds(1));
  EXPECT_EQ(resends, 2);
  loop.advance(std::chrono::hours(1));
  EXPECT_EQ(resends, 2);  // CertSigningRepeatTimes
  renewal.awaiting_signature(std::chrono::seconds(60), 2);
  renewal.signature_received();
  loop.advance(std::chrono::hours(1));
  EXPECT_EQ(resends, 2);
}

}  // namespace
}  // namespace ocpp::cp
