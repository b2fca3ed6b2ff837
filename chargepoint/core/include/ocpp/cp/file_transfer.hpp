#pragma once
// Moving files between the pile and the servers the CSMS names: firmware images down (1.6
// UpdateFirmware, Security Whitepaper SignedUpdateFirmware, 2.0.1 L01-L04), diagnostics and logs up
// (1.6 GetDiagnostics, GetLog, 2.0.1 N01). A port of the core: the daemon's implementation runs the
// transfers off the event loop (DESIGN.md principle 2) and posts each result back to it; tests use
// a fake.
#include <cstdint>
#include <functional>
#include <string>

namespace ocpp::cp {

struct DownloadRequest {
  std::string url;          // http:// or https://; another scheme fails with a clear error
  std::string destination;  // the complete file appears here only when the whole body arrived
  std::int64_t max_bytes = 0;  // a larger body is stopped and fails; 0: no limit
  std::string ca_file;      // roots an https server must chain to; empty: the system's CAs
};

struct UploadRequest {
  std::string url;   // http:// or https://
  std::string file;  // sent as the request body
  std::string method = "PUT";  // "PUT" or "POST"
  std::string ca_file;
};

struct TransferResult {
  bool ok = false;
  long http_status = 0;     // 0 when no HTTP answer came (DNS, connection, TLS, timeout)
  std::int64_t bytes = 0;   // transferred
  std::string error;        // for the log and the status notification's reason, when !ok
};

class FileTransfer {
 public:
  using Done = std::function<void(const TransferResult&)>;
  using Id = std::uint64_t;
  virtual ~FileTransfer() = default;
  // Starts a transfer; `done` runs on the event loop once, unless cancelled first. A download that
  // fails or is cancelled leaves nothing at `destination` (a partial file is never installed).
  virtual Id download(const DownloadRequest& request, Done done) = 0;
  virtual Id upload(const UploadRequest& request, Done done) = 0;
  // Stops a transfer; its `done` is not called. Unknown or finished ids are ignored.
  virtual void cancel(Id id) = 0;
};

}  // namespace ocpp::cp
