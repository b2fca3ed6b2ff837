#include "conversions.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

m::ConnectorStatusEnumType to_v201(Availability a) {
  switch (a) {
    case Availability::Available: return m::ConnectorStatusEnumType::Available;
    case Availability::Occupied: return m::ConnectorStatusEnumType::Occupied;
    case Availability::Reserved: return m::ConnectorStatusEnumType::Reserved;
    case Availability::Unavailable: return m::ConnectorStatusEnumType::Unavailable;
    case Availability::Faulted: return m::ConnectorStatusEnumType::Faulted;
  }
  return m::ConnectorStatusEnumType::Available;
}

m::ChargingStateEnumType to_v201(ChargingState c) {
  switch (c) {
    case ChargingState::Idle: return m::ChargingStateEnumType::Idle;
    case ChargingState::EVConnected: return m::ChargingStateEnumType::EVConnected;
    case ChargingState::Charging: return m::ChargingStateEnumType::Charging;
    case ChargingState::SuspendedEV: return m::ChargingStateEnumType::SuspendedEV;
    case ChargingState::SuspendedEVSE: return m::ChargingStateEnumType::SuspendedEVSE;
  }
  return m::ChargingStateEnumType::Idle;
}

m::ReasonEnumType to_v201(StopReason r) {
  switch (r) {
    case StopReason::Local: return m::ReasonEnumType::Local;
    case StopReason::Remote: return m::ReasonEnumType::Remote;
    case StopReason::EVDisconnected: return m::ReasonEnumType::EVDisconnected;
    case StopReason::DeAuthorized: return m::ReasonEnumType::DeAuthorized;
    case StopReason::EmergencyStop: return m::ReasonEnumType::EmergencyStop;
    // 2.0.1 has one reason for a reset that ends a transaction (B11/B12).
    case StopReason::HardReset:
    case StopReason::SoftReset: return m::ReasonEnumType::ImmediateReset;
    case StopReason::Reboot: return m::ReasonEnumType::Reboot;
    case StopReason::PowerLoss: return m::ReasonEnumType::PowerLoss;
    case StopReason::UnlockCommand: return m::ReasonEnumType::Other;
    case StopReason::EnergyLimitReached: return m::ReasonEnumType::EnergyLimitReached;
    case StopReason::TimeLimitReached: return m::ReasonEnumType::TimeLimitReached;
    case StopReason::Timeout: return m::ReasonEnumType::Timeout;
    case StopReason::StoppedByEV: return m::ReasonEnumType::StoppedByEV;
    case StopReason::MasterPass: return m::ReasonEnumType::MasterPass;
    case StopReason::Other: return m::ReasonEnumType::Other;
  }
  return m::ReasonEnumType::Other;
}

m::TriggerReasonEnumType trigger_of(StopReason r) {
  switch (r) {
    // E06: a driver's own stop (card, code, or the pile's stop button) is StopAuthorized.
    case StopReason::Local:
    case StopReason::MasterPass: return m::TriggerReasonEnumType::StopAuthorized;  // C16: an id stopped it
    case StopReason::Remote: return m::TriggerReasonEnumType::RemoteStop;
    case StopReason::EVDisconnected: return m::TriggerReasonEnumType::EVCommunicationLost;
    case StopReason::DeAuthorized: return m::TriggerReasonEnumType::Deauthorized;
    case StopReason::HardReset:
    case StopReason::SoftReset: return m::TriggerReasonEnumType::ResetCommand;
    case StopReason::UnlockCommand: return m::TriggerReasonEnumType::UnlockCommand;
    case StopReason::EnergyLimitReached: return m::TriggerReasonEnumType::EnergyLimitReached;
    case StopReason::TimeLimitReached: return m::TriggerReasonEnumType::TimeLimitReached;
    case StopReason::Timeout: return m::TriggerReasonEnumType::EVConnectTimeout;
    case StopReason::StoppedByEV: return m::TriggerReasonEnumType::ChargingStateChanged;
    case StopReason::EmergencyStop:
    case StopReason::Reboot:
    case StopReason::PowerLoss:
    case StopReason::Other: return m::TriggerReasonEnumType::AbnormalCondition;
  }
  return m::TriggerReasonEnumType::AbnormalCondition;
}

m::TriggerReasonEnumType trigger_of(Milestone ms) {
  switch (ms) {
    case Milestone::EvConnected: return m::TriggerReasonEnumType::CablePluggedIn;
    case Milestone::EvDisconnected: return m::TriggerReasonEnumType::EVCommunicationLost;
    case Milestone::Authorized: return m::TriggerReasonEnumType::Authorized;
    case Milestone::RemoteStart: return m::TriggerReasonEnumType::RemoteStart;
    case Milestone::ChargingStateChanged: return m::TriggerReasonEnumType::ChargingStateChanged;
    case Milestone::Deauthorized: return m::TriggerReasonEnumType::StopAuthorized;
  }
  return m::TriggerReasonEnumType::ChargingStateChanged;
}

m::MeterValueType to_v201(const MeterSample& sample) {
  m::MeterValueType mv;
  mv.timestamp = DateTime(sample.at);
  for (const auto& v : sample.values) {
    m::SampledValueType sv;
    sv.value = v.value;
    m::ReadingContextEnumType context{};
    if (m::from_string(sample.context, context)) sv.context = context;
    m::MeasurandEnumType measurand{};
    if (m::from_string(v.measurand, measurand)) sv.measurand = measurand;
    if (v.phase) {
      m::PhaseEnumType phase{};
      if (m::from_string(*v.phase, phase)) sv.phase = phase;
    }
    // 2.0.1 UnitOfMeasureType: the unit's name is free text, "Wh" by default.
    if (v.unit != "Wh") {
      m::UnitOfMeasureType unit;
      unit.unit = v.unit;
      sv.unitOfMeasure = unit;
    }
    mv.sampledValue.push_back(std::move(sv));
  }
  return mv;
}

m::IdTokenType id_token(const std::string& id, const std::string& type) {
  m::IdTokenType t;
  t.idToken = id.substr(0, 36);
  if (!m::from_string(type, t.type)) t.type = m::IdTokenEnumType::Central;
  return t;
}

IdTagInfo from_v201(const m::IdTokenInfoType& info) {
  IdTagInfo out;
  // 2.0.1 has more refusals than the core (NoCredit, NotAllowedTypeEVSE, NotAtThisLocation,
  // NotAtThisTime, Unknown): each is a refusal, Invalid to the core.
  if (!from_string(m::to_string(info.status), out.status)) out.status = AuthorizationStatus::Invalid;
  if (info.cacheExpiryDateTime) out.expiry = info.cacheExpiryDateTime->time();
  if (info.groupIdToken) out.parent_id_tag = info.groupIdToken->idToken.str();
  return out;
}

m::IdTokenInfoType to_v201(const IdTagInfo& info) {
  m::IdTokenInfoType out;
  if (!m::from_string(to_string(info.status), out.status)) out.status = m::AuthorizationStatusEnumType::Invalid;
  if (info.expiry) out.cacheExpiryDateTime = DateTime(*info.expiry);
  if (info.parent_id_tag) out.groupIdToken = id_token(*info.parent_id_tag, "Central");
  return out;
}

}  // namespace ocpp::cp::v201
