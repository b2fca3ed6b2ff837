#pragma once
// Where the security events of the 1.6 Security Whitepaper (edition 3, appendix "Security events")
// and 2.0.1 (Part 2, appendix 1 "Security events") come from, version-neutral: the daemon and the
// adapters tell it what happened, it decides whether that is an event and pushes it to the durable
// queue (security_events.hpp, also the security log). Firmware and certificate events are pushed
// by their own blocks; offline-code replays and lockouts by the pile verifier (OfflineCodeReplayed,
// OfflineCodeLockout).
//
// Repeats are bounded: a pile that fails to connect every few seconds, or receives a stream of
// malformed messages, reports the first and then at most one summary per interval.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ocpp/common/clock.hpp"

namespace ocpp::cp {

class SecurityEvents;

class SecurityMonitor {
 public:
  // A clock set by the CSMS that moves by less than this is a correction, not "setting" the time.
  static constexpr std::chrono::seconds kClockJumpThreshold{10};
  // InvalidMessages: at most one event in this interval; the ones in between are counted in the next.
  static constexpr std::chrono::minutes kInvalidMessageInterval{10};

  SecurityMonitor(SecurityEvents& events, const Clock& clock) : events_(events), clock_(clock) {}

  void started(const std::string& version);                   // StartupOfTheDevice
  void rebooting(const std::string& why);                     // ResetOrReboot
  void clock_moved(std::chrono::milliseconds by);             // SettingSystemTime, beyond the threshold
  // A connection attempt to the CSMS failed with `reason` (the transport's text, e.g. "... (HTTP
  // 401)"): FailedToAuthenticateAtCsms, InvalidCsmsCertificate, InvalidTLSVersion,
  // InvalidTLSCipherSuite, each once until a connection succeeds.
  void connection_failed(const std::string& reason);
  void connected();
  void invalid_message(const std::string& what);              // InvalidMessages, rate-limited
  void tamper(const std::string& what);                       // TamperDetectionActivated
  // The store refused a write (a full disk): MemoryExhaustion. Reported once per new failure count;
  // when the event itself cannot be stored, it is tried again on the next call.
  void store_failures(std::size_t failures_so_far);
  void security_log_cleared(const std::string& why);          // SecurityLogWasCleared

  // The event type a failed connection's reason reads as, if any (exposed for tests).
  static std::optional<std::string> classify_connection_failure(const std::string& reason);

 private:
  bool push(const std::string& type, const std::string& tech_info);

  SecurityEvents& events_;
  const Clock& clock_;
  std::map<std::string, bool> connection_reported_;  // event type -> reported since the last connection
  std::optional<SteadyTime> last_invalid_;
  std::uint64_t invalid_suppressed_ = 0;
  std::size_t store_failures_reported_ = 0;
};

}  // namespace ocpp::cp
