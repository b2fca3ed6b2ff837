#pragma once
// The core's IdAuthorization port, served by the authorization chain (Authorizer, local list,
// cache), steered by the settings that are its configuration keys.
#include "ocpp/cp/authorization.hpp"
#include "ocpp/cp/ports.hpp"
#include "ocpp/cp/settings.hpp"

namespace ocpp::cp {

class ChainAuthorization final : public IdAuthorization {
 public:
  ChainAuthorization(Authorizer& authorizer, LocalAuthList& list, AuthCache& cache, Settings& settings,
                     const Clock& clock, CsmsLink& csms);
  void authorize(ConnectorId connector, const std::string& id, IdSource source,
                 std::function<void(const AuthDecision&)> done) override;
  bool remember(const std::string& id_tag, const IdTagInfo& info, IdSource source = IdSource::Rfid) override;
  bool may_stop(const std::string& owner, const std::string& other) override;
  void session_abandoned(ConnectorId connector, const std::string& id, IdSource source) override {
    if (source == IdSource::Keypad) authorizer_.release_unused_code(connector, id);
  }

 private:
  void apply_settings();
  std::optional<std::string> parent_of(const std::string& id_tag);

  Authorizer& authorizer_;
  LocalAuthList& list_;
  AuthCache& cache_;
  Settings& settings_;
  const Clock& clock_;
  CsmsLink& csms_;
};

}  // namespace ocpp::cp
