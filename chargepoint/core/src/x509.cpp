// OpenSSL helpers of the certificate store (x509.hpp).
#include "x509.hpp"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fstream>
#include <sstream>

#include "ocpp/offline_code/keys.hpp"

namespace ocpp::cp::x509 {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;

std::string digest_hex(const EVP_MD* md, const unsigned char* data, std::size_t size) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data, size, out, &len, md, nullptr) != 1) return {};
  return ocpp::offline_code::to_hex(out, len);
}

const EVP_MD* digest_named(const std::string& algorithm) {
  if (algorithm == "SHA256") return EVP_sha256();
  if (algorithm == "SHA384") return EVP_sha384();
  if (algorithm == "SHA512") return EVP_sha512();
  return nullptr;
}

SystemTime from_asn1(const ASN1_TIME* t) {
  std::tm tm{};
  ASN1_TIME_to_tm(t, &tm);
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

std::vector<Cert> parse_pem(const std::string& pem) {
  std::vector<Cert> out;
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return out;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(cert);
  ERR_clear_error();  // the read that ends the loop leaves "no start line" behind
  // A block that does not parse ends the loop early: every BEGIN must have given a certificate.
  std::size_t blocks = 0;
  for (auto at = pem.find("-----BEGIN CERTIFICATE-----"); at != std::string::npos;
       at = pem.find("-----BEGIN CERTIFICATE-----", at + 1)) {
    ++blocks;
  }
  if (blocks != out.size()) out.clear();
  return out;
}

std::string to_pem(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string subject_of(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string fingerprint(X509* cert) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, EVP_sha256(), out, &len);
  return ocpp::offline_code::to_hex(out, len);
}

std::string sha256_hex(const std::string& data) {
  return digest_hex(EVP_sha256(), reinterpret_cast<const unsigned char*>(data.data()), data.size());
}

std::optional<std::string> validity_problem(X509* cert, SystemTime now) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  if (X509_cmp_time(X509_get0_notBefore(cert), const_cast<std::time_t*>(&t)) > 0) return "not valid yet";
  if (X509_cmp_time(X509_get0_notAfter(cert), const_cast<std::time_t*>(&t)) < 0) return "expired";
  return std::nullopt;
}

std::optional<SystemTime> not_after(X509* cert) {
  if (cert == nullptr) return std::nullopt;
  return from_asn1(X509_get0_notAfter(cert));
}

// 1.6 Whitepaper CertificateHashDataType, 2.0.1 CertificateHashDataType: the issuer's name as DER,
// the issuer's key as the bytes of the subjectPublicKey BIT STRING (as RFC 6960's CertID has it),
// the serial number in hex without leading zeros.
std::optional<CertificateHash> hash_data(X509* cert, X509* issuer, const std::string& algorithm) {
  const EVP_MD* md = digest_named(algorithm);
  if (md == nullptr) return std::nullopt;
  CertificateHash h;
  h.algorithm = algorithm;
  unsigned char* der = nullptr;
  const int der_len = i2d_X509_NAME(X509_get_issuer_name(cert), &der);
  if (der_len <= 0) return std::nullopt;
  h.issuer_name_hash = digest_hex(md, der, static_cast<std::size_t>(der_len));
  OPENSSL_free(der);
  const ASN1_BIT_STRING* key = X509_get0_pubkey_bitstr(issuer);
  if (key == nullptr) return std::nullopt;
  h.issuer_key_hash = digest_hex(md, ASN1_STRING_get0_data(key), static_cast<std::size_t>(ASN1_STRING_length(key)));
  BIGNUM* serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr);
  if (serial == nullptr) return std::nullopt;
  char* hex = BN_bn2hex(serial);
  BN_free(serial);
  std::string s(hex);
  OPENSSL_free(hex);
  if (!s.empty() && s[0] == '-') s.erase(0, 1);  // negative serials exist in the wild; OCPP has no sign
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto first = s.find_first_not_of('0');
  h.serial_number = first == std::string::npos ? "0" : s.substr(first);
  return h;
}

std::optional<std::string> write_file_atomic(const std::string& path, const std::string& content, unsigned mode) {
  const std::string tmp = path + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, static_cast<mode_t>(mode));
  if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
  ::fchmod(fd, static_cast<mode_t>(mode));  // an older temporary file may have had another mode
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return "cannot write " + tmp + ": " + why;
    }
    done += static_cast<std::size_t>(n);
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced || ::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return "cannot store " + path + ": " + why;
  }
  // The rename is durable once the folder is synced.
  const auto slash = path.find_last_of('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return std::nullopt;
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> pem_files(const std::string& folder) {
  std::vector<std::string> out;
  DIR* dir = ::opendir(folder.c_str());
  if (dir == nullptr) return out;
  while (const dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".pem") == 0) out.push_back(folder + "/" + name);
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ocpp::cp::x509
