#include "ocpp/common/version.hpp"

namespace ocpp {

std::optional<ProtocolVersion> version_from_subprotocol(std::string_view name) {
  if (name == subprotocol(ProtocolVersion::v16)) return ProtocolVersion::v16;
  if (name == subprotocol(ProtocolVersion::v201)) return ProtocolVersion::v201;
  return std::nullopt;
}

std::optional<ProtocolVersion> version_from_string(std::string_view name) {
  if (name == "1.6") return ProtocolVersion::v16;
  if (name == "2.0.1") return ProtocolVersion::v201;
  return std::nullopt;
}

std::string_view to_string(ProtocolVersion v) { return v == ProtocolVersion::v16 ? "1.6" : "2.0.1"; }

}  // namespace ocpp
