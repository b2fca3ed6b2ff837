#include "ocpp/hal/sim/sim_types.hpp"

namespace ocpp::hal::sim {

std::string_view to_string(EvState s) {
  switch (s) {
    case EvState::Absent: return "absent";
    case EvState::Connected: return "connected";
    case EvState::Ready: return "ready";
  }
  return "?";
}

bool from_string(std::string_view text, EvState& out) {
  if (text == "absent") out = EvState::Absent;
  else if (text == "connected") out = EvState::Connected;
  else if (text == "ready") out = EvState::Ready;
  else return false;
  return true;
}

}  // namespace ocpp::hal::sim
