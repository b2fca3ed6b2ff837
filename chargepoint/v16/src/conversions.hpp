#pragma once
// Between the core's neutral vocabulary and the 1.6 messages' types.
#include "ocpp/cp/charging_events.hpp"
#include "ocpp/cp/types.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

ocpp::v16::StatusNotificationStatus to_v16(const ConnectorState& s);
ocpp::v16::ErrorCode to_v16(ErrorCode e);
ocpp::v16::Reason to_v16(StopReason r);
ocpp::v16::IdTagInfo to_v16(const IdTagInfo& info);
IdTagInfo from_v16(const ocpp::v16::IdTagInfo& info);
ocpp::v16::MeterValue to_v16(const MeterSample& sample);
// OCPP 1.6 carries meter values as decimal strings: no exponent, no trailing zeros.
std::string decimal(double value);

}  // namespace ocpp::cp::v16
