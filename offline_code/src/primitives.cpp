// HMAC-SHA256 and HKDF-SHA256 over OpenSSL 3's provider API (EVP_MAC, EVP_KDF).
#include "ocpp/offline_code/primitives.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>
#include <stdexcept>

namespace ocpp::offline_code {
namespace {

struct KdfFree {
  void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
};
struct KdfCtxFree {
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};

// OSSL_PARAM takes non-const pointers even for input buffers.
void* mutable_data(const Bytes& b) {
  static std::uint8_t empty = 0;
  return b.empty() ? &empty : const_cast<std::uint8_t*>(b.data());
}

}  // namespace

Digest hmac_sha256(const std::uint8_t* key, std::size_t key_size, const std::uint8_t* data, std::size_t data_size) {
  static const std::uint8_t empty = 0;
  Digest out{};
  std::size_t out_size = 0;
  char digest_name[] = "SHA256";
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, digest_name, nullptr, key_size ? key : &empty, key_size,
                data_size ? data : &empty, data_size, out.data(), out.size(), &out_size) == nullptr ||
      out_size != out.size()) {
    throw std::runtime_error("offline_code: HMAC-SHA256 failed in libcrypto");
  }
  return out;
}

Bytes hkdf_sha256(const Bytes& ikm, const Bytes& salt, const Bytes& info, std::size_t length) {
  if (length == 0 || length > 255 * 32) throw std::invalid_argument("offline_code: HKDF length out of range");
  std::unique_ptr<EVP_KDF, KdfFree> kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) throw std::runtime_error("offline_code: HKDF is not available in libcrypto");
  std::unique_ptr<EVP_KDF_CTX, KdfCtxFree> ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) throw std::runtime_error("offline_code: cannot create an HKDF context");
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, mutable_data(ikm), ikm.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, mutable_data(salt), salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, mutable_data(info), info.size()),
      OSSL_PARAM_construct_end(),
  };
  Bytes out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    throw std::runtime_error("offline_code: HKDF-SHA256 failed in libcrypto");
  }
  return out;
}

bool equal_constant_time(const std::uint8_t* a, const std::uint8_t* b, std::size_t size) {
  return CRYPTO_memcmp(a, b, size) == 0;
}

}  // namespace ocpp::offline_code
