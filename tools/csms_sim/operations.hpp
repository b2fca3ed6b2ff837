#pragma once
// What each charge point reported of the long operations the CSMS started: firmware updates
// (1.6 FirmwareStatusNotification, Whitepaper SignedFirmwareStatusNotification, 2.0.1 L01
// FirmwareStatusNotification), log uploads (1.6 DiagnosticsStatusNotification, Whitepaper /
// 2.0.1 LogStatusNotification) and certificate signing (SignCertificate, CertificateSigned).
// Kept in memory, the newest kHistory entries per charge point and kind, for the API and tests: a
// restart of the CSMS forgets them (the uploads themselves stay on disk).
#include <cstddef>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace ocpp::csms {

struct OperationStatus {
  std::string status;               // as the message carries it (e.g. "Downloading", "Uploaded")
  std::optional<int> request_id;    // Whitepaper / 2.0.1 requestId, when there is one
  std::string at;                   // when the CSMS received it, RFC 3339
  std::string detail;               // the CSMS's own note (e.g. why a CSR was refused)
};

class OperationBoard {
 public:
  static constexpr std::size_t kHistory = 32;
  enum class Kind { Firmware, Log, Certificate };

  void record(const std::string& charge_point_id, Kind kind, OperationStatus status) {
    auto& list = entries_[{charge_point_id, kind}];
    list.push_back(std::move(status));
    if (list.size() > kHistory) list.pop_front();
  }
  // Oldest first; empty when nothing was reported.
  std::deque<OperationStatus> history(const std::string& charge_point_id, Kind kind) const {
    const auto it = entries_.find({charge_point_id, kind});
    return it == entries_.end() ? std::deque<OperationStatus>{} : it->second;
  }

 private:
  std::map<std::pair<std::string, Kind>, std::deque<OperationStatus>> entries_;
};

}  // namespace ocpp::csms
