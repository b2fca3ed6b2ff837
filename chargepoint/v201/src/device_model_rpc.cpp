// B05-B08 over the device model (chargepoint/v201/device_model): GetVariables, SetVariables,
// GetBaseReport and GetReport with their NotifyReport messages; A01 BasicAuthPassword. The values
// the device model cannot hold (availability, clock, counts) are read from the core here.
#include "ocpp/common/log.hpp"
#include "ocpp/cp/local_auth_list.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/cp/v201/device_model.hpp"
#include "ocpp/rpc/typed.hpp"

#include "live.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

void Adapter::register_device_model_handlers() {
  live_ = std::make_unique<Live>(*this);
  device_model_ = std::make_unique<DeviceModel>(settings_, topology_, *live_);
  auto& ep = client_->rpc();
  rpc::handle<m::GetVariablesRequest>(ep, [this](const m::GetVariablesRequest& req) {
    return device_model_->get_variables(req);
  });
  rpc::handle<m::SetVariablesRequest>(ep, [this](const m::SetVariablesRequest& req) {
    SetPolicy policy;
    // DESIGN.md: write-only secrets travel only over an encrypted link (profile 2 or 3), unless a
    // lab allowed plaintext provisioning in the configuration file.
    policy.secrets_allowed = encrypted() || allow_plaintext_secrets_;
    return device_model_->set_variables(req, policy);
  });
  // B07/B08: the answer first, then the NotifyReport messages (B07.FR.?: seqNo, tbc).
  auto send_reports = [this](std::vector<m::NotifyReportRequest> messages) {
    auto alive = alive_;
    loop_.post([this, alive, messages = std::move(messages)] {
      if (!*alive) return;
      for (const auto& n : messages) rpc::call(client_->rpc(), n);
    });
  };
  rpc::handle<m::GetBaseReportRequest>(ep, [this, send_reports](const m::GetBaseReportRequest& req) {
    auto report = device_model_->get_base_report(req);
    send_reports(std::move(report.messages));
    return report.response;
  });
  rpc::handle<m::GetReportRequest>(ep, [this, send_reports](const m::GetReportRequest& req) {
    auto report = device_model_->get_report(req);
    send_reports(std::move(report.messages));
    return report.response;
  });
  // A01.FR.?: a new BasicAuthPassword is used at once: the station reconnects with it (after the
  // SetVariables answer has gone out).
  settings_.on_change([this](std::string_view name, const std::string& value) {
    if (name != "basic_auth_password") return;
    client_->socket().set_basic_auth_password(value);
    auto alive = alive_;
    // A moment later, so that the SetVariables answer leaves on the old connection first.
    loop_.schedule_after(std::chrono::seconds(1), [this, alive] {
      if (!*alive) return;
      log::info("v201", "BasicAuthPassword changed by the CSMS: reconnecting with it");
      client_->socket().drop_connection("new BasicAuthPassword");
    });
  });
}

}  // namespace ocpp::cp::v201
