#pragma once
// CALLERROR codes. The two versions name some of them differently (1.6 "FormationViolation",
// "OccurenceConstraintViolation"; 2.0.1 "FormatViolation", "OccurrenceConstraintViolation"), so the
// library uses one neutral enum and spells it per version only on the wire.
#include <optional>
#include <string>
#include <string_view>

#include "ocpp/common/version.hpp"

namespace ocpp {

enum class RpcErrorCode {
  FormatViolation,                // 1.6 FormationViolation
  GenericError,
  InternalError,
  MessageTypeNotSupported,        // 2.0.1 only; 1.6 has no equivalent and uses FormationViolation
  NotImplemented,
  NotSupported,
  OccurrenceConstraintViolation,  // 1.6 OccurenceConstraintViolation (sic)
  PropertyConstraintViolation,
  ProtocolError,
  RpcFrameworkError,              // 2.0.1 only; 1.6 uses FormationViolation
  SecurityError,
  TypeConstraintViolation,
};

std::string_view wire_name(RpcErrorCode code, ProtocolVersion v);
std::optional<RpcErrorCode> parse_error_code(std::string_view wire, ProtocolVersion v);

// A payload that failed validation: the code to answer with, and a description naming the field.
struct ValidationError {
  RpcErrorCode code;
  std::string description;
};

}  // namespace ocpp
