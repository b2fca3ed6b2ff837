#include "ocpp/server/user_accounts.hpp"

#include <openssl/crypto.h>

#include "ocpp/common/base64.hpp"

namespace ocpp::server {

bool UserAccounts::check(const std::string& user, const std::string& password) const {
  const auto it = passwords_.find(user);
  if (it == passwords_.end()) return false;
  const std::string& expected = it->second;
  return expected.size() == password.size() && CRYPTO_memcmp(expected.data(), password.data(), expected.size()) == 0;
}

std::optional<std::string> UserAccounts::basic_auth_user(const std::string& header) const {
  // RFC 7617: "Basic" base64(user ":" password); the user name cannot contain a colon.
  if (header.rfind("Basic ", 0) != 0) return std::nullopt;
  const auto decoded = base64_decode(std::string_view(header).substr(6));
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string user = decoded->substr(0, colon);
  if (!check(user, decoded->substr(colon + 1))) return std::nullopt;
  return user;
}

}  // namespace ocpp::server
