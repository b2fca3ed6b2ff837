// The certificate store's root kinds (certificate_store.hpp): InstallCertificate, DeleteCertificate,
// GetInstalledCertificateIds (1.6 Security Whitepaper §4.1, 2.0.1 M03-M05), and the CA bundle of
// the TLS client. The pile's own certificate is pile_certificate.cpp's.
#include "ocpp/cp/certificate_store.hpp"

#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "ocpp/common/log.hpp"
#include "x509.hpp"

namespace ocpp::cp {
namespace {

constexpr CertificateUse kRootKinds[] = {CertificateUse::CsmsRootCertificate, CertificateUse::ManufacturerRootCertificate,
                                         CertificateUse::V2GRootCertificate, CertificateUse::MORootCertificate};

bool equal_nocase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

void make_dir(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create the certificate folder " + path);
  }
}

// The certificate that issued `cert` among `pool`: itself when self-signed, else one whose subject
// and key fit. nullptr when it is not held.
X509* issuer_in(X509* cert, const std::vector<x509::Cert>& pool) {
  if (X509_check_issued(cert, cert) == X509_V_OK) return cert;
  for (const auto& candidate : pool) {
    if (candidate.get() != cert && X509_check_issued(candidate.get(), cert) == X509_V_OK) return candidate.get();
  }
  return nullptr;
}

struct Loaded {
  CertificateUse use;
  std::string path;
  x509::Cert cert;
};

std::vector<Loaded> load(const std::string& state_dir, const std::vector<CertificateUse>& uses) {
  std::vector<Loaded> out;
  for (CertificateUse use : uses) {
    for (const auto& path : x509::pem_files(certificate_folder(state_dir, use))) {
      const auto text = x509::read_file(path);
      auto certs = text ? x509::parse_pem(*text) : std::vector<x509::Cert>{};
      if (certs.empty()) {
        log::warn("certs", path + " holds no readable certificate: ignored");
        continue;
      }
      out.push_back(Loaded{use, path, std::move(certs.front())});
    }
  }
  return out;
}

// Where issuers are looked up: the certificates held, the file's tls.ca_file and the pile's chain.
std::vector<x509::Cert> issuer_pool(const std::vector<Loaded>& held, const TlsFiles& tls) {
  std::vector<x509::Cert> pool;
  for (const auto& h : held) pool.emplace_back(X509_dup(h.cert.get()));
  for (const auto* path : {&tls.ca_file, &tls.cert_file}) {
    if (path->empty()) continue;
    for (auto& cert : x509::parse_pem(x509::read_file(*path).value_or(""))) pool.push_back(std::move(cert));
  }
  return pool;
}

}  // namespace

bool same_certificate(const CertificateHash& a, const CertificateHash& b) {
  return equal_nocase(a.algorithm, b.algorithm) && equal_nocase(a.issuer_name_hash, b.issuer_name_hash) &&
         equal_nocase(a.issuer_key_hash, b.issuer_key_hash) && equal_nocase(a.serial_number, b.serial_number);
}

CertificateStore::CertificateStore(Options options) : options_(std::move(options)) {
  make_dir(options_.state_dir + "/certificates", 0755);
  for (CertificateUse use : kRootKinds) make_dir(folder(use), 0755);
  make_dir(folder(CertificateUse::ChargingStationCertificate), 0755);
  make_dir(tls_folder(), 0700);  // keys live here
  ::chmod(tls_folder().c_str(), 0700);
}

std::string CertificateStore::folder(CertificateUse use) const { return certificate_folder(options_.state_dir, use); }
std::string CertificateStore::tls_folder() const { return options_.state_dir + "/certificates/tls"; }

CertificateOutcome CertificateStore::install(CertificateUse use, const std::string& pem, SystemTime now) {
  if (std::find(std::begin(kRootKinds), std::end(kRootKinds), use) == std::end(kRootKinds)) {
    return CertificateOutcome::rejected(std::string(to_string(use)) + " is not installed with InstallCertificate");
  }
  auto certs = x509::parse_pem(pem);
  if (certs.size() != 1) {
    return CertificateOutcome::rejected(certs.empty() ? "not a PEM certificate" : "more than one certificate");
  }
  X509* cert = certs.front().get();
  if (auto problem = x509::validity_problem(cert, now)) return CertificateOutcome::rejected("the certificate is " + *problem);
  // A root kind signs other certificates: a leaf here would be trusted as an anchor by mistake.
  if (X509_check_ca(cert) == 0) return CertificateOutcome::rejected("not a CA certificate");
  const std::string path = folder(use) + "/" + x509::fingerprint(cert) + ".pem";
  if (::access(path.c_str(), F_OK) == 0) return CertificateOutcome::accepted();  // held already
  if (count() >= options_.max_certificates) {
    return CertificateOutcome::rejected("the store is full (" + std::to_string(options_.max_certificates) +
                                        " certificates): delete one first");
  }
  if (auto why = x509::write_file_atomic(path, x509::to_pem(cert), 0644)) return CertificateOutcome::failed(*why);
  log::info("certs", "installed " + std::string(to_string(use)) + " " + x509::subject_of(cert));
  if (use == CertificateUse::CsmsRootCertificate) tls_changed();
  return CertificateOutcome::accepted();
}

DeleteOutcome CertificateStore::remove(const CertificateHash& hash, std::string* why) {
  std::vector<CertificateUse> uses(std::begin(kRootKinds), std::end(kRootKinds));
  uses.push_back(CertificateUse::ChargingStationCertificate);
  auto held = load(options_.state_dir, uses);
  const auto pool = issuer_pool(held, tls_files());
  const std::size_t csms_roots = std::count_if(held.begin(), held.end(), [](const Loaded& l) {
    return l.use == CertificateUse::CsmsRootCertificate;
  });
  for (const auto& h : held) {
    X509* issuer = issuer_in(h.cert.get(), pool);
    const auto data = x509::hash_data(h.cert.get(), issuer != nullptr ? issuer : h.cert.get(), hash.algorithm);
    if (!data || !same_certificate(*data, hash)) continue;
    auto refuse = [why](std::string reason) {
      log::warn("certs", "DeleteCertificate refused: " + reason);
      if (why != nullptr) *why = std::move(reason);
      return DeleteOutcome::Failed;
    };
    // 2.0.1 M04.FR.06 (and the 1.6 Whitepaper's note): the pile's own certificate is replaced by
    // CertificateSigned, never deleted.
    if (h.use == CertificateUse::ChargingStationCertificate) return refuse("the charge point's own certificate");
    if (h.use == CertificateUse::CsmsRootCertificate && csms_roots == 1 && protect_last_csms_root_) {
      return refuse("the last CSMS root certificate: the TLS link would trust nothing");
    }
    if (::unlink(h.path.c_str()) != 0) return refuse("cannot remove " + h.path);
    log::info("certs", "deleted " + std::string(to_string(h.use)) + " " + x509::subject_of(h.cert.get()));
    if (h.use == CertificateUse::CsmsRootCertificate) tls_changed();
    return DeleteOutcome::Accepted;
  }
  return DeleteOutcome::NotFound;
}

std::vector<InstalledCertificate> CertificateStore::list(const std::vector<CertificateUse>& uses,
                                                         const std::string& algorithm) const {
  std::vector<CertificateUse> wanted = uses;
  if (wanted.empty()) wanted.assign(std::begin(kRootKinds), std::end(kRootKinds));
  // The issuers may be of another kind than the certificates listed: look them up among all.
  const auto all = load(options_.state_dir, std::vector<CertificateUse>(std::begin(kRootKinds), std::end(kRootKinds)));
  const auto pool = issuer_pool(all, tls_files());
  std::vector<InstalledCertificate> out;
  for (const auto& h : load(options_.state_dir, wanted)) {
    X509* issuer = issuer_in(h.cert.get(), pool);
    // An intermediate installed without its issuer: its own key stands in (documented).
    const auto data = x509::hash_data(h.cert.get(), issuer != nullptr ? issuer : h.cert.get(), algorithm);
    if (!data) continue;
    out.push_back(InstalledCertificate{h.use, *data, h.path, x509::subject_of(h.cert.get())});
  }
  return out;
}

std::size_t CertificateStore::count() const {
  std::size_t n = 0;
  for (CertificateUse use : kRootKinds) n += x509::pem_files(folder(use)).size();
  return n;
}

std::optional<CertificateHash> CertificateStore::hash_of(const std::string& pem, const std::string& algorithm) {
  auto certs = x509::parse_pem(pem);
  if (certs.empty()) return std::nullopt;
  X509* issuer = issuer_in(certs.front().get(), certs);
  return x509::hash_data(certs.front().get(), issuer != nullptr ? issuer : certs.front().get(), algorithm);
}

// The CA bundle: the file's tls.ca_file, then every CSMS root installed. Named after its content,
// so that the TLS client, which loads a file once per set-up, sees a new path for new content.
TlsFiles CertificateStore::tls_files() const {
  TlsFiles files{options_.base_ca_file, options_.base_cert_file, options_.base_key_file};
  const auto roots = x509::pem_files(folder(CertificateUse::CsmsRootCertificate));
  if (!roots.empty()) {
    std::string bundle;
    if (!options_.base_ca_file.empty()) bundle += x509::read_file(options_.base_ca_file).value_or("");
    if (!bundle.empty() && bundle.back() != '\n') bundle += '\n';
    for (const auto& path : roots) bundle += x509::read_file(path).value_or("");
    const std::string path = tls_folder() + "/ca-" + x509::sha256_hex(bundle).substr(0, 16) + ".pem";
    if (::access(path.c_str(), R_OK) == 0) {
      files.ca_file = path;
    } else if (auto why = x509::write_file_atomic(path, bundle, 0644)) {
      log::error("certs", "cannot write the CA bundle, the TLS client keeps tls.ca_file: " + *why);
    } else {
      files.ca_file = path;
    }
  }
  for (const auto& path : x509::pem_files(tls_folder())) {
    const auto name = path.substr(tls_folder().size() + 1);
    if (name.rfind("client-", 0) != 0) continue;
    const std::string key = path.substr(0, path.size() - 4) + ".key";
    if (::access(key.c_str(), R_OK) != 0) continue;
    files.cert_file = path;
    files.key_file = key;
  }
  return files;
}

void CertificateStore::tls_changed() {
  prune_tls_files();
  for (const auto& fn : tls_listeners_) fn();
}

// Bundles of earlier contents: the TLS client loaded them when it set up, it needs them no more.
void CertificateStore::prune_tls_files() const {
  const std::string keep = tls_files().ca_file;
  for (const auto& path : x509::pem_files(tls_folder())) {
    const auto name = path.substr(tls_folder().size() + 1);
    if (name.rfind("ca-", 0) == 0 && path != keep) ::unlink(path.c_str());
  }
}

}  // namespace ocpp::cp
