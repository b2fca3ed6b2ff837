// The words of smart charging's enums, as the logs and both protocols spell them. The profile
// purposes take the 2.0.1 names (ChargingProfilePurposeEnumType); the 1.6 adapter maps StationMax
// to its own "ChargePointMaxProfile" (1.6 ChargingProfilePurposeType), because only the adapter knows
// the version.
#include "ocpp/cp/charging_profile.hpp"

namespace ocpp::cp {

std::string_view to_string(ProfilePurpose p) {
  switch (p) {
    case ProfilePurpose::StationMax: return "ChargingStationMaxProfile";
    case ProfilePurpose::TxDefault: return "TxDefaultProfile";
    case ProfilePurpose::Tx: return "TxProfile";
    case ProfilePurpose::ExternalConstraints: return "ChargingStationExternalConstraints";
  }
  return "Unknown";
}

std::string_view to_string(ProfileKind k) {
  switch (k) {
    case ProfileKind::Absolute: return "Absolute";
    case ProfileKind::Recurring: return "Recurring";
    case ProfileKind::Relative: return "Relative";
  }
  return "Unknown";
}

std::string_view to_string(Recurrency r) {
  switch (r) {
    case Recurrency::Daily: return "Daily";
    case Recurrency::Weekly: return "Weekly";
  }
  return "Unknown";
}

std::string_view to_string(RateUnit u) {
  switch (u) {
    case RateUnit::A: return "A";
    case RateUnit::W: return "W";
  }
  return "Unknown";
}

}  // namespace ocpp::cp
