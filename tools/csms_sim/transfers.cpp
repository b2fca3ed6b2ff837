#include "transfers.hpp"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "http_json.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"

namespace ocpp::csms {
namespace fs = std::filesystem;

namespace {

constexpr const char* kOwnerFile = ".charge-point";  // in each upload folder: whose it is
constexpr const char* kDefaultUploadName = "upload";

std::string random_token() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for an upload token");
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

bool is_token(const std::string& s) {
  return s.size() == 32 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string modified_at(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return {};
  return format_rfc3339(SystemTime(std::chrono::seconds(st.st_mtime)));
}

// A "bytes=FIRST-[LAST]" range of a file of `size` bytes (RFC 9110 §14.1.2), the one form a
// resumed download sends. nullopt: no range, or another form (the whole file is sent, as the RFC
// allows); {size, 0} marks one that starts beyond the end.
std::optional<std::pair<std::uint64_t, std::uint64_t>> byte_range(const std::string& header, std::uint64_t size) {
  const std::string prefix = "bytes=";
  if (header.rfind(prefix, 0) != 0) return std::nullopt;
  const std::string spec = header.substr(prefix.size());
  const auto dash = spec.find('-');
  if (dash == 0 || dash == std::string::npos || spec.find(',') != std::string::npos) return std::nullopt;
  try {
    std::size_t used = 0;
    const std::uint64_t first = std::stoull(spec.substr(0, dash), &used);
    if (used != dash) return std::nullopt;
    std::uint64_t last = size == 0 ? 0 : size - 1;
    if (dash + 1 < spec.size()) {
      last = std::min(last, static_cast<std::uint64_t>(std::stoull(spec.substr(dash + 1), &used)));
      if (used != spec.size() - dash - 1) return std::nullopt;
    }
    if (first >= size || last < first) return std::make_pair(size, std::uint64_t{0});
    return std::make_pair(first, last - first + 1);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

HttpResponse file_response(const std::string& path, std::uint64_t size, const std::string& range_header) {
  HttpResponse r;
  r.content_type = "application/octet-stream";
  r.file = path;
  r.file_length = size;
  r.headers.emplace_back("Accept-Ranges", "bytes");
  if (const auto range = byte_range(range_header, size)) {
    if (range->first >= size) {
      r = http::error(416, "range beyond the file's " + std::to_string(size) + " bytes");
      r.headers.emplace_back("Content-Range", "bytes */" + std::to_string(size));
      return r;
    }
    r.status = 206;
    r.file_offset = range->first;
    r.file_length = range->second;
    r.headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                                std::to_string(range->first + range->second - 1) + "/" +
                                                std::to_string(size));
  }
  return r;
}

// An upload's body into a hidden temporary file of its folder, given its final name only once
// whole and within the limit: a cut or oversized upload leaves nothing behind, and no upload
// replaces another (a second one of the same name is kept as NAME.2, NAME.3, ...).
class UploadFile final : public BodySink {
 public:
  UploadFile(fs::path folder, std::string name, std::uint64_t limit, int max_files)
      : folder_(std::move(folder)), name_(std::move(name)), limit_(limit), max_files_(max_files) {
    temp_ = (folder_ / ".partial-XXXXXX").string();
    fd_ = ::mkstemp(temp_.data());
    if (fd_ < 0) failure_ = std::string("cannot create a file in ") + folder_.string() + ": " + std::strerror(errno);
  }
  ~UploadFile() override {
    // The temporary name goes in every case: once linked, the upload lives on under its own.
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(temp_.c_str());
    }
  }

  void write(const char* data, std::size_t len) override {
    received_ += len;
    if (fd_ < 0 || received_ > limit_ || !failure_.empty()) return;  // the rest is read and dropped
    while (len > 0) {
      const ssize_t n = ::write(fd_, data, len);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        failure_ = std::string("writing ") + temp_ + " failed: " + std::strerror(errno);
        return;
      }
      data += n;
      len -= static_cast<std::size_t>(n);
    }
  }

  HttpResponse finish() override {
    if (received_ > limit_) {
      log::warn("http", "upload " + name_ + " refused: " + std::to_string(received_) + " bytes, over the limit of " +
                            std::to_string(limit_));
      return http::error(413, "upload over the limit of " + std::to_string(limit_) + " bytes");
    }
    if (!failure_.empty() || ::fsync(fd_) != 0) {
      log::error("http", "upload " + name_ + " lost: " + (failure_.empty() ? std::string("fsync failed") : failure_));
      return http::error(507, "the upload could not be stored");
    }
    for (int n = 1; n <= max_files_; ++n) {
      const std::string name = n == 1 ? name_ : name_ + "." + std::to_string(n);
      // link() fails on an existing name, where rename() would replace it.
      if (::link(temp_.c_str(), (folder_ / name).c_str()) == 0) {
        log::info("http", "upload stored: " + (folder_ / name).string() + " (" + std::to_string(received_) + " bytes)");
        rapidjson::StringBuffer b;
        http::Writer w(b);
        w.StartObject();
        http::write_string(w, "name", name);
        w.Key("size");
        w.Uint64(received_);
        w.EndObject();
        return http::json_response(201, b.GetString());
      }
      if (errno != EEXIST) break;
    }
    return http::error(409, "no more uploads are taken at this location");
  }

 private:
  fs::path folder_;
  std::string name_;
  std::uint64_t limit_;
  int max_files_;
  std::string temp_;
  int fd_ = -1;
  std::uint64_t received_ = 0;
  std::string failure_;
};

// Reads and drops the body of a refused upload, then gives the refusal: a client that sends its
// body before reading the answer (as curl does) sees the answer, not a broken pipe.
class Refusal final : public BodySink {
 public:
  explicit Refusal(HttpResponse answer) : answer_(std::move(answer)) {}
  void write(const char*, std::size_t) override {}
  HttpResponse finish() override { return answer_; }

 private:
  HttpResponse answer_;
};

}  // namespace

bool is_plain_file_name(const std::string& name) {
  if (name.empty() || name.size() > 255 || name.front() == '.') return false;
  for (const char c : name) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Transfers::Transfers(TransferOptions options) : options_(std::move(options)) {
  std::error_code ec;
  fs::create_directories(uploads_dir(), ec);
  if (ec) throw std::runtime_error("--files-dir: cannot create " + uploads_dir() + ": " + ec.message());
}

std::optional<std::string> Transfers::firmware_path(const std::string& name, std::string* why) const {
  if (!is_plain_file_name(name)) {
    *why = "\"" + name + "\" is not a plain file name of the files folder";
    return std::nullopt;
  }
  const std::string path = options_.files_dir + "/" + name;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    *why = "no file " + name + " in " + options_.files_dir;
    return std::nullopt;
  }
  return path;
}

std::string Transfers::firmware_url(const std::string& name) const {
  return base_url_ + "/firmware/" + transport::percent_encode(name);
}

std::vector<StoredFile> Transfers::firmware_files() const {
  std::vector<StoredFile> out;
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(options_.files_dir, ec)) {
    const std::string name = file.path().filename().string();
    if (!is_plain_file_name(name) || !file.is_regular_file(ec)) continue;
    out.push_back(StoredFile{"", name, file.file_size(ec), modified_at(file.path())});
  }
  std::sort(out.begin(), out.end(), [](const StoredFile& a, const StoredFile& b) { return a.name < b.name; });
  return out;
}

HttpResponse Transfers::serve_firmware(const HttpRequest& request) const {
  const std::string prefix = "/firmware/";
  const std::string name = request.path.substr(prefix.size());
  std::string why;
  const auto path = firmware_path(name, &why);
  if (!path) {
    log::warn("http", "GET " + request.path + " refused: " + why);
    return http::error(is_plain_file_name(name) ? 404 : 400, why);
  }
  std::error_code ec;
  const auto size = fs::file_size(*path, ec);
  if (ec) return http::error(404, "no file " + name);
  log::info("http", "serving firmware " + *path + " (" + std::to_string(size) + " bytes)");
  return file_response(*path, size, request.range);
}

std::string Transfers::new_upload_location(const std::string& charge_point_id, std::string* token) {
  *token = random_token();
  const fs::path folder = fs::path(uploads_dir()) / *token;
  fs::create_directory(folder);
  std::ofstream(folder / kOwnerFile) << charge_point_id;
  return base_url_ + "/uploads/" + *token + "/";
}

void Transfers::drop_upload_location(const std::string& token) {
  if (!is_token(token)) return;
  const fs::path folder = fs::path(uploads_dir()) / token;
  std::error_code ec;
  for (const auto& file : fs::directory_iterator(folder, ec)) {
    if (file.path().filename() != kOwnerFile) return;  // something arrived after all: kept
  }
  fs::remove_all(folder, ec);
}

std::optional<std::string> Transfers::token_owner(const std::string& token) const {
  if (!is_token(token)) return std::nullopt;
  std::ifstream in(fs::path(uploads_dir()) / token / kOwnerFile);
  std::string owner;
  if (!in || !std::getline(in, owner)) return std::nullopt;
  return owner;
}

std::unique_ptr<BodySink> Transfers::upload_sink(const HttpRequest& request) {
  const std::string prefix = "/uploads/";
  if (request.path.rfind(prefix, 0) != 0) return nullptr;
  const std::string rest = request.path.substr(prefix.size());
  const auto slash = rest.find('/');
  const std::string token = rest.substr(0, slash);
  std::string name = slash == std::string::npos ? std::string() : rest.substr(slash + 1);
  if (name.empty()) name = kDefaultUploadName;
  const auto owner = token_owner(token);
  if (!owner) {
    log::warn("http", request.method + " " + request.path + " refused: no such upload location");
    return std::make_unique<Refusal>(http::error(404, "no such upload location"));
  }
  if (!is_plain_file_name(name)) {
    log::warn("http", request.method + " " + request.path + " refused: \"" + name + "\" is not a plain file name");
    return std::make_unique<Refusal>(http::error(400, "\"" + name + "\" is not a plain file name"));
  }
  log::info("http", "receiving upload " + name + " of " + *owner);
  return std::make_unique<UploadFile>(fs::path(uploads_dir()) / token, name, options_.max_upload_bytes,
                                      options_.max_files_per_token);
}

std::vector<StoredFile> Transfers::uploads(const std::string& charge_point_id) const {
  std::vector<StoredFile> out;
  std::error_code ec;
  for (const auto& folder : fs::directory_iterator(uploads_dir(), ec)) {
    const std::string token = folder.path().filename().string();
    if (token_owner(token) != charge_point_id) continue;
    for (const auto& file : fs::directory_iterator(folder.path(), ec)) {
      const std::string name = file.path().filename().string();
      if (!is_plain_file_name(name) || !file.is_regular_file()) continue;
      out.push_back(StoredFile{token, name, file.file_size(ec), modified_at(file.path())});
    }
  }
  std::sort(out.begin(), out.end(), [](const StoredFile& a, const StoredFile& b) {
    return a.modified_at != b.modified_at ? a.modified_at < b.modified_at : a.name < b.name;
  });
  return out;
}

HttpResponse Transfers::serve_upload(const std::string& charge_point_id, const std::string& token,
                                     const std::string& name) const {
  if (token_owner(token) != charge_point_id || !is_plain_file_name(name)) return http::error(404, "no such upload");
  const fs::path path = fs::path(uploads_dir()) / token / name;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return http::error(404, "no such upload");
  return file_response(path.string(), fs::file_size(path, ec), "");
}

}  // namespace ocpp::csms
