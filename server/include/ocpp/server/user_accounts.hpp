#pragma once
// The accounts of the reference CSMS (`--user NAME:PASSWORD`): drivers and operators log in with
// them, to the HTTP API (HTTP Basic) and to the driver's pages (a form).
#include <map>
#include <optional>
#include <string>

namespace ocpp::server {

class UserAccounts {
 public:
  UserAccounts() = default;
  explicit UserAccounts(std::map<std::string, std::string> passwords) : passwords_(std::move(passwords)) {}

  bool empty() const { return passwords_.empty(); }
  // The password is compared in constant time, so its length and content do not leak by timing.
  bool check(const std::string& user, const std::string& password) const;
  // The user of an `Authorization: Basic ...` header value whose credentials check; nullopt otherwise.
  std::optional<std::string> basic_auth_user(const std::string& authorization_header) const;

 private:
  std::map<std::string, std::string> passwords_;
};

}  // namespace ocpp::server
