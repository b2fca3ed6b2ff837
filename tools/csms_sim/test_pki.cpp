#include "test_pki.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "ocpp/common/base64.hpp"

namespace ocpp::csms {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509ReqFree {
  void operator()(X509_REQ* r) const { X509_REQ_free(r); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

Bio open_file(const std::string& path, const char* what) {
  Bio bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) throw std::runtime_error(std::string(what) + " " + path + " cannot be read");
  return bio;
}

X509* read_certificate(const std::string& path, const char* what) {
  Bio bio = open_file(path, what);
  X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  if (cert == nullptr) throw std::runtime_error(std::string(what) + " " + path + " holds no PEM certificate");
  return cert;
}

EVP_PKEY* read_key(const std::string& path, const char* what) {
  Bio bio = open_file(path, what);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) throw std::runtime_error(std::string(what) + " " + path + " holds no unencrypted PEM private key");
  return key;
}

std::string to_pem(X509* cert) {
  Bio mem(BIO_new(BIO_s_mem()));
  if (!mem || PEM_write_bio_X509(mem.get(), cert) != 1) throw std::runtime_error("cannot write a certificate as PEM");
  char* data = nullptr;
  const long len = BIO_get_mem_data(mem.get(), &data);
  return std::string(data, static_cast<std::size_t>(len));
}

std::string common_name(X509_NAME* name) {
  const int at = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (at < 0) return {};
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, at)));
  if (len < 0) return {};
  std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

// Some piles send the CSR's base64 without the PEM armour; RFC 2986 DER in base64 either way.
std::string armoured(const std::string& csr) {
  if (csr.find("-----BEGIN") != std::string::npos) return csr;
  return "-----BEGIN CERTIFICATE REQUEST-----\n" + csr + "\n-----END CERTIFICATE REQUEST-----\n";
}

bool add_extension(X509* cert, X509V3_CTX& ctx, int nid, const char* value) {
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// A leaf for `request`'s key and subject, issued by `ca`; nullptr when OpenSSL fails.
std::unique_ptr<X509, X509Free> issue_leaf(X509_REQ* request, EVP_PKEY* leaf_key, X509* ca, EVP_PKEY* ca_key,
                                           std::string* serial_hex) {
  std::unique_ptr<X509, X509Free> leaf(X509_new());
  std::unique_ptr<BIGNUM, BnFree> serial(BN_new());
  if (!leaf || !serial || X509_set_version(leaf.get(), 2) != 1 ||
      BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(leaf.get())) == nullptr) {
    return nullptr;
  }
  if (char* hex = BN_bn2hex(serial.get())) {
    *serial_hex = hex;
    OPENSSL_free(hex);
  }
  // Five minutes back, for a pile whose clock runs a little behind the CSMS's.
  X509_gmtime_adj(X509_getm_notBefore(leaf.get()), -300);
  X509_gmtime_adj(X509_getm_notAfter(leaf.get()), 365L * 24 * 3600);
  if (X509_set_subject_name(leaf.get(), X509_REQ_get_subject_name(request)) != 1 ||
      X509_set_issuer_name(leaf.get(), X509_get_subject_name(ca)) != 1 || X509_set_pubkey(leaf.get(), leaf_key) != 1) {
    return nullptr;
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca, leaf.get(), nullptr, nullptr, 0);
  // TLS client authentication (security profile 3): RSA keys encipher the pre-master secret of
  // RSA key exchange, EC keys agree on it.
  const char* usage = EVP_PKEY_get_base_id(leaf_key) == EVP_PKEY_RSA ? "critical,digitalSignature,keyEncipherment"
                                                                      : "critical,digitalSignature,keyAgreement";
  if (!add_extension(leaf.get(), ctx, NID_basic_constraints, "critical,CA:FALSE") ||
      !add_extension(leaf.get(), ctx, NID_key_usage, usage) ||
      !add_extension(leaf.get(), ctx, NID_ext_key_usage, "clientAuth") ||
      !add_extension(leaf.get(), ctx, NID_subject_key_identifier, "hash") ||
      !add_extension(leaf.get(), ctx, NID_authority_key_identifier, "keyid:always")) {
    return nullptr;
  }
  if (X509_sign(leaf.get(), ca_key, EVP_sha256()) <= 0) return nullptr;
  return leaf;
}

}  // namespace

FirmwareSigner::FirmwareSigner(const std::string& key_file, const std::string& cert_file) {
  key_ = read_key(key_file, "--firmware-signing-key");
  std::unique_ptr<X509, X509Free> cert(read_certificate(cert_file, "--firmware-signing-cert"));
  if (X509_check_private_key(cert.get(), key_) != 1) {
    EVP_PKEY_free(key_);
    throw std::runtime_error("--firmware-signing-key " + key_file + " is not the key of --firmware-signing-cert " +
                             cert_file);
  }
  certificate_pem_ = to_pem(cert.get());
}

FirmwareSigner::~FirmwareSigner() { EVP_PKEY_free(key_); }

std::string FirmwareSigner::sign_file(const std::string& path) const {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_) != 1) {
    throw std::runtime_error("cannot start a SHA-256 signature with the firmware signing key");
  }
  std::vector<char> buf(64 * 1024);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got > 0 && EVP_DigestSignUpdate(ctx.get(), buf.data(), got) != 1) throw std::runtime_error("signing failed");
  }
  if (in.bad()) throw std::runtime_error("reading " + path + " failed");
  std::size_t len = 0;
  if (EVP_DigestSignFinal(ctx.get(), nullptr, &len) != 1) throw std::runtime_error("signing failed");
  std::string signature(len, '\0');
  if (EVP_DigestSignFinal(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len) != 1) {
    throw std::runtime_error("signing failed");
  }
  signature.resize(len);
  return base64_encode(signature);
}

CertificateAuthority::CertificateAuthority(const std::string& cert_file, const std::string& key_file) {
  cert_ = read_certificate(cert_file, "--ca-cert");
  try {
    key_ = read_key(key_file, "--ca-key");
  } catch (...) {
    X509_free(cert_);
    throw;
  }
  if (X509_check_private_key(cert_, key_) != 1) {
    X509_free(cert_);
    EVP_PKEY_free(key_);
    throw std::runtime_error("--ca-key " + key_file + " is not the key of --ca-cert " + cert_file);
  }
  certificate_pem_ = to_pem(cert_);
}

CertificateAuthority::~CertificateAuthority() {
  X509_free(cert_);
  EVP_PKEY_free(key_);
}

std::optional<IssuedCertificate> CertificateAuthority::sign_csr(const std::string& csr_pem,
                                                                const std::string& charge_point_id,
                                                                std::string* why) const {
  const std::string pem = armoured(csr_pem);
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509_REQ, X509ReqFree> request(bio ? PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr)
                                                     : nullptr);
  if (!request) {
    *why = "the CSR is not a PEM certificate request (RFC 2986)";
    return std::nullopt;
  }
  std::unique_ptr<EVP_PKEY, PkeyFree> key(X509_REQ_get_pubkey(request.get()));
  if (!key || X509_REQ_verify(request.get(), key.get()) != 1) {
    *why = "the CSR's signature does not verify with its own public key";
    return std::nullopt;
  }
  IssuedCertificate out;
  out.common_name = common_name(X509_REQ_get_subject_name(request.get()));
  if (out.common_name != charge_point_id) {
    *why = "the CSR's CN \"" + out.common_name + "\" is not the charge point id \"" + charge_point_id + "\"";
    return std::nullopt;
  }
  const auto leaf = issue_leaf(request.get(), key.get(), cert_, key_, &out.serial_hex);
  if (!leaf) {
    *why = "OpenSSL could not issue the certificate";
    return std::nullopt;
  }
  out.chain_pem = to_pem(leaf.get()) + certificate_pem_;
  return out;
}

}  // namespace ocpp::csms
