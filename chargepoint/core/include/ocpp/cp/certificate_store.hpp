#pragma once
// The pile's certificate store (1.6 Security Whitepaper edition 3 §4 and §5, 2.0.1 A02, A03, M03-M05),
// version-neutral: the adapters translate InstallCertificate, DeleteCertificate,
// GetInstalledCertificateIds, SignCertificate and CertificateSigned onto it.
//
// On disk, under `<state_dir>/certificates/`:
//   <use>/<fingerprint>.pem   one certificate per file (certificate_use.hpp's contract: firmware
//                             verification reads ManufacturerRootCertificate/*.pem)
//   tls/                      mode 0700: what the TLS client reads (a CA bundle and the pile's
//                             certificate chain with its key, each file named after its content so
//                             that a new one is a new path) and the pending key of a CSR (0600)
// Every file is written to a temporary name, synced and renamed: a power cut leaves the old file or
// the new one, never half of one.
//
// All calls are made from the event loop thread; key generation (EC P-256) takes about a millisecond.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/certificate_use.hpp"
#include "ocpp/cp/types.hpp"

namespace ocpp::cp {

// certificateHashData (1.6 Whitepaper CertificateHashDataType, 2.0.1 CertificateHashDataType):
// hashes in lower-case hex, the serial number in lower-case hex without leading zeros.
struct CertificateHash {
  std::string algorithm = "SHA256";  // SHA256, SHA384 or SHA512
  std::string issuer_name_hash;      // of the DER encoding of the issuer's name
  std::string issuer_key_hash;       // of the issuer's public key (the BIT STRING's bytes)
  std::string serial_number;
};
// Equal when the algorithm and the three values match, letters compared without case.
bool same_certificate(const CertificateHash& a, const CertificateHash& b);

struct InstalledCertificate {
  CertificateUse use = CertificateUse::CsmsRootCertificate;
  CertificateHash hash;
  std::string path;
  std::string subject;  // for logs, e.g. "CN=Test root"
};

struct CertificateOutcome {
  enum class Status { Accepted, Rejected, Failed } status = Status::Accepted;
  std::string reason;  // why not, for the log and statusInfo; empty when accepted
  static CertificateOutcome accepted() { return {}; }
  static CertificateOutcome rejected(std::string why) { return {Status::Rejected, std::move(why)}; }
  static CertificateOutcome failed(std::string why) { return {Status::Failed, std::move(why)}; }
  bool ok() const { return status == Status::Accepted; }
};

enum class DeleteOutcome { Accepted, Failed, NotFound };

// The files the TLS client uses now (empty strings: none of that kind).
struct TlsFiles {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
};

// The subject of the pile's certificate signing request.
struct CsrSubject {
  std::string common_name;   // 1.6 Whitepaper §3 / 2.0.1 Part 2 A00: the charge point's serial number
  std::string organization;  // 1.6 CpoName / 2.0.1 SecurityCtrlr.OrganizationName
};

class CertificateStore {
 public:
  struct Options {
    std::string state_dir = ".";
    // The most certificates of the root kinds (CSMS, manufacturer, V2G, MO) held at once: 1.6
    // CertificateStoreMaxLength, the maxLimit of 2.0.1 SecurityCtrlr.CertificateEntries.
    std::size_t max_certificates = 20;
    // The configuration file's tls.*: the CA bundle always includes ca_file; cert_file/key_file
    // are the pile's certificate until a CertificateSigned replaces them.
    std::string base_ca_file;
    std::string base_cert_file;
    std::string base_key_file;
  };

  // Creates the folders. Throws std::runtime_error when they cannot be made.
  explicit CertificateStore(Options options);

  // InstallCertificate (1.6 Whitepaper §4.1.3, 2.0.1 M05): one PEM certificate of a root kind.
  // Rejected when it does not parse, is not valid at `now`, is not a CA certificate, or the store
  // is full (M05, CertificateEntries's maxLimit: the CSMS must delete first); Failed when it cannot
  // be written.
  // Installing a certificate already held is Accepted and changes nothing.
  CertificateOutcome install(CertificateUse use, const std::string& pem, SystemTime now);
  // DeleteCertificate (1.6 Whitepaper §4.1.2, 2.0.1 M04): NotFound when no certificate matches;
  // Failed for the pile's own certificate (M04.FR.06), for the last CSMS root while
  // `protect_last_csms_root` (the TLS link would lose its trust anchor) or when the file cannot go.
  DeleteOutcome remove(const CertificateHash& hash, std::string* why = nullptr);
  void protect_last_csms_root(bool protect) { protect_last_csms_root_ = protect; }
  // GetInstalledCertificateIds (1.6 Whitepaper §4.1.4, 2.0.1 M03): the certificates of `uses`
  // (all the root kinds when empty), with their hash data computed with `algorithm`.
  std::vector<InstalledCertificate> list(const std::vector<CertificateUse>& uses,
                                         const std::string& algorithm = "SHA256") const;
  // How many certificates of the root kinds are installed (2.0.1 SecurityCtrlr.CertificateEntries).
  std::size_t count() const;
  std::size_t max_certificates() const { return options_.max_certificates; }

  // --- the pile's own certificate (1.6 Whitepaper §3.2, 2.0.1 A02/A03) ---
  // Makes a new key pair (EC P-256, secp256r1: a curve both specifications allow), keeps it as the pending key
  // (0600, replacing an older pending one) and returns the CSR in PEM, signed with it.
  // nullopt with *error when OpenSSL or the disk fails.
  std::optional<std::string> make_csr(const CsrSubject& subject, std::string* error);
  bool has_pending_key() const;
  // The CSR of the pending key (to send it again); nullopt when none waits.
  std::optional<std::string> pending_csr() const;
  // CertificateSigned: `chain_pem` is the pile's certificate first, then the CAs that signed it.
  // Rejected unless the leaf's public key is the pending key's, the leaf is valid at `now`, and the
  // chain verifies up to an installed CSMS root or the file's tls.ca_file. On success the chain and
  // its key become the TLS client's certificate (tls_files()) and the pending key is gone.
  CertificateOutcome install_signed_chain(const std::string& chain_pem, SystemTime now);
  // The notAfter of the pile's certificate in use (the installed one, else the file's cert_file).
  std::optional<SystemTime> own_certificate_expiry() const;

  // What the TLS client loads for its next connection: the CSMS roots installed plus the file's
  // ca_file (a bundle whose name changes with its content), and the pile's certificate.
  TlsFiles tls_files() const;
  // Called after every change of what tls_files() returns.
  void on_tls_change(std::function<void()> fn) { tls_listeners_.push_back(std::move(fn)); }

  // Hash data of the certificate in `pem` (its first), as the store computes it; for tests and
  // tools. nullopt when it does not parse.
  static std::optional<CertificateHash> hash_of(const std::string& pem, const std::string& algorithm = "SHA256");

 private:
  std::string folder(CertificateUse use) const;
  std::string tls_folder() const;
  void tls_changed();
  void prune_tls_files() const;

  Options options_;
  bool protect_last_csms_root_ = false;
  std::vector<std::function<void()>> tls_listeners_;
};

}  // namespace ocpp::cp
