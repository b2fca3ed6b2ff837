// 1.6 Security Whitepaper §5.1, 2.0.1 L01.FR.02/03/22: signing certificate chain and image signature.
#include "ocpp/cp/firmware_signature.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "ocpp/common/base64.hpp"

namespace ocpp::cp {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Deleter<X509_STORE_CTX, X509_STORE_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

void free_x509_stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_x509_stack>>;

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// Every certificate in a PEM text, in order.
std::vector<X509Ptr> read_pem(const std::string& pem) {
  std::vector<X509Ptr> out;
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(c);
  ERR_clear_error();  // the end of the text reads as an error
  return out;
}

std::string read_text(const std::filesystem::path& path) {
  std::string out;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[4096];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
    std::fclose(f);
  }
  return out;
}

// The roots the pile holds: any *.pem in the folder (the certificate store writes one per file).
int load_roots(X509_STORE* store, const std::string& folder) {
  int count = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.path().extension() != ".pem") continue;
    for (auto& cert : read_pem(read_text(entry.path()))) {
      if (X509_STORE_add_cert(store, cert.get()) == 1) ++count;
      ERR_clear_error();  // a duplicate is not an error here
    }
  }
  return count;
}

std::string without_whitespace(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (!std::isspace(static_cast<unsigned char>(c))) out.push_back(c);
  }
  return out;
}

}  // namespace

SignatureVerdict check_signing_certificate(const std::string& certificate_pem, const std::string& root_folder,
                                           SystemTime now) {
  auto chain = read_pem(certificate_pem);
  if (chain.empty()) return {false, "the signing certificate is not a PEM certificate"};
  StorePtr store(X509_STORE_new());
  if (load_roots(store.get(), root_folder) == 0) {
    return {false, "no ManufacturerRootCertificate installed (" + root_folder + " holds no certificate)"};
  }
  StackPtr untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < chain.size(); ++i) {
    X509_up_ref(chain[i].get());
    sk_X509_push(untrusted.get(), chain[i].get());
  }
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (X509_STORE_CTX_init(ctx.get(), store.get(), chain[0].get(), untrusted.get()) != 1) {
    return {false, "cannot check the signing certificate: " + openssl_error()};
  }
  // The pile's clock (synced with the CSMS), not the process's notion of it.
  X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(now));
  if (X509_verify_cert(ctx.get()) != 1) {
    const int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return {false, std::string("the signing certificate does not chain to a ManufacturerRootCertificate: ") +
                       X509_verify_cert_error_string(err)};
  }
  return {true, {}};
}

SignatureVerdict verify_file_signature(const std::string& file, const std::string& certificate_pem,
                                       const std::string& signature_base64) {
  auto chain = read_pem(certificate_pem);
  if (chain.empty()) return {false, "the signing certificate is not a PEM certificate"};
  const auto signature = base64_decode(without_whitespace(signature_base64));
  if (!signature || signature->empty()) return {false, "the signature is not base64"};
  EVP_PKEY* key = X509_get0_pubkey(chain[0].get());
  if (key == nullptr) return {false, "the signing certificate has no usable public key: " + openssl_error()};
  MdCtxPtr md(EVP_MD_CTX_new());
  if (EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    return {false, "cannot verify with the certificate's key: " + openssl_error()};
  }
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return {false, "cannot read " + file};
  std::vector<unsigned char> buf(1 << 16);
  std::size_t n = 0;
  bool read_ok = true;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) {
    if (EVP_DigestVerifyUpdate(md.get(), buf.data(), n) != 1) read_ok = false;
  }
  if (std::ferror(f)) read_ok = false;
  std::fclose(f);
  if (!read_ok) return {false, "cannot read " + file};
  const auto* sig = reinterpret_cast<const unsigned char*>(signature->data());
  if (EVP_DigestVerifyFinal(md.get(), sig, signature->size()) != 1) {
    ERR_clear_error();
    return {false, "the signature does not match the image " + file};
  }
  return {true, {}};
}

}  // namespace ocpp::cp
