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

constexpr std::array<std::pair<StopReason, std::string_view>, 16> kReasons{{
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
    {StopReason::MasterPass, "MasterPass"},
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

constexpr std::array<std::pair<SessionPhase, std::string_view>, 4> kSession{{
    {SessionPhase::None, "None"},
    {SessionPhase::Preparing, "Preparing"},
    {SessionPhase::Transaction, "Transaction"},
    {SessionPhase::Finishing, "Finishing"},
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
std::string_view to_string(SessionPhase p) { return name_of(kSession, p); }

std::string_view summary(const ConnectorState& s) {
  // A fault or an out-of-service connector is what a driver notices first, even during a
  // transaction; then the session; a free connector is Reserved or Available.
  if (s.availability == Availability::Faulted) return "Faulted";
  if (s.availability == Availability::Unavailable) return "Unavailable";
  switch (s.session) {
    case SessionPhase::Transaction:
      if (s.energy_withheld) return "SuspendedEVSE";
      return s.charging == ChargingState::Charging ? "Charging" : "SuspendedEV";
    case SessionPhase::Finishing: return "Finishing";
    case SessionPhase::Preparing: return "Preparing";
    case SessionPhase::None: break;
  }
  return s.availability == Availability::Reserved ? "Reserved" : "Available";
}

std::string describe(const ConnectorState& s) {
  std::string out = std::string(to_string(s.availability)) + ", " + std::string(to_string(s.charging));
  if (s.session != SessionPhase::None) out += ", session " + std::string(to_string(s.session));
  if (s.energy_withheld) out += ", energy withheld";
  return out;
}

std::string default_token_type(IdSource source) {
  switch (source) {
    case IdSource::Rfid: return "ISO14443";
    case IdSource::Keypad: return "KeyCode";
    case IdSource::Remote: return "Central";
  }
  return "Central";
}

std::string_view to_string(StopReason r) { return name_of(kReasons, r); }
std::string_view to_string(AuthorizationStatus s) { return name_of(kAuth, s); }
bool from_string(std::string_view text, AuthorizationStatus& out) { return value_of(kAuth, text, out); }

}  // namespace ocpp::cp
