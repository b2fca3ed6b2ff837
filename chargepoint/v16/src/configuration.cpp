// The configuration keys over 1.6 (Core profile): §5.8 GetConfiguration and §5.3
// ChangeConfiguration, with the keys and their rules in config_keys.cpp; and §5.6 DataTransfer.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/cp/v16/config_keys.hpp"
#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

m::GetConfigurationResponse to_response(const GetResult& got) {
  m::GetConfigurationResponse res;
  std::vector<m::ConfigurationKey> known;
  for (const auto& kv : got.known) {
    m::ConfigurationKey k;
    k.key = kv.key;
    k.readonly = kv.readonly;
    if (kv.value) k.value = kv.value->substr(0, 500);
    known.push_back(std::move(k));
  }
  if (!known.empty()) res.configurationKey = std::move(known);
  if (!got.unknown.empty()) {
    std::vector<CiString<50>> unknown;
    for (const auto& u : got.unknown) unknown.emplace_back(u.substr(0, 50));
    res.unknownKey = std::move(unknown);
  }
  return res;
}

}  // namespace

void Adapter::register_configuration_handlers() {
  auto& ep = client_->rpc();
  // §5.8 GetConfiguration.
  rpc::handle<m::GetConfigurationRequest>(ep, [this](const m::GetConfigurationRequest& req) {
    std::optional<std::vector<std::string>> keys;
    if (req.key) {
      keys.emplace();
      for (const auto& k : *req.key) keys->push_back(k.str());
    }
    const GetResult got = get_configuration(settings_, keys, core_->connector_count());
    if (got.refused) throw rpc::CallErrorReply(RpcErrorCode::OccurrenceConstraintViolation, *got.refused);
    return to_response(got);
  });
  // §5.3 ChangeConfiguration.
  rpc::handle<m::ChangeConfigurationRequest>(ep, [this](const m::ChangeConfigurationRequest& req) {
    ChangePolicy policy;
    // DESIGN.md: write-only secrets travel only over an encrypted link (profile 2 or 3), unless a
    // lab allowed plaintext provisioning in the configuration file.
    policy.write_only_keys_allowed = encrypted_ || allow_plaintext_secrets_;
    std::string why;
    m::ChangeConfigurationResponse res;
    switch (change_configuration(settings_, req.key.str(), req.value.str(), policy, &why)) {
      case SetResult::Accepted: res.status = m::ChangeConfigurationStatus::Accepted; break;
      case SetResult::Rejected: res.status = m::ChangeConfigurationStatus::Rejected; break;
      case SetResult::RebootRequired: res.status = m::ChangeConfigurationStatus::RebootRequired; break;
      case SetResult::NotSupported: res.status = m::ChangeConfigurationStatus::NotSupported; break;
    }
    if (!why.empty()) log::info("v16", "ChangeConfiguration " + req.key.str() + ": " + why);
    return res;
  });
  // §5.6 DataTransfer: no vendor extensions are known.
  rpc::handle<m::DataTransferRequest>(ep, [](const m::DataTransferRequest&) {
    m::DataTransferResponse res;
    res.status = m::DataTransferStatus::UnknownVendorId;
    return res;
  });
}

}  // namespace ocpp::cp::v16
