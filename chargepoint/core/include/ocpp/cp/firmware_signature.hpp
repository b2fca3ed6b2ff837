#pragma once
// Checks of a signed firmware update (1.6 Security Whitepaper §5.1 SignedUpdateFirmware, 2.0.1
// L01.FR.02, L01.FR.03, L01.FR.22): the signing certificate must chain to a ManufacturerRoot
// certificate the pile holds, and the signature (SHA-256 with RSA or ECDSA, base64) must cover
// the downloaded file. With OpenSSL; version-neutral.
//
// Revocation is not checked: the pile has no CRL or OCSP source for manufacturer certificates, so
// the RevokedCertificate answer is never given (a revoked signer must be removed by deleting its
// root, or by letting its certificate expire).
#include <string>

#include "ocpp/common/clock.hpp"

namespace ocpp::cp {

struct SignatureVerdict {
  bool ok = false;
  std::string error;  // for the log, when !ok
};

// `certificate_pem` (the signing certificate, possibly followed by intermediates) chains to one
// of the certificates in the *.pem files of `root_folder`, and is valid at `now`.
SignatureVerdict check_signing_certificate(const std::string& certificate_pem, const std::string& root_folder,
                                           SystemTime now);

// `signature_base64` is a SHA-256 signature of the content of `file` by the certificate's key.
// Reads the file in blocks: a 50 MB image never sits in memory.
SignatureVerdict verify_file_signature(const std::string& file, const std::string& certificate_pem,
                                       const std::string& signature_base64);

}  // namespace ocpp::cp
