#pragma once
// OpenSSL 3 helpers of the certificate store (certificate_store.cpp, pile_certificate.cpp): owning
// pointers, PEM parsing, the certificateHashData of OCPP, atomic file writes.
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/cp/certificate_store.hpp"

namespace ocpp::cp::x509 {

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Cert = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

// Every certificate of a PEM text, in order; empty when there is none or one does not parse.
std::vector<Cert> parse_pem(const std::string& pem);
std::string to_pem(X509* cert);
std::string subject_of(X509* cert);
// SHA-256 of the DER encoding, in hex: the file names of the store.
std::string fingerprint(X509* cert);
std::string sha256_hex(const std::string& data);
// The reason when `cert` is not valid at `now` (not yet, or no longer).
std::optional<std::string> validity_problem(X509* cert, SystemTime now);
std::optional<SystemTime> not_after(X509* cert);
// certificateHashData of `cert`, the issuer's public key taken from `issuer` (the certificate
// itself for a self-signed one). nullopt for an unknown algorithm.
std::optional<CertificateHash> hash_data(X509* cert, X509* issuer, const std::string& algorithm);

// Writes `content` to `path` through a temporary file in the same folder, synced and renamed, with
// the given mode (0600 for keys). The reason on failure.
std::optional<std::string> write_file_atomic(const std::string& path, const std::string& content, unsigned mode);
std::optional<std::string> read_file(const std::string& path);
// The *.pem files of a folder, sorted by name.
std::vector<std::string> pem_files(const std::string& folder);

}  // namespace ocpp::cp::x509
