// The master secret file (docs/offline-code.md §3.1).
#include "ocpp/server/master_key_file.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ocpp::server {
namespace {

constexpr std::size_t kMaxFileBytes = 4096;  // 64 hex digits and some whitespace; more is not a key file

std::string errno_text() { return std::strerror(errno); }

std::string octal_mode(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

void write_all(int fd, const std::string& text, const std::string& path) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw MasterKeyFileError("cannot write the master key file " + path + ": " + errno_text());
    done += static_cast<std::size_t>(n);
  }
}

// The new file's directory entry must survive a power cut as well as its content.
void sync_directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the file itself is synced
  ::fsync(fd);
  ::close(fd);
}

MasterKey create(int raw_fd, const std::string& path) {
  Fd fd(raw_fd);
  offline_code::MasterSecret secret{};
  try {
    if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
      throw MasterKeyFileError("cannot make a master secret: the random generator failed (OpenSSL RAND_bytes)");
    }
    write_all(fd.get(), offline_code::to_hex(secret) + "\n", path);
    if (::fsync(fd.get()) != 0) throw MasterKeyFileError("cannot sync the master key file " + path + ": " + errno_text());
  } catch (...) {
    // A half-written file would be refused at the next start; leave nothing behind instead.
    ::close(fd.release());
    ::unlink(path.c_str());
    throw;
  }
  sync_directory_of(path);
  return MasterKey{secret, true};
}

MasterKey read_existing(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw MasterKeyFileError("cannot open the master key file " + path + ": " + errno_text());
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw MasterKeyFileError("cannot stat the master key file " + path + ": " + errno_text());
  if (!S_ISREG(st.st_mode)) throw MasterKeyFileError("the master key file " + path + " is not a regular file");
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    throw MasterKeyFileError("the master key file " + path + " has mode " + octal_mode(st.st_mode) +
                             ": group or others may use it, so the secret may have leaked. Restrict it with "
                             "'chmod 600 " + path + "' if you are sure it did not, else make a new one "
                             "(every pile then needs a new key version)");
  }
  std::string text;
  char buf[512];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw MasterKeyFileError("cannot read the master key file " + path + ": " + errno_text());
    if (n == 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    if (text.size() > kMaxFileBytes) {
      throw MasterKeyFileError("the master key file " + path + " is larger than " + std::to_string(kMaxFileBytes) +
                               " bytes: it must hold 64 hexadecimal characters");
    }
  }
  std::string why;
  const auto secret = offline_code::parse_master_secret(text, &why);
  if (!secret) {
    throw MasterKeyFileError("the master key file " + path + " does not hold a master secret (" + why +
                             "); it must hold 64 hexadecimal characters");
  }
  return MasterKey{*secret, false};
}

}  // namespace

MasterKey load_or_create_master_key(const std::string& path) {
  if (path.empty()) throw MasterKeyFileError("the master key file name is empty");
  // O_EXCL: exactly one process creates it; mode 0600 from the start, so no moment exists in which
  // the secret is on disk with wider permissions. O_NOFOLLOW: never write a secret through a link.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd >= 0) return create(fd, path);
  if (errno != EEXIST) throw MasterKeyFileError("cannot create the master key file " + path + ": " + errno_text());
  return read_existing(path);
}

}  // namespace ocpp::server
