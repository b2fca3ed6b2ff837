#pragma once
// The accounts of the reference CSMS (`--user NAME:PASSWORD[:operator|driver]`): drivers and
// operators log in with them, to the HTTP API (HTTP Basic) and to the driver's pages (a form).
// A driver gets codes and sees his own settlements; an operator may also call piles and read
// every pile, transaction, settlement and security event (docs/reference-csms.md "Roles").
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ocpp::server {

enum class Role { Operator, Driver };
std::string_view role_name(Role role);  // "operator", "driver"

struct Account {
  std::string name;
  std::string password;
  Role role = Role::Operator;
};

class UserAccounts {
 public:
  // An account whose option names no role: an operator, so that `--user NAME:PASSWORD` keeps the
  // rights every account had before roles existed.
  static constexpr Role kDefaultRole = Role::Operator;

  UserAccounts() = default;
  explicit UserAccounts(const std::map<std::string, Account>& accounts);
  // Every one an operator.
  explicit UserAccounts(const std::map<std::string, std::string>& passwords);

  // "NAME:PASSWORD[:operator|driver]": the role is the text after the last ':' when it is one of
  // the two words, else the password runs to the end (it may hold colons). A sentence saying what
  // is wrong otherwise.
  static std::variant<Account, std::string> parse_option(std::string_view text);

  bool empty() const { return accounts_.empty(); }
  // Constant time in the password's content and length, and whether the user exists: fixed-size
  // digests are compared, against a stand-in for an unknown user.
  bool check(const std::string& user, const std::string& password) const;
  std::optional<Role> role(const std::string& user) const;

  // `Authorization: Basic base64(user:password)` (RFC 7617) split at the first colon, unchecked.
  static std::optional<std::pair<std::string, std::string>> basic_credentials(const std::string& header);
  // The user of an `Authorization: Basic ...` header value whose credentials check; nullopt otherwise.
  std::optional<std::string> basic_auth_user(const std::string& authorization_header) const;

 private:
  using Digest = std::array<std::uint8_t, 32>;
  struct Entry {
    Digest password;
    Role role;
  };
  static Digest digest(std::string_view text);

  std::map<std::string, Entry, std::less<>> accounts_;
};

}  // namespace ocpp::server
