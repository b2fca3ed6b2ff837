#include "ocpp/server/user_accounts.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <stdexcept>

#include "ocpp/common/base64.hpp"

namespace ocpp::server {

std::string_view role_name(Role role) { return role == Role::Operator ? "operator" : "driver"; }

UserAccounts::UserAccounts(const std::map<std::string, Account>& accounts) {
  for (const auto& [name, a] : accounts) accounts_[name] = Entry{digest(a.password), a.role};
}

UserAccounts::UserAccounts(const std::map<std::string, std::string>& passwords) {
  for (const auto& [name, password] : passwords) accounts_[name] = Entry{digest(password), kDefaultRole};
}

UserAccounts::Digest UserAccounts::digest(std::string_view text) {
  Digest out{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), out.data(), &size, EVP_sha256(), nullptr) != 1 || size != out.size()) {
    throw std::runtime_error("SHA-256 failed in libcrypto");
  }
  return out;
}

std::variant<Account, std::string> UserAccounts::parse_option(std::string_view text) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return std::string("expected NAME:PASSWORD[:operator|driver]");
  if (colon == 0) return std::string("the user name must not be empty");
  Account a;
  a.name = std::string(text.substr(0, colon));
  std::string_view rest = text.substr(colon + 1);
  const auto last = rest.rfind(':');
  a.role = kDefaultRole;
  if (last != std::string_view::npos) {
    const std::string_view word = rest.substr(last + 1);
    if (word == "operator" || word == "driver") {
      a.role = word == "operator" ? Role::Operator : Role::Driver;
      rest = rest.substr(0, last);
    }
  }
  if (rest.empty()) return std::string("the password of " + a.name + " must not be empty");
  a.password = std::string(rest);
  return a;
}

bool UserAccounts::check(const std::string& user, const std::string& password) const {
  // An unknown user is compared against a digest no password has in practice, so that the answer
  // takes as long as for a known one.
  static const Digest kNobody = digest("\x01no such account\x02");
  const auto it = accounts_.find(user);
  const Digest& expected = it == accounts_.end() ? kNobody : it->second.password;
  const Digest given = digest(password);
  const bool same = CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
  return same && it != accounts_.end();
}

std::optional<Role> UserAccounts::role(const std::string& user) const {
  const auto it = accounts_.find(user);
  if (it == accounts_.end()) return std::nullopt;
  return it->second.role;
}

std::optional<std::pair<std::string, std::string>> UserAccounts::basic_credentials(const std::string& header) {
  // RFC 7617: "Basic" base64(user ":" password); the user name cannot contain a colon.
  if (header.rfind("Basic ", 0) != 0) return std::nullopt;
  const auto decoded = base64_decode(std::string_view(header).substr(6));
  if (!decoded) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  return std::make_pair(decoded->substr(0, colon), decoded->substr(colon + 1));
}

std::optional<std::string> UserAccounts::basic_auth_user(const std::string& header) const {
  auto credentials = basic_credentials(header);
  if (!credentials || !check(credentials->first, credentials->second)) return std::nullopt;
  return std::move(credentials->first);
}

}  // namespace ocpp::server
