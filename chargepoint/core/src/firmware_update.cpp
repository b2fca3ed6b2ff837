// Firmware updates, version-neutral: 1.6 §5.18 UpdateFirmware / §4.5 FirmwareStatusNotification,
// 1.6 Security Whitepaper §5 SignedUpdateFirmware, 2.0.1 L01-L04 (see firmware_update.hpp).
#include "ocpp/cp/firmware_update.hpp"

#include <filesystem>
#include <sstream>

#include "firmware_install.hpp"
#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/certificate_use.hpp"
#include "ocpp/cp/firmware_signature.hpp"
#include "ocpp/cp/ports.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

namespace fs = std::filesystem;

std::string_view to_string(FirmwareStatus status) {
  switch (status) {
    case FirmwareStatus::Idle: return "Idle";
    case FirmwareStatus::DownloadScheduled: return "DownloadScheduled";
    case FirmwareStatus::Downloading: return "Downloading";
    case FirmwareStatus::Downloaded: return "Downloaded";
    case FirmwareStatus::DownloadFailed: return "DownloadFailed";
    case FirmwareStatus::SignatureVerified: return "SignatureVerified";
    case FirmwareStatus::InvalidSignature: return "InvalidSignature";
    case FirmwareStatus::InstallScheduled: return "InstallScheduled";
    case FirmwareStatus::Installing: return "Installing";
    case FirmwareStatus::InstallRebooting: return "InstallRebooting";
    case FirmwareStatus::Installed: return "Installed";
    case FirmwareStatus::InstallationFailed: return "InstallationFailed";
  }
  return "Idle";
}

// The stored update. `step` is where a restart resumes.
struct FirmwareUpdate::Record {
  FirmwareRequest request;
  int attempts_left = 1;
  std::chrono::seconds retry_interval{60};
  std::string step = "Download";  // Download, Verify, Install, Installing, Rebooting
  std::string image;
  std::vector<ConnectorId> held;
  FirmwareStatus last = FirmwareStatus::Idle;
  bool signed_update() const { return !request.signing_certificate.empty(); }
};

namespace {

constexpr const char* kLog = "firmware";

std::string join(const std::vector<ConnectorId>& ids) {
  std::string out;
  for (const auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

std::vector<ConnectorId> split(const std::string& text) {
  std::vector<ConnectorId> out;
  std::stringstream in(text);
  std::string part;
  while (std::getline(in, part, ',')) {
    if (!part.empty()) out.push_back(std::stoi(part));
  }
  return out;
}

}  // namespace

FirmwareUpdate::FirmwareUpdate(EventLoop& loop, db::Database& db, FileTransfer& transfer, BackgroundWork& work,
                               FirmwareSite& site, CsmsLink& csms, SecurityEvents& security, FirmwareOptions options)
    : loop_(loop),
      db_(db),
      transfer_(transfer),
      work_(work),
      site_(site),
      csms_(csms),
      security_(security),
      options_(std::move(options)) {}

FirmwareUpdate::~FirmwareUpdate() {
  *alive_ = false;
  if (timer_ != 0) loop_.cancel(timer_);
  if (transfer_id_) transfer_.cancel(*transfer_id_);
}

void FirmwareUpdate::store() {
  const auto& r = *current_;
  db_.transaction([&] {
    db_.exec("DELETE FROM firmware_update");
    db_.prepare(
           "INSERT INTO firmware_update(id, request_id, location, retrieve_at, install_at, attempts_left, "
           "retry_interval_s, signing_certificate, signature, step, image, held_connectors) "
           "VALUES(1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")
        .bind(1, r.request.request_id ? std::optional<std::int64_t>(*r.request.request_id) : std::nullopt)
        .bind(2, r.request.location)
        .bind(3, format_rfc3339(r.request.retrieve_at))
        .bind(4, r.request.install_at ? std::optional<std::string>(format_rfc3339(*r.request.install_at)) : std::nullopt)
        .bind(5, r.attempts_left)
        .bind(6, static_cast<std::int64_t>(r.retry_interval.count()))
        .bind(7, r.request.signing_certificate)
        .bind(8, r.request.signature)
        .bind(9, r.step)
        .bind(10, r.image)
        .bind(11, join(r.held))
        .run();
  });
}

void FirmwareUpdate::clear() { db_.exec("DELETE FROM firmware_update"); }

void FirmwareUpdate::report(FirmwareStatus status) {
  current_->last = status;
  log::info(kLog, std::string(to_string(status)) + " (" + current_->request.location + ")");
  csms_.firmware_status({status, current_->request.request_id, current_->signed_update()});
}

FirmwareProgress FirmwareUpdate::current() const {
  if (!current_) return {};
  return {current_->last, current_->request.request_id, current_->signed_update()};
}

std::chrono::milliseconds FirmwareUpdate::until(SystemTime at) const {
  const auto d = std::chrono::duration_cast<std::chrono::milliseconds>(at - loop_.clock().system_now());
  return d.count() > 0 ? d : std::chrono::milliseconds{0};
}

void FirmwareUpdate::schedule(std::chrono::milliseconds delay, void (FirmwareUpdate::*step)()) {
  if (timer_ != 0) loop_.cancel(timer_);
  timer_ = loop_.schedule_after(delay, [this, step, alive = alive_] {
    if (!*alive) return;
    timer_ = 0;
    (this->*step)();
  });
}

void FirmwareUpdate::cancel_running() {
  ++generation_;  // work already off the loop reports to nobody
  if (timer_ != 0) loop_.cancel(timer_);
  timer_ = 0;
  if (transfer_id_) transfer_.cancel(*transfer_id_);
  transfer_id_.reset();
}

FirmwareAnswer FirmwareUpdate::update(const FirmwareRequest& request) {
  // 2.0.1 L01.FR.02, Whitepaper §5.1: the signing certificate is checked before accepting.
  if (!request.signing_certificate.empty()) {
    const auto roots = certificate_folder(options_.state_dir, CertificateUse::ManufacturerRootCertificate);
    const auto verdict = check_signing_certificate(request.signing_certificate, roots, loop_.clock().system_now());
    if (!verdict.ok) {
      log::warn(kLog, "update from " + request.location + " refused: " + verdict.error);
      security_.push("InvalidFirmwareSigningCertificate", verdict.error, loop_.clock().system_now());
      return FirmwareAnswer::InvalidCertificate;
    }
  }
  auto answer = FirmwareAnswer::Accepted;
  if (current_) {
    if (current_->step == "Installing" || current_->step == "Rebooting") {
      log::warn(kLog, "update from " + request.location + " refused: an install is under way");
      return FirmwareAnswer::Rejected;
    }
    // 2.0.1 L01.FR.24 (1.6: the same, without a word for it): the new update replaces the old.
    log::info(kLog, "update of " + current_->request.location + " cancelled for " + request.location);
    cancel_running();
    site_.release_connectors(current_->held);
    std::error_code ec;
    fs::remove(current_->image, ec);
    answer = FirmwareAnswer::AcceptedCanceled;
  }
  current_ = std::make_unique<Record>();
  current_->request = request;
  current_->attempts_left = std::max(1, request.retries.value_or(options_.default_attempts));
  current_->retry_interval = request.retry_interval.value_or(options_.default_retry_interval);
  const auto stamp = std::chrono::duration_cast<std::chrono::milliseconds>(loop_.clock().system_now().time_since_epoch());
  current_->image = (fs::path(options_.state_dir) / "firmware" / ("update-" + std::to_string(stamp.count()) + ".bin")).string();
  store();
  // After the answer has gone out: the first notification follows the response.
  schedule(until(request.retrieve_at), &FirmwareUpdate::begin_download);
  if (until(request.retrieve_at).count() > 0) {
    loop_.post([this, alive = alive_, gen = generation_] {
      if (*alive && gen == generation_ && current_) report(FirmwareStatus::DownloadScheduled);
    });
  }
  return answer;
}

void FirmwareUpdate::begin_download() {
  auto& r = *current_;
  r.step = "Download";
  report(FirmwareStatus::Downloading);
  std::error_code ec;
  fs::create_directories(fs::path(r.image).parent_path(), ec);
  DownloadRequest d;
  d.url = r.request.location;
  d.destination = r.image;
  d.max_bytes = options_.max_image_bytes;
  d.ca_file = options_.ca_file;
  transfer_id_ = transfer_.download(d, [this, alive = alive_, gen = generation_](const TransferResult& result) {
    if (*alive && gen == generation_) download_done(result);
  });
}

void FirmwareUpdate::download_done(const TransferResult& result) {
  transfer_id_.reset();
  auto& r = *current_;
  if (!result.ok) {
    r.attempts_left -= 1;
    log::warn(kLog, "download failed (" + std::to_string(r.attempts_left) + " attempt(s) left): " + result.error);
    if (r.attempts_left <= 0) return finish(FirmwareStatus::DownloadFailed);
    store();
    return schedule(r.retry_interval, &FirmwareUpdate::begin_download);
  }
  log::info(kLog, "downloaded " + std::to_string(result.bytes) + " bytes to " + r.image);
  r.step = "Verify";
  store();
  report(FirmwareStatus::Downloaded);
  downloaded();
}

// Whitepaper §5.1, 2.0.1 L01.FR.03: the signature over the image, hashed off the loop.
void FirmwareUpdate::downloaded() {
  if (!current_->signed_update()) return wait_for_install_time();
  auto verdict = std::make_shared<SignatureVerdict>();
  const auto image = current_->image;
  const auto cert = current_->request.signing_certificate;
  const auto signature = current_->request.signature;
  work_.run([verdict, image, cert, signature] { *verdict = verify_file_signature(image, cert, signature); },
            [this, verdict, alive = alive_, gen = generation_] {
              if (*alive && gen == generation_) verified(verdict->ok, verdict->error);
            });
}

void FirmwareUpdate::verified(bool ok, const std::string& why) {
  if (!ok) {
    log::warn(kLog, "image refused: " + why);
    security_.push("InvalidFirmwareSignature", why, loop_.clock().system_now());
    return finish(FirmwareStatus::InvalidSignature);
  }
  report(FirmwareStatus::SignatureVerified);
  wait_for_install_time();
}

void FirmwareUpdate::wait_for_install_time() {
  current_->step = "Install";
  store();
  const auto& at = current_->request.install_at;
  if (at && until(*at).count() > 0) {
    report(FirmwareStatus::InstallScheduled);  // 2.0.1 L01.FR.11
    return schedule(until(*at), &FirmwareUpdate::wait_for_transactions);
  }
  wait_for_transactions();
}

// 1.6 §5.18 and 2.0.1 L01.FR.06: no install while a transaction runs. L01.FR.07: meanwhile (and
// during the install) the connectors are Unavailable, so that no new transaction starts.
void FirmwareUpdate::wait_for_transactions() {
  auto& r = *current_;
  if (rules_.unavailable_while_waiting && r.held.empty()) {
    r.held = site_.hold_connectors();
    store();
  }
  if (site_.transaction_running()) {
    log::debug(kLog, "install waits for the running transactions to end");
    return schedule(options_.transaction_poll, &FirmwareUpdate::wait_for_transactions);
  }
  install();
}

void FirmwareUpdate::install() {
  auto& r = *current_;
  r.step = "Installing";
  store();
  report(FirmwareStatus::Installing);
  if (options_.install_command.empty()) {
    log::info(kLog, "no firmware.install_command: the image stays at " + r.image);
    return installed(0, {});
  }
  auto outcome = std::make_shared<std::pair<int, std::string>>();
  work_.run([outcome, program = options_.install_command,
             image = r.image] { outcome->first = run_install_program(program, image, outcome->second); },
            [this, outcome, alive = alive_, gen = generation_] {
              if (*alive && gen == generation_) installed(outcome->first, outcome->second);
            });
}

void FirmwareUpdate::installed(int exit_status, const std::string& why) {
  auto& r = *current_;
  if (exit_status == kInstalledRestart) {
    // Installed once the daemon runs again (resume() reports it): the new firmware may need it.
    log::info(kLog, why + ": installed, restarting as asked");
    r.step = "Rebooting";
    store();
    report(FirmwareStatus::InstallRebooting);
    site_.release_connectors(r.held);
    loop_.schedule_after(options_.restart_delay, [this, alive = alive_] {
      if (*alive) site_.restart();
    });
    return;
  }
  if (exit_status != 0) {
    log::error(kLog, "install failed: " + why);
    return finish(FirmwareStatus::InstallationFailed);
  }
  if (!why.empty()) log::info(kLog, why);
  security_.push("FirmwareUpdated", r.request.location, loop_.clock().system_now());
  finish(FirmwareStatus::Installed);
}

void FirmwareUpdate::finish(FirmwareStatus status) {
  report(status);
  site_.release_connectors(current_->held);
  // The simulated pile keeps what it "installed"; otherwise the program has taken what it needs.
  const bool keep = status == FirmwareStatus::Installed && options_.install_command.empty();
  if (!keep) {
    std::error_code ec;
    fs::remove(current_->image, ec);
  }
  clear();
  cancel_running();
  current_.reset();
}

void FirmwareUpdate::resume() {
  auto st = db_.prepare(
      "SELECT request_id, location, retrieve_at, install_at, attempts_left, retry_interval_s, signing_certificate, "
      "signature, step, image, held_connectors FROM firmware_update WHERE id = 1");
  if (!st.step()) return;
  current_ = std::make_unique<Record>();
  auto& r = *current_;
  if (const auto id = st.optional_int64(0)) r.request.request_id = static_cast<std::int32_t>(*id);
  r.request.location = st.text(1);
  r.request.retrieve_at = parse_rfc3339(st.text(2)).value_or(loop_.clock().system_now());
  if (const auto at = st.optional_text(3)) r.request.install_at = parse_rfc3339(*at);
  r.attempts_left = static_cast<int>(st.int64(4));
  r.retry_interval = std::chrono::seconds{st.int64(5)};
  r.request.signing_certificate = st.text(6);
  r.request.signature = st.text(7);
  r.step = st.text(8);
  r.image = st.text(9);
  r.held = split(st.text(10));
  log::info(kLog, "resuming the update of " + r.request.location + " at step " + r.step);
  if (r.step == "Rebooting") {
    security_.push("FirmwareUpdated", r.request.location, loop_.clock().system_now());
    return finish(FirmwareStatus::Installed);
  }
  if (r.step == "Installing") {
    log::error(kLog, "the install of " + r.image + " was interrupted by a restart");
    return finish(FirmwareStatus::InstallationFailed);
  }
  std::error_code ec;
  if (r.step == "Download" || !fs::exists(r.image, ec)) {
    // A download cut by the restart starts again (its part file is gone or overwritten).
    return schedule(until(r.request.retrieve_at), &FirmwareUpdate::begin_download);
  }
  if (r.step == "Verify") return downloaded();
  // Checked again: the file may have changed while the daemon was down.
  r.step = "Verify";
  downloaded();
}

}  // namespace ocpp::cp
