#pragma once
// The reference CSMS's test PKI (OpenSSL 3): it signs firmware images with a manufacturer's key
// (1.6 Security Whitepaper §3 SignedUpdateFirmware, 2.0.1 L01 UpdateFirmware.signature) and signs
// the charge points' CSRs with a CA (Whitepaper §2.2 SignCertificate, 2.0.1 A02/A03). A lab tool:
// the keys are files given on the command line, and nothing here is meant for a production CA.
#include <memory>
#include <optional>
#include <string>

typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;

namespace ocpp::csms {

// Signs files: the signature is over the SHA-256 of the whole file, with the key's own scheme
// (RSA PKCS#1 v1.5 or ECDSA), base64 as both versions carry it; `openssl dgst -sha256 -verify`
// checks it against the certificate's public key.
class FirmwareSigner {
 public:
  // Throws std::runtime_error naming the file when a file is unreadable, or the key is not the
  // certificate's.
  FirmwareSigner(const std::string& key_file, const std::string& cert_file);
  ~FirmwareSigner();
  FirmwareSigner(const FirmwareSigner&) = delete;
  FirmwareSigner& operator=(const FirmwareSigner&) = delete;
  // The signing certificate in PEM, as FirmwareType.signingCertificate carries it.
  const std::string& certificate_pem() const { return certificate_pem_; }
  // base64 of the signature of the file's bytes; throws std::runtime_error when it cannot be read.
  std::string sign_file(const std::string& path) const;

 private:
  EVP_PKEY* key_ = nullptr;
  std::string certificate_pem_;
};

struct IssuedCertificate {
  std::string chain_pem;  // the leaf, then the CA certificate
  std::string common_name;
  std::string serial_hex;
};

class CertificateAuthority {
 public:
  // Throws std::runtime_error naming the file when unreadable or when the key is not the
  // certificate's.
  CertificateAuthority(const std::string& cert_file, const std::string& key_file);
  ~CertificateAuthority();
  CertificateAuthority(const CertificateAuthority&) = delete;
  CertificateAuthority& operator=(const CertificateAuthority&) = delete;

  // Whitepaper §2.2 / A02.FR.06-07: the CSR is checked (PEM, its own signature, CN equal to
  // `charge_point_id`, so that no pile gets a certificate in another pile's name) and a leaf is
  // issued for it: the CSR's subject, one year, a random 127-bit serial, clientAuth, signed with
  // SHA-256. nullopt with `*why` set when the CSR is refused.
  std::optional<IssuedCertificate> sign_csr(const std::string& csr_pem, const std::string& charge_point_id,
                                            std::string* why) const;

 private:
  X509* cert_ = nullptr;
  EVP_PKEY* key_ = nullptr;
  std::string certificate_pem_;
};

}  // namespace ocpp::csms
