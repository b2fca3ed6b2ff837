#pragma once
// Between the core's neutral vocabulary and the 2.0.1 messages' types.
#include <string>

#include "ocpp/cp/charging_events.hpp"
#include "ocpp/cp/types.hpp"
#include "ocpp/v201/messages.hpp"

namespace ocpp::cp::v201 {

ocpp::v201::ConnectorStatusEnumType to_v201(Availability a);
ocpp::v201::ChargingStateEnumType to_v201(ChargingState c);
// E06: the stoppedReason of TransactionEvent Ended.
ocpp::v201::ReasonEnumType to_v201(StopReason r);
// E06/E07: the triggerReason that goes with a stop of that reason.
ocpp::v201::TriggerReasonEnumType trigger_of(StopReason r);
ocpp::v201::TriggerReasonEnumType trigger_of(Milestone m);
ocpp::v201::MeterValueType to_v201(const MeterSample& sample);
ocpp::v201::IdTokenType id_token(const std::string& id, const std::string& type);
IdTagInfo from_v201(const ocpp::v201::IdTokenInfoType& info);
ocpp::v201::IdTokenInfoType to_v201(const IdTagInfo& info);

}  // namespace ocpp::cp::v201
