#pragma once
// Shared by the firmware tests: a PKI made at test time with the openssl command (a manufacturer
// root, a signer it issued, and a signer of another root), and the fakes around FirmwareUpdate.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "ocpp/common/base64.hpp"
#include "ocpp/cp/background_work.hpp"
#include "ocpp/cp/file_transfer.hpp"
#include "ocpp/cp/firmware_update.hpp"
#include "ocpp/cp/ports.hpp"

namespace ocpp::cp::firmware_test {

namespace fs = std::filesystem;

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

// Files under `dir`: root.pem (the manufacturer root), signer.pem / signer.key (EC P-256, issued
// by the root), other-root.pem and other-signer.pem / .key (the same under another root),
// rsa-signer.pem / .key (a self-signed RSA certificate).
class Pki {
 public:
  explicit Pki(fs::path dir) : dir_(std::move(dir)) {
    fs::create_directories(dir_);
    const std::string d = dir_.string();
    run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "/root.key -out " + d +
        "/root.pem -days 3650 -subj /CN=TestManufacturerRoot");
    run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "/other-root.key -out " + d +
        "/other-root.pem -days 3650 -subj /CN=OtherRoot");
    issue("signer", "root");
    issue("other-signer", "other-root");
    run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + d + "/rsa-signer.key -out " + d +
        "/rsa-signer.pem -days 3650 -subj /CN=RsaSigner");
  }
  std::string pem(const std::string& name) const { return read_file(dir_ / (name + ".pem")); }
  // The base64 SHA-256 signature of `file` by `name`.key, as `openssl dgst -sha256 -sign` makes it.
  std::string sign(const std::string& name, const fs::path& file) const {
    const auto sig = dir_ / "sig.bin";
    run("openssl dgst -sha256 -sign " + (dir_ / (name + ".key")).string() + " -out " + sig.string() + " " + file.string());
    return base64_encode(read_file(sig));
  }
  const fs::path& dir() const { return dir_; }

 private:
  static void run(const std::string& command) {
    ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
  }
  void issue(const std::string& name, const std::string& root) {
    const std::string d = dir_.string();
    run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + d + "/" + name + ".key -out " + d +
        "/" + name + ".csr -subj /CN=" + name);
    run("openssl x509 -req -in " + d + "/" + name + ".csr -CA " + d + "/" + root + ".pem -CAkey " + d + "/" + root +
        ".key -CAcreateserial -days 365 -out " + d + "/" + name + ".pem");
  }
  fs::path dir_;
};

// Transfers that the test completes by hand.
class FakeTransfer final : public FileTransfer {
 public:
  struct Pending {
    DownloadRequest request;
    Done done;
  };
  Id download(const DownloadRequest& request, Done done) override {
    pending[next] = {request, std::move(done)};
    requests.push_back(request);
    return next++;
  }
  Id upload(const UploadRequest&, Done) override { return next++; }
  void cancel(Id id) override {
    if (pending.erase(id) != 0) cancelled.push_back(id);
  }
  // Completes the oldest pending download: with `content` at its destination, or failed.
  void complete(const std::optional<std::string>& content) {
    ASSERT_FALSE(pending.empty());
    auto it = pending.begin();
    auto p = std::move(it->second);
    pending.erase(it);
    TransferResult r;
    r.ok = content.has_value();
    r.http_status = r.ok ? 200 : 404;
    if (content) {
      write_file(p.request.destination, *content);
      r.bytes = static_cast<std::int64_t>(content->size());
    } else {
      r.error = "HTTP status 404: " + p.request.url;
    }
    p.done(r);
  }
  std::map<Id, Pending> pending;
  std::vector<DownloadRequest> requests;
  std::vector<Id> cancelled;
  Id next = 1;
};

// Background work done at once on the test thread; the continuation is posted like the real one.
class InlineWork final : public BackgroundWork {
 public:
  explicit InlineWork(EventLoop& loop) : loop_(loop) {}
  void run(std::function<void()> work, std::function<void()> then) override {
    work();
    loop_.post(std::move(then));
  }

 private:
  EventLoop& loop_;
};

class FakeSite final : public FirmwareSite {
 public:
  bool transaction_running() override { return running; }
  std::vector<ConnectorId> hold_connectors() override {
    held = {1, 2};
    return held;
  }
  void release_connectors(const std::vector<ConnectorId>& ids) override {
    if (!ids.empty()) released = ids;
    held.clear();
  }
  void restart() override { ++restarts; }
  bool running = false;
  std::vector<ConnectorId> held;
  std::vector<ConnectorId> released;
  int restarts = 0;
};

class FakeLink final : public CsmsLink {
 public:
  bool online() const override { return true; }
  void send_status(ConnectorId, const ConnectorState&, ErrorCode, const std::string&, SystemTime) override {}
  void firmware_status(const FirmwareProgress& p) override { progress.push_back(p); }
  std::vector<FirmwareStatus> statuses() const {
    std::vector<FirmwareStatus> out;
    for (const auto& p : progress) out.push_back(p.status);
    return out;
  }
  std::vector<FirmwareProgress> progress;
};

}  // namespace ocpp::cp::firmware_test
