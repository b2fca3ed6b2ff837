// The pile's own certificate (certificate_store.hpp): key pair and CSR (1.6 Security Whitepaper
// §3.2 "Installing a Charge Point certificate", 2.0.1 A02/A03), and the CertificateSigned chain,
// checked against the pending key and the CSMS roots before the TLS client uses it.
#include <openssl/ec.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <unistd.h>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/certificate_store.hpp"
#include "x509.hpp"

namespace ocpp::cp {
namespace {

struct ReqFree {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct StoreFree {
  void operator()(X509_STORE* s) const { X509_STORE_free(s); }
};
struct StoreCtxFree {
  void operator()(X509_STORE_CTX* c) const { X509_STORE_CTX_free(c); }
};
struct StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};

constexpr const char* kPendingKey = "/pending.key";
constexpr const char* kPendingCsr = "/pending.csr";
// How far the CSMS's clock may be ahead of the pile's when it signs (notBefore).
constexpr std::chrono::minutes kClockSkew{5};

std::string key_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(size));
  OPENSSL_cleanse(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return out;
}

x509::Key read_key(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  x509::Key key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return key;
}

bool add_name(X509_NAME* name, const char* field, const std::string& value) {
  return value.empty() || X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0) == 1;
}

// The reason when the chain does not verify up to one of `anchors_pem` (PEM texts).
std::optional<std::string> verify_chain(const std::vector<x509::Cert>& chain, const std::vector<std::string>& anchors_pem,
                                        SystemTime now) {
  std::unique_ptr<X509_STORE, StoreFree> store(X509_STORE_new());
  std::size_t anchors = 0;
  for (const auto& text : anchors_pem) {
    for (auto& cert : x509::parse_pem(text)) {
      X509_STORE_add_cert(store.get(), cert.get());
      ++anchors;
    }
  }
  if (anchors == 0) return "no CSMS root certificate to verify it against";
  std::unique_ptr<STACK_OF(X509), StackFree> untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < chain.size(); ++i) sk_X509_push(untrusted.get(), chain[i].get());
  std::unique_ptr<X509_STORE_CTX, StoreCtxFree> ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(), untrusted.get());
  X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(now));
  if (X509_verify_cert(ctx.get()) == 1) return std::nullopt;
  return std::string("the chain does not verify: ") + X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get()));
}

}  // namespace

std::optional<std::string> CertificateStore::make_csr(const CsrSubject& subject, std::string* error) {
  auto fail = [error](std::string why) -> std::optional<std::string> {
    log::error("certs", "cannot make a certificate signing request: " + why);
    if (error != nullptr) *error = std::move(why);
    return std::nullopt;
  };
  x509::Key key(EVP_EC_gen(SN_X9_62_prime256v1));
  if (!key) return fail("EC key generation failed");
  std::unique_ptr<X509_REQ, ReqFree> req(X509_REQ_new());
  X509_NAME* name = X509_REQ_get_subject_name(req.get());
  if (!add_name(name, "O", subject.organization) || !add_name(name, "CN", subject.common_name)) {
    return fail("the subject does not fit a certificate (CN \"" + subject.common_name + "\", O \"" +
                subject.organization + "\")");
  }
  if (X509_REQ_set_version(req.get(), 0) != 1 || X509_REQ_set_pubkey(req.get(), key.get()) != 1 ||
      X509_REQ_sign(req.get(), key.get(), EVP_sha256()) <= 0) {
    return fail("signing the request failed");
  }
  // The key is durable before the CSMS can answer: CertificateSigned may come after a restart.
  std::string pem_key = key_pem(key.get());
  auto why = x509::write_file_atomic(tls_folder() + kPendingKey, pem_key, 0600);
  OPENSSL_cleanse(pem_key.data(), pem_key.size());
  if (why) return fail(*why);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509_REQ(bio, req.get());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string csr(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  if (auto unsaved = x509::write_file_atomic(tls_folder() + kPendingCsr, csr, 0644)) return fail(*unsaved);
  log::info("certs", "new key pair and certificate signing request for CN=" + subject.common_name);
  return csr;
}

std::optional<std::string> CertificateStore::pending_csr() const {
  if (!has_pending_key()) return std::nullopt;
  return x509::read_file(tls_folder() + kPendingCsr);
}

bool CertificateStore::has_pending_key() const { return ::access((tls_folder() + kPendingKey).c_str(), R_OK) == 0; }

CertificateOutcome CertificateStore::install_signed_chain(const std::string& chain_pem, SystemTime now) {
  auto chain = x509::parse_pem(chain_pem);
  if (chain.empty()) return CertificateOutcome::rejected("not a PEM certificate chain");
  X509* leaf = chain.front().get();
  const auto pending = read_key(tls_folder() + kPendingKey);
  if (!pending) return CertificateOutcome::rejected("no certificate signing request is waiting for it");
  // 1.6 Whitepaper §3.2 / 2.0.1 A02: the certificate must be for the key of the CSR sent.
  if (EVP_PKEY_eq(X509_get0_pubkey(leaf), pending.get()) != 1) {
    return CertificateOutcome::rejected("the certificate is not for the key of the last signing request");
  }
  // Expired now, or not valid yet even if the CSMS's clock (which set notBefore) runs a little ahead.
  auto problem = x509::validity_problem(leaf, now);
  if (!problem || *problem != "expired") problem = x509::validity_problem(leaf, now + kClockSkew);
  if (problem) return CertificateOutcome::rejected("the certificate is " + *problem);
  std::vector<std::string> anchors;
  if (!options_.base_ca_file.empty()) {
    if (auto text = x509::read_file(options_.base_ca_file)) anchors.push_back(*text);
  }
  for (const auto& path : x509::pem_files(folder(CertificateUse::CsmsRootCertificate))) {
    if (auto text = x509::read_file(path)) anchors.push_back(*text);
  }
  if (auto unverified = verify_chain(chain, anchors, now + kClockSkew)) return CertificateOutcome::rejected(*unverified);

  const std::string fp = x509::fingerprint(leaf);
  const std::string base = tls_folder() + "/client-" + fp;
  std::string chain_text;
  for (const auto& c : chain) chain_text += x509::to_pem(c.get());
  std::string pem_key = key_pem(pending.get());
  auto why = x509::write_file_atomic(base + ".key", pem_key, 0600);
  OPENSSL_cleanse(pem_key.data(), pem_key.size());
  if (!why) why = x509::write_file_atomic(base + ".pem", chain_text, 0644);
  const std::string leaf_path = folder(CertificateUse::ChargingStationCertificate) + "/" + fp + ".pem";
  if (!why) why = x509::write_file_atomic(leaf_path, x509::to_pem(leaf), 0644);
  if (why) return CertificateOutcome::failed(*why);
  // The new pair is durable: the older ones and the pending key go.
  for (const auto& path : x509::pem_files(tls_folder())) {
    if (path.rfind(tls_folder() + "/client-", 0) == 0 && path != base + ".pem") {
      ::unlink((path.substr(0, path.size() - 4) + ".key").c_str());
      ::unlink(path.c_str());
    }
  }
  for (const auto& path : x509::pem_files(folder(CertificateUse::ChargingStationCertificate))) {
    if (path != leaf_path) ::unlink(path.c_str());
  }
  ::unlink((tls_folder() + kPendingKey).c_str());
  ::unlink((tls_folder() + kPendingCsr).c_str());
  log::info("certs", "installed the charge point certificate " + x509::subject_of(leaf) + ": used from the next connection");
  tls_changed();
  return CertificateOutcome::accepted();
}

std::optional<SystemTime> CertificateStore::own_certificate_expiry() const {
  const auto files = tls_files();
  if (files.cert_file.empty()) return std::nullopt;
  const auto text = x509::read_file(files.cert_file);
  auto certs = text ? x509::parse_pem(*text) : std::vector<x509::Cert>{};
  if (certs.empty()) return std::nullopt;
  return x509::not_after(certs.front().get());
}

}  // namespace ocpp::cp
