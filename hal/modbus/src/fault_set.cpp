#include "ocpp/hal/modbus/fault_set.hpp"

namespace ocpp::hal::modbus {

std::string_view to_string(FaultSource s) {
  switch (s) {
    case FaultSource::board_silent: return "board_silent";
    case FaultSource::emergency_stop: return "emergency_stop";
    case FaultSource::power_stage_silent: return "power_stage_silent";
    case FaultSource::contactor: return "contactor";
    case FaultSource::residual_current: return "residual_current";
    case FaultSource::over_current: return "over_current";
    case FaultSource::power_stage: return "power_stage";
    case FaultSource::over_temperature: return "over_temperature";
    case FaultSource::meter_silent: return "meter_silent";
    case FaultSource::meter_implausible: return "meter_implausible";
    case FaultSource::lock: return "lock";
    case FaultSource::reader: return "reader";
    case FaultSource::count_: break;
  }
  return "?";
}

std::optional<Fault> FaultSet::set(FaultSource source, ErrorCode code, const std::string& info, const std::string& detail) {
  Fault& slot = faults_[static_cast<std::size_t>(source)];
  slot.code = code;
  slot.info = code == ErrorCode::NoError ? std::string() : info;
  slot.detail = code == ErrorCode::NoError ? std::string() : (detail.empty() ? info : detail);
  Fault top;
  for (const Fault& f : faults_) {
    if (f.code != ErrorCode::NoError) {
      top = f;
      break;
    }
  }
  const bool same = top.code == reported_.code && top.info == reported_.info;
  reported_ = top;
  if (same) return std::nullopt;
  return reported_;
}

bool FaultSet::has(FaultSource source) const {
  return faults_[static_cast<std::size_t>(source)].code != ErrorCode::NoError;
}

}  // namespace ocpp::hal::modbus
