#pragma once
// A DriverBackend whose piles, users, answers and records the tests set directly, and which
// remembers each issue_code call.
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "ocpp/server/web/driver_backend.hpp"

namespace ocpp::server::web::test {

struct IssueCall {
  std::string user, charge_point_id;
  int connector_id = 0;
  std::optional<std::int64_t> energy_cap_wh;
};

class FakeBackend : public DriverBackend {
 public:
  std::map<std::string, std::string> passwords;  // user -> password
  std::map<std::string, PileInfo> piles;
  std::variant<IssuedCode, IssueError> next_issue = IssuedCode{"1234567890123456", "2026-11-25T10:00:00Z", {}};
  std::vector<IssueCall> issue_calls;
  std::map<std::string, std::vector<SettlementView>> settlements_by_user;
  std::map<std::string, std::vector<PendingCodeView>> pending_by_user;

  bool check_password(const std::string& user, const std::string& password) const override {
    const auto it = passwords.find(user);
    return it != passwords.end() && it->second == password;
  }
  std::optional<PileInfo> pile(const std::string& charge_point_id) override {
    const auto it = piles.find(charge_point_id);
    if (it == piles.end()) return std::nullopt;
    return it->second;
  }
  std::variant<IssuedCode, IssueError> issue_code(const std::string& user, const std::string& charge_point_id,
                                                  int connector_id, std::optional<std::int64_t> energy_cap_wh) override {
    issue_calls.push_back({user, charge_point_id, connector_id, energy_cap_wh});
    return next_issue;
  }
  std::vector<SettlementView> settlements(const std::string& user) override { return settlements_by_user[user]; }
  std::vector<PendingCodeView> pending_codes(const std::string& user) override { return pending_by_user[user]; }

  void add_pile(const std::string& id, bool connected, int connectors = 2, bool codes_available = true) {
    piles[id] = PileInfo{id, connected, connectors, codes_available};
  }
};

}  // namespace ocpp::server::web::test
