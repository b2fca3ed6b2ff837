#include "ocpp/cp/types.hpp"

#include "ocpp/cp/protocol_adapter.hpp"

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

constexpr std::array<std::pair<StopReason, std::string_view>, 15> kReasons{{
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
    {StopReason::Timeout, "Timeout"},
    {StopReason::StoppedByEV, "StoppedByEV"},
    {StopReason::Other, "Other"},
}};

constexpr std::array<std::pair<AuthorizationStatus, std::string_view>, 5> kAuth{{
    {AuthorizationStatus::Accepted, "Accepted"},
    {AuthorizationStatus::Blocked, "Blocked"},
    {AuthorizationStatus::Expired, "Expired"},
    {AuthorizationStatus::Invalid, "Invalid"},
    {AuthorizationStatus::ConcurrentTx, "ConcurrentTx"},
}};

constexpr std::array<std::pair<Availability, std::string_view>, 5> kAvailability{{
    {Availability::Available, "Available"},
    {Availability::Occupied, "Occupied"},
    {Availability::Reserved, "Reserved"},
    {Availability::Unavailable, "Unavailable"},
    {Availability::Faulted, "Faulted"},
}};

constexpr std::array<std::pair<ChargingState, std::string_view>, 5> kChargingState{{
    {ChargingState::Idle, "Idle"},
    {ChargingState::EVConnected, "EVConnected"},
    {ChargingState::Charging, "Charging"},
    {ChargingState::SuspendedEV, "SuspendedEV"},
    {ChargingState::SuspendedEVSE, "SuspendedEVSE"},
}};

}  // namespace

std::string_view to_string(Registration r) {
  switch (r) {
    case Registration::None: return "None";
    case Registration::Pending: return "Pending";
    case Registration::Accepted: return "Accepted";
    case Registration::Rejected: return "Rejected";
  }
  return "?";
}

std::string_view to_string(Availability a) { return name_of(kAvailability, a); }
std::string_view to_string(ChargingState c) { return name_of(kChargingState, c); }

Availability availability_of(ConnectorStatus status, bool plugged) {
  switch (status) {
    case ConnectorStatus::Available: return Availability::Available;
    case ConnectorStatus::Reserved: return Availability::Reserved;
    case ConnectorStatus::Unavailable: return Availability::Unavailable;
    case ConnectorStatus::Faulted: return Availability::Faulted;
    // An id authorized before the cable is in leaves the connector free for the eye (2.0.1: Occupied
    // means an EV is connected or a transaction runs).
    case ConnectorStatus::Preparing: return plugged ? Availability::Occupied : Availability::Available;
    case ConnectorStatus::Charging:
    case ConnectorStatus::SuspendedEV:
    case ConnectorStatus::SuspendedEVSE:
    case ConnectorStatus::Finishing: return Availability::Occupied;
  }
  return Availability::Available;
}

ChargingState charging_state_of(ConnectorStatus status, bool plugged) {
  // No EV, no energy state: a transaction that goes on after the cable left is Idle (2.0.1 E10).
  if (!plugged) return ChargingState::Idle;
  switch (status) {
    case ConnectorStatus::Charging: return ChargingState::Charging;
    case ConnectorStatus::SuspendedEV: return ChargingState::SuspendedEV;
    case ConnectorStatus::SuspendedEVSE: return ChargingState::SuspendedEVSE;
    default: return ChargingState::EVConnected;
  }
}

std::string default_token_type(IdSource source) {
  switch (source) {
    case IdSource::Rfid: return "ISO14443";
    case IdSource::Keypad: return "KeyCode";
    case IdSource::Remote: return "Central";
  }
  return "Central";
}

std::string_view to_string(ConnectorStatus s) { return name_of(kStatus, s); }
std::string_view to_string(StopReason r) { return name_of(kReasons, r); }
std::string_view to_string(AuthorizationStatus s) { return name_of(kAuth, s); }
bool from_string(std::string_view text, AuthorizationStatus& out) { return value_of(kAuth, text, out); }

}  // namespace ocpp::cp
