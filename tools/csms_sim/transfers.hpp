#pragma once
// The reference CSMS's file transfers over its HTTP listener, so that firmware updates and log
// uploads run against it with nothing else on the network (issue 13, "The reference CSMS"):
//   GET /firmware/NAME            a file of --files-dir, streamed with Content-Length (and byte
//                                 ranges, for a download resumed); no login, as a pile's download
//                                 carries none (1.6 §5.19 / 2.0.1 L01 give only a URL)
//   PUT or POST /uploads/TOKEN/[NAME]  a log (1.6 GetDiagnostics, Whitepaper / 2.0.1 GetLog), stored
//                                 as sent under --files-dir/uploads/TOKEN/. TOKEN is made when the
//                                 CSMS asks a pile for a log and is only good for that pile's
//                                 uploads: the URL is the credential, so strangers cannot fill the disk.
// Files are written on the event loop in the pieces they arrive in (a local disk, a lab tool).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http_server.hpp"

namespace ocpp::csms {

struct TransferOptions {
  std::string files_dir = "csms-files";
  std::uint64_t max_upload_bytes = 64ull * 1024 * 1024;  // larger uploads get 413
  int max_files_per_token = 16;
};

// A file kept by the CSMS: an upload (with its token) or a firmware image (without).
struct StoredFile {
  std::string token;
  std::string name;
  std::uint64_t size = 0;
  std::string modified_at;  // RFC 3339: when it was uploaded or last changed
};

class Transfers {
 public:
  // Creates the folders; throws std::runtime_error naming the folder when it cannot.
  explicit Transfers(TransferOptions options);
  // "http://HOST:PORT" as piles reach the HTTP listener; known once the listener is up.
  void set_base_url(std::string url) { base_url_ = std::move(url); }
  const std::string& files_dir() const { return options_.files_dir; }

  // GET /firmware/NAME: 200 or 206 with the file, 400 for a name that is no plain file name, 404.
  HttpResponse serve_firmware(const HttpRequest& request) const;
  // The path of the firmware file NAME, or nullopt with `*why` (a bad name or no such file).
  std::optional<std::string> firmware_path(const std::string& name, std::string* why) const;
  std::string firmware_url(const std::string& name) const;
  // The files GET /firmware/ serves, by name.
  std::vector<StoredFile> firmware_files() const;

  // A new upload folder for a log of `charge_point_id`: its URL, ending in '/' (1.6 names a
  // directory, the pile appends its file name; a pile that uploads to the URL as given is taken too).
  std::string new_upload_location(const std::string& charge_point_id, std::string* token);
  // Forgets an upload folder that no upload will come to (the pile refused the request); kept if
  // it holds files.
  void drop_upload_location(const std::string& token);
  // The body sink of a PUT or POST under /uploads/, or nullptr for other paths.
  std::unique_ptr<BodySink> upload_sink(const HttpRequest& request);
  // What `charge_point_id` has uploaded, oldest first.
  std::vector<StoredFile> uploads(const std::string& charge_point_id) const;
  // GET of one upload through the API: the file, or 404.
  HttpResponse serve_upload(const std::string& charge_point_id, const std::string& token, const std::string& name) const;

 private:
  std::string uploads_dir() const { return options_.files_dir + "/uploads"; }
  std::optional<std::string> token_owner(const std::string& token) const;

  TransferOptions options_;
  std::string base_url_;
};

// A plain file name: not empty, at most 255 bytes, no '/', '\', control character, and not
// starting with '.' (so neither ".." nor the uploads' own bookkeeping files).
bool is_plain_file_name(const std::string& name);

}  // namespace ocpp::csms
