#include "ocpp/cp/types.hpp"

#include <array>
#include <utility>

namespace ocpp::cp {
namespace {

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, n] : table) {
    if (e == value) return n;
  }
  return "?";
}

template <class E, std::size_t N>
bool value_of(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view text, E& out) {
  for (const auto& [e, n] : table) {
    if (n == text) {
      out = e;
      return true;
    }
  }
  return false;
}

constexpr std::array<std::pair<ConnectorStatus, std::string_view>, 9> kStatus{{
    {ConnectorStatus::Available, "Available"},
    {ConnectorStatus::Preparing, "Preparing"},
    {ConnectorStatus::Charging, "Charging"},
    {ConnectorStatus::SuspendedEV, "SuspendedEV"},
    {ConnectorStatus::SuspendedEVSE, "SuspendedEVSE"},
    {ConnectorStatus::Finishing, "Finishing"},
    {ConnectorStatus::Reserved, "Reserved"},
    {ConnectorStatus::Unavailable, "Unavailable"},
    {ConnectorStatus::Faulted, "Faulted"},
}};

constexpr std::array<std::pair<StopReason, std::string_view>, 13> kReasons{{
    {StopReason::Local, "Local"},
    {StopReason::Remote, "Remote"},
    {StopReason::EVDisconnected, "EVDisconnected"},
    {StopReason::DeAuthorized, "DeAuthorized"},
    {StopReason::EmergencyStop, "EmergencyStop"},
    {StopReason::HardReset, "HardReset"},
    {StopReason::SoftReset, "SoftReset"},
    {StopReason::Reboot, "Reboot"},
    {StopReason::PowerLoss, "PowerLoss"},
    {StopReason::UnlockCommand, "UnlockCommand"},
    {StopReason::EnergyLimitReached, "EnergyLimitReached"},
    {StopReason::TimeLimitReached, "TimeLimitReached"},
    {StopReason::Other, "Other"},
}};

constexpr std::array<std::pair<AuthorizationStatus, std::string_view>, 5> kAuth{{
    {AuthorizationStatus::Accepted, "Accepted"},
    {AuthorizationStatus::Blocked, "Blocked"},
    {AuthorizationStatus::Expired, "Expired"},
    {AuthorizationStatus::Invalid, "Invalid"},
    {AuthorizationStatus::ConcurrentTx, "ConcurrentTx"},
}};

}  // namespace

std::string_view to_string(ConnectorStatus s) { return name_of(kStatus, s); }
std::string_view to_string(StopReason r) { return name_of(kReasons, r); }
std::string_view to_string(AuthorizationStatus s) { return name_of(kAuth, s); }
bool from_string(std::string_view text, AuthorizationStatus& out) { return value_of(kAuth, text, out); }

}  // namespace ocpp::cp
