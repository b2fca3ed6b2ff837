#pragma once
// The driver's pages (server/web) over the server side: implements web::DriverBackend with the
// OfflineCodeService, the CSMS's piles and its user accounts.
#include "ocpp/server/offline_code_service.hpp"
#include "ocpp/server/pile_directory.hpp"
#include "ocpp/server/user_accounts.hpp"
#include "ocpp/server/web/driver_backend.hpp"

namespace ocpp::server {

class OfflineCodeDriverBackend final : public web::DriverBackend {
 public:
  OfflineCodeDriverBackend(OfflineCodeService& service, PileDirectory& piles, const UserAccounts& users,
                           const Clock& clock)
      : service_(service), piles_(piles), users_(users), clock_(clock) {}

  bool check_password(const std::string& user, const std::string& password) const override;
  std::optional<web::PileInfo> pile(const std::string& charge_point_id) override;
  // Reasons as DriverBackend names them; besides those, "bad_request" for a cap below 500 Wh. When
  // the server has no master secret, "no_key" with a message saying so.
  std::variant<web::IssuedCode, web::IssueError> issue_code(const std::string& user, const std::string& charge_point_id,
                                                           int connector_id,
                                                           std::optional<std::int64_t> energy_cap_wh) override;
  // Newest first.
  std::vector<web::SettlementView> settlements(const std::string& user) override;
  // Codes of the user not settled yet: unexpired ones, and expired ones already used by a session
  // that has not been reported as ended. Newest first.
  std::vector<web::PendingCodeView> pending_codes(const std::string& user) override;

 private:
  OfflineCodeService& service_;
  PileDirectory& piles_;
  const UserAccounts& users_;
  const Clock& clock_;
};

}  // namespace ocpp::server
