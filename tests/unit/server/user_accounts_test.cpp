// The accounts of the reference CSMS (`--user NAME:PASSWORD[:operator|driver]`, docs/reference-csms.md
// "Roles"): the option's syntax, the default role, and the password check.
#include <gtest/gtest.h>

#include "ocpp/common/base64.hpp"
#include "ocpp/server/user_accounts.hpp"

namespace ocpp::server {
namespace {

Account parsed(const std::string& option) {
  auto out = UserAccounts::parse_option(option);
  if (const auto* problem = std::get_if<std::string>(&out)) throw std::runtime_error(*problem);
  return std::get<Account>(out);
}

std::string refusal(const std::string& option) {
  auto out = UserAccounts::parse_option(option);
  return std::holds_alternative<std::string>(out) ? std::get<std::string>(out) : std::string("accepted");
}

TEST(UserAccountsTest, TheOptionNamesARoleOrLeavesTheOperatorDefault) {
  const Account driver = parsed("alice:s3cret:driver");
  EXPECT_EQ(driver.name, "alice");
  EXPECT_EQ(driver.password, "s3cret");
  EXPECT_EQ(driver.role, Role::Driver);
  EXPECT_EQ(parsed("olga:pw:operator").role, Role::Operator);
  // `--user demo:demo` keeps every right it had before roles existed.
  const Account demo = parsed("demo:demo");
  EXPECT_EQ(demo.password, "demo");
  EXPECT_EQ(demo.role, Role::Operator);
  EXPECT_EQ(UserAccounts::kDefaultRole, Role::Operator);
  // A password may hold colons; only a last part that is a role's name is taken as one.
  EXPECT_EQ(parsed("bob:a:b:c").password, "a:b:c");
  EXPECT_EQ(parsed("bob:a:b:driver").password, "a:b");
  EXPECT_EQ(parsed("bob:a:b:driver").role, Role::Driver);
}

TEST(UserAccountsTest, AnIncompleteOptionIsRefusedWithWhy) {
  EXPECT_EQ(refusal("alice"), "expected NAME:PASSWORD[:operator|driver]");
  EXPECT_EQ(refusal(":pw"), "the user name must not be empty");
  EXPECT_EQ(refusal("alice:"), "the password of alice must not be empty");
  EXPECT_EQ(refusal("alice::driver"), "the password of alice must not be empty");
}

TEST(UserAccountsTest, PasswordsAndRolesAreCheckedPerAccount) {
  UserAccounts users({{"alice", Account{"alice", "s3cret", Role::Driver}}, {"olga", Account{"olga", "op", Role::Operator}}});
  EXPECT_TRUE(users.check("alice", "s3cret"));
  EXPECT_FALSE(users.check("alice", "s3cre"));
  EXPECT_FALSE(users.check("alice", "s3cret "));
  EXPECT_FALSE(users.check("alice", ""));
  EXPECT_FALSE(users.check("mallory", "s3cret"));
  EXPECT_FALSE(users.check("mallory", ""));
  EXPECT_EQ(users.role("alice"), std::optional<Role>(Role::Driver));
  EXPECT_EQ(users.role("olga"), std::optional<Role>(Role::Operator));
  EXPECT_FALSE(users.role("mallory"));
}

TEST(UserAccountsTest, BasicCredentialsAreSplitAtTheFirstColon) {
  UserAccounts users(std::map<std::string, std::string>{{"alice", "pa:ss"}});
  const std::string header = "Basic " + base64_encode("alice:pa:ss");
  const auto credentials = UserAccounts::basic_credentials(header);
  ASSERT_TRUE(credentials);
  EXPECT_EQ(credentials->first, "alice");
  EXPECT_EQ(credentials->second, "pa:ss");
  EXPECT_EQ(users.basic_auth_user(header), std::optional<std::string>("alice"));
  EXPECT_EQ(users.role("alice"), std::optional<Role>(Role::Operator));
  EXPECT_FALSE(UserAccounts::basic_credentials("Bearer x"));
  EXPECT_FALSE(UserAccounts::basic_credentials("Basic " + base64_encode("no colon")));
  EXPECT_FALSE(users.basic_auth_user("Basic " + base64_encode("alice:wrong")));
}

}  // namespace
}  // namespace ocpp::server
