#pragma once
// The daemon's FileTransfer (file_transfer.hpp): HTTP and HTTPS with libcurl, one worker thread per
// transfer so the event loop never waits on the network (DESIGN.md principle 2); each result is
// posted back to the loop. Firmware images come down through it (1.6 UpdateFirmware, Security
// Whitepaper SignedUpdateFirmware, 2.0.1 L01-L04), log archives go up (GetDiagnostics, GetLog, N01).
//
// A download is written to `destination + ".part"`, flushed to disk, and renamed only when the
// whole body arrived with a status below 400 and within max_bytes: a failed, cut or cancelled
// transfer leaves nothing at `destination`. A body that is closed early is only noticed when the
// server announced its length (Content-Length) or used chunked encoding; a signed image is
// checked again by its signature.
#include <chrono>
#include <memory>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/file_transfer.hpp"

namespace ocpp::cp {

struct CurlTransferOptions {
  std::chrono::seconds connect_timeout{30};
  // A transfer slower than 1 byte/s for this long fails: a server that never answers, or stalls.
  std::chrono::seconds stall_timeout{60};
  long max_redirects = 5;
};

class CurlTransfer final : public FileTransfer {
 public:
  explicit CurlTransfer(EventLoop& loop, CurlTransferOptions options = {});
  // Stops every running transfer (no `done` runs) and joins its thread.
  ~CurlTransfer() override;
  CurlTransfer(const CurlTransfer&) = delete;
  CurlTransfer& operator=(const CurlTransfer&) = delete;

  Id download(const DownloadRequest& request, Done done) override;
  Id upload(const UploadRequest& request, Done done) override;
  void cancel(Id id) override;

  struct Shared;

 private:
  EventLoop& loop_;
  CurlTransferOptions options_;
  std::shared_ptr<Shared> shared_;
};

// Why a URL cannot be transferred ("FTP is not supported: ftp://..."), or empty when its scheme
// is http or https.
std::string unsupported_url(const std::string& url);

}  // namespace ocpp::cp
