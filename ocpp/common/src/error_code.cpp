#include "ocpp/common/error_code.hpp"

#include <array>
#include <utility>

namespace ocpp {
namespace {

struct Spelling {
  RpcErrorCode code;
  std::string_view v16;
  std::string_view v201;
};

// OCPP-J 1.6 §4.2.3 and OCPP 2.0.1 Part 4 §4.3 list the codes of each version.
constexpr std::array<Spelling, 12> kSpellings{{
    {RpcErrorCode::FormatViolation, "FormationViolation", "FormatViolation"},
    {RpcErrorCode::GenericError, "GenericError", "GenericError"},
    {RpcErrorCode::InternalError, "InternalError", "InternalError"},
    {RpcErrorCode::MessageTypeNotSupported, "FormationViolation", "MessageTypeNotSupported"},
    {RpcErrorCode::NotImplemented, "NotImplemented", "NotImplemented"},
    {RpcErrorCode::NotSupported, "NotSupported", "NotSupported"},
    {RpcErrorCode::OccurrenceConstraintViolation, "OccurenceConstraintViolation",
     "OccurrenceConstraintViolation"},
    {RpcErrorCode::PropertyConstraintViolation, "PropertyConstraintViolation", "PropertyConstraintViolation"},
    {RpcErrorCode::ProtocolError, "ProtocolError", "ProtocolError"},
    {RpcErrorCode::RpcFrameworkError, "FormationViolation", "RpcFrameworkError"},
    {RpcErrorCode::SecurityError, "SecurityError", "SecurityError"},
    {RpcErrorCode::TypeConstraintViolation, "TypeConstraintViolation", "TypeConstraintViolation"},
}};

}  // namespace

std::string_view wire_name(RpcErrorCode code, ProtocolVersion v) {
  for (const auto& s : kSpellings) {
    if (s.code == code) return v == ProtocolVersion::v16 ? s.v16 : s.v201;
  }
  return "GenericError";
}

std::optional<RpcErrorCode> parse_error_code(std::string_view wire, ProtocolVersion v) {
  for (const auto& s : kSpellings) {
    // The first match wins, so 1.6 "FormationViolation" reads back as FormatViolation.
    if ((v == ProtocolVersion::v16 ? s.v16 : s.v201) == wire) return s.code;
  }
  return std::nullopt;
}

}  // namespace ocpp
