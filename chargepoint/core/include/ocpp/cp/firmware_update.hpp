#pragma once
// Firmware updates, version-neutral (1.6 §5.18 UpdateFirmware and §4.5 FirmwareStatusNotification;
// 1.6 Security Whitepaper §5 SignedUpdateFirmware and SignedFirmwareStatusNotification; 2.0.1
// L01-L04). One update at a time, as a state machine kept in SQLite so that a restart resumes it:
//
//   (retrieve time) -> Downloading -> Downloaded -> [signed: SignatureVerified | InvalidSignature]
//   -> (install time) -> (no transaction running) -> Installing -> Installed | InstallationFailed
//   a failed download is tried `attempts` times, `retry_interval` apart, then DownloadFailed.
//
// The install is the integrator's program (firmware.install_command, docs/integration.md
// "Firmware updates"), given the image's path: exit 0 is Installed, exit kInstalledRestart is
// Installed after the daemon restarts itself (InstallRebooting first), anything else
// InstallationFailed. Without a program (the simulated pile) the image is kept and Installed.
//
// Version differences are options the adapter sets (FirmwareRules) and answers it maps: the
// adapter renders each status change (CsmsLink::firmware_status) in its version's message.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocpp/common/clock.hpp"
#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/background_work.hpp"
#include "ocpp/cp/file_transfer.hpp"
#include "ocpp/cp/firmware_status.hpp"
#include "ocpp/cp/types.hpp"

namespace ocpp::db {
class Database;
}

namespace ocpp::cp {

class CsmsLink;
class SecurityEvents;

struct FirmwareRequest {
  // 2.0.1 and Whitepaper requestId; none for 1.6 UpdateFirmware (whose statuses carry none).
  std::optional<std::int32_t> request_id;
  std::string location;
  SystemTime retrieve_at{};
  std::optional<SystemTime> install_at;
  std::optional<int> retries;                           // download attempts; none: the pile's default
  std::optional<std::chrono::seconds> retry_interval;  // between attempts; none: the pile's default
  std::string signing_certificate;                      // PEM; empty: an unsigned update
  std::string signature;                                // base64 SHA-256 signature of the image
};

// What the core answers an update request; the adapter maps it to its version's response.
enum class FirmwareAnswer {
  Accepted,
  AcceptedCanceled,    // accepted, and the update that was running is cancelled (2.0.1 L01.FR.24)
  Rejected,
  InvalidCertificate,  // the signing certificate does not chain to a ManufacturerRoot (L01.FR.02)
};

// Version rules, set by the adapter.
struct FirmwareRules {
  // 2.0.1 L01.FR.07: while the install waits for transactions to end, idle connectors are made
  // Unavailable (and the others as their transactions end). 1.6 only waits.
  bool unavailable_while_waiting = false;
};

// What the firmware block needs of the pile around it; the daemon implements it over ChargePoint.
class FirmwareSite {
 public:
  virtual ~FirmwareSite() = default;
  virtual bool transaction_running() = 0;
  // 2.0.1 L01.FR.07: makes the operative connectors Unavailable; returns those it changed.
  virtual std::vector<ConnectorId> hold_connectors() = 0;
  virtual void release_connectors(const std::vector<ConnectorId>& held) = 0;
  // The install program asked for a restart: the daemon restarts itself.
  virtual void restart() = 0;
};

struct FirmwareOptions {
  std::string state_dir = ".";     // images under <state_dir>/firmware; roots in its certificates/
  std::string install_command;     // empty: the image is kept and reported Installed
  std::int64_t max_image_bytes = 0;
  std::string ca_file;             // roots of an https image server; empty: the system's CAs
  int default_attempts = 3;
  std::chrono::seconds default_retry_interval{60};
  std::chrono::seconds transaction_poll{5};  // how often a waiting install looks again
  // After InstallRebooting is reported, the time it has to reach the CSMS before the restart.
  std::chrono::seconds restart_delay{2};
};

class FirmwareUpdate {
 public:
  // The install program's exit status that asks for the daemon's restart (docs/integration.md).
  static constexpr int kInstalledRestart = 10;

  FirmwareUpdate(EventLoop& loop, db::Database& db, FileTransfer& transfer, BackgroundWork& work, FirmwareSite& site,
                 CsmsLink& csms, SecurityEvents& security, FirmwareOptions options);
  ~FirmwareUpdate();
  FirmwareUpdate(const FirmwareUpdate&) = delete;
  FirmwareUpdate& operator=(const FirmwareUpdate&) = delete;

  void set_rules(const FirmwareRules& rules) { rules_ = rules; }
  // After a restart: resumes the stored update, or reports how the last one ended.
  void resume();
  FirmwareAnswer update(const FirmwareRequest& request);
  // What a TriggerMessage for FirmwareStatusNotification reports: the update in progress, else Idle
  // (1.6 §5.17, 2.0.1 L01.FR.26).
  FirmwareProgress current() const;

  struct Record;  // the stored update (firmware_update.cpp)

 private:
  void store();
  void clear();
  void report(FirmwareStatus status);
  void begin_download();
  void download_done(const TransferResult& result);
  void downloaded();
  void verified(bool ok, const std::string& why);
  void wait_for_install_time();
  void wait_for_transactions();
  void install();
  void installed(int exit_status, const std::string& why);
  void finish(FirmwareStatus status);
  void schedule(std::chrono::milliseconds delay, void (FirmwareUpdate::*step)());
  void cancel_running();
  std::string image_path() const;
  std::chrono::milliseconds until(SystemTime at) const;

  EventLoop& loop_;
  db::Database& db_;
  FileTransfer& transfer_;
  BackgroundWork& work_;
  FirmwareSite& site_;
  CsmsLink& csms_;
  SecurityEvents& security_;
  FirmwareOptions options_;
  FirmwareRules rules_;
  std::unique_ptr<Record> current_;
  std::optional<FileTransfer::Id> transfer_id_;
  TimerId timer_ = 0;
  // Work handed off the loop belongs to the update that started it; a newer one ignores it.
  std::uint64_t generation_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ocpp::cp
