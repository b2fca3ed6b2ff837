#pragma once
// The OCPP versions this library speaks, and their WebSocket subprotocol names.
#include <optional>
#include <string_view>

namespace ocpp {

enum class ProtocolVersion { v16, v201 };

// OCPP-J 1.6 §3.1.2 / 2.0.1 Part 4 §3.1.2: the subprotocol offered in Sec-WebSocket-Protocol.
constexpr std::string_view subprotocol(ProtocolVersion v) {
  return v == ProtocolVersion::v16 ? "ocpp1.6" : "ocpp2.0.1";
}

std::optional<ProtocolVersion> version_from_subprotocol(std::string_view name);
// "1.6" or "2.0.1", as the configuration file spells it.
std::optional<ProtocolVersion> version_from_string(std::string_view name);
std::string_view to_string(ProtocolVersion v);

}  // namespace ocpp
