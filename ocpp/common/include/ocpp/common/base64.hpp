#pragma once
// RFC 4648 base64, as HTTP Basic credentials (RFC 7617) carry them.
#include <optional>
#include <string>
#include <string_view>

namespace ocpp {

std::string base64_encode(std::string_view in);
// nullopt for text that is not padded base64 of the standard alphabet.
std::optional<std::string> base64_decode(std::string_view in);

}  // namespace ocpp
