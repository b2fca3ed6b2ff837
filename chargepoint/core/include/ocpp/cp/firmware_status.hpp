#pragma once
// The firmware statuses the core reports to the protocol adapter (CsmsLink::firmware_status), which
// renders them as 1.6 FirmwareStatusNotification, the Whitepaper's SignedFirmwareStatusNotification
// or 2.0.1 FirmwareStatusNotification (firmware_update.hpp).
#include <cstdint>
#include <optional>
#include <string_view>

namespace ocpp::cp {

// The union of the versions' firmware statuses (2.0.1 FirmwareStatusEnumType, the Whitepaper's is
// the same); 1.6's FirmwareStatusNotification renders a subset.
enum class FirmwareStatus {
  Idle,
  DownloadScheduled,
  Downloading,
  Downloaded,
  DownloadFailed,
  SignatureVerified,
  InvalidSignature,
  InstallScheduled,
  Installing,
  InstallRebooting,
  Installed,
  InstallationFailed,
};
std::string_view to_string(FirmwareStatus status);

struct FirmwareProgress {
  FirmwareStatus status = FirmwareStatus::Idle;
  std::optional<std::int32_t> request_id;
  bool signed_update = false;  // 1.6 reports a signed update with SignedFirmwareStatusNotification
};

}  // namespace ocpp::cp
