#include "ocpp/cp/security_monitor.hpp"

#include <algorithm>
#include <cctype>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/security_events.hpp"

namespace ocpp::cp {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool has(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

}  // namespace

bool SecurityMonitor::push(const std::string& type, const std::string& tech_info) {
  try {
    events_.push(type, tech_info, clock_.system_now());
    return true;
  } catch (const std::exception& e) {
    log::error("security", "cannot record security event " + type + ": " + e.what());
    return false;
  }
}

void SecurityMonitor::started(const std::string& version) { push("StartupOfTheDevice", "ocpp-chargepoint " + version); }

void SecurityMonitor::rebooting(const std::string& why) { push("ResetOrReboot", why); }

void SecurityMonitor::clock_moved(std::chrono::milliseconds by) {
  if (by < kClockJumpThreshold && by > -kClockJumpThreshold) return;
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(by).count();
  push("SettingSystemTime", "set from the CSMS's time, moved by " + std::to_string(s) + " s");
}

// The transport's reason carries the HTTP status of a refused handshake ("(HTTP 401)") or
// OpenSSL's text for a failed TLS handshake.
std::optional<std::string> SecurityMonitor::classify_connection_failure(const std::string& reason) {
  const std::string r = lower(reason);
  if (has(r, "(http 401)") || has(r, "(http 403)")) return std::string("FailedToAuthenticateAtCsms");
  // The transport names OpenSSL's verdict on the CSMS's certificate ("the CSMS's certificate did
  // not verify: <reason>"); the other texts are OpenSSL's own for a handshake that failed on it.
  if (has(r, "certificate did not verify") || has(r, "certificate verify failed") || has(r, "unable to get local issuer") || has(r, "self signed") ||
      has(r, "self-signed") || has(r, "certificate has expired") || has(r, "hostname mismatch") ||
      has(r, "x509")) {
    return std::string("InvalidCsmsCertificate");
  }
  if (has(r, "wrong version number") || has(r, "unsupported protocol") || has(r, "protocol version")) {
    return std::string("InvalidTLSVersion");
  }
  if (has(r, "no shared cipher") || has(r, "no cipher") || has(r, "cipher")) return std::string("InvalidTLSCipherSuite");
  return std::nullopt;
}

void SecurityMonitor::connection_failed(const std::string& reason) {
  const auto type = classify_connection_failure(reason);
  if (!type || connection_reported_[*type]) return;
  if (push(*type, reason.substr(0, SecurityEvents::kMaxTechInfoLength))) connection_reported_[*type] = true;
}

void SecurityMonitor::connected() { connection_reported_.clear(); }

void SecurityMonitor::invalid_message(const std::string& what) {
  const auto now = clock_.steady_now();
  if (last_invalid_ && now - *last_invalid_ < kInvalidMessageInterval) {
    ++invalid_suppressed_;
    return;
  }
  std::string info = what;
  if (invalid_suppressed_ > 0) {
    info = std::to_string(invalid_suppressed_) + " more since the last report; latest: " + what;
  }
  if (push("InvalidMessages", info.substr(0, SecurityEvents::kMaxTechInfoLength))) {
    last_invalid_ = now;
    invalid_suppressed_ = 0;
  }
}

void SecurityMonitor::tamper(const std::string& what) { push("TamperDetectionActivated", what); }

void SecurityMonitor::store_failures(std::size_t failures_so_far) {
  if (failures_so_far <= store_failures_reported_) return;
  if (push("MemoryExhaustion", std::to_string(failures_so_far) + " write(s) to the store failed (disk full?)")) {
    store_failures_reported_ = failures_so_far;
  }
}

void SecurityMonitor::security_log_cleared(const std::string& why) { push("SecurityLogWasCleared", why); }

}  // namespace ocpp::cp
