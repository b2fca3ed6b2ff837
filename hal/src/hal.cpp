#include "ocpp/hal/hal.hpp"

#include <array>
#include <utility>

namespace ocpp::hal {
namespace {

constexpr std::array<std::pair<ErrorCode, std::string_view>, 16> kErrors{{
    {ErrorCode::NoError, "NoError"},
    {ErrorCode::ConnectorLockFailure, "ConnectorLockFailure"},
    {ErrorCode::EVCommunicationError, "EVCommunicationError"},
    {ErrorCode::GroundFailure, "GroundFailure"},
    {ErrorCode::HighTemperature, "HighTemperature"},
    {ErrorCode::InternalError, "InternalError"},
    {ErrorCode::LocalListConflict, "LocalListConflict"},
    {ErrorCode::OtherError, "OtherError"},
    {ErrorCode::OverCurrentFailure, "OverCurrentFailure"},
    {ErrorCode::OverVoltage, "OverVoltage"},
    {ErrorCode::PowerMeterFailure, "PowerMeterFailure"},
    {ErrorCode::PowerSwitchFailure, "PowerSwitchFailure"},
    {ErrorCode::ReaderFailure, "ReaderFailure"},
    {ErrorCode::ResetFailure, "ResetFailure"},
    {ErrorCode::UnderVoltage, "UnderVoltage"},
    {ErrorCode::WeakSignal, "WeakSignal"},
}};

}  // namespace

std::string_view to_string(ErrorCode e) {
  for (const auto& [code, name] : kErrors) {
    if (code == e) return name;
  }
  return "?";
}

bool from_string(std::string_view text, ErrorCode& out) {
  for (const auto& [code, name] : kErrors) {
    if (name == text) {
      out = code;
      return true;
    }
  }
  return false;
}

std::string_view to_string(PilotState s) {
  switch (s) {
    case PilotState::A: return "A";
    case PilotState::B: return "B";
    case PilotState::C: return "C";
    case PilotState::D: return "D";
    case PilotState::E: return "E";
    case PilotState::F: return "F";
  }
  return "?";
}

}  // namespace ocpp::hal
