// The demo session in OCPP 1.6J.
#include <memory>

#include "ocpp/rpc/typed.hpp"
#include "ocpp/v16/messages.hpp"
#include "session.hpp"

namespace ocpp::demo {
namespace {

v16::StatusNotificationRequest status(int connector, v16::StatusNotificationStatus s) {
  v16::StatusNotificationRequest req;
  req.connectorId = connector;
  req.errorCode = v16::ErrorCode::NoError;
  req.status = s;
  req.timestamp = DateTime::now();
  return req;
}

v16::MeterValue energy_sample(int wh, v16::Context context) {
  v16::MeterValue mv;
  mv.timestamp = DateTime::now();
  v16::SampledValue sv;
  sv.value = std::to_string(wh);
  sv.context = context;
  sv.measurand = v16::Measurand::Energy_Active_Import_Register;
  sv.unit = v16::Unit::Wh;
  mv.sampledValue.push_back(sv);
  return mv;
}

}  // namespace

void add_session_v16(Steps& steps, rpc::Endpoint& ep, const SessionOptions& o) {
  auto tx = std::make_shared<std::int32_t>(0);
  steps.add("boot", [&ep](auto next) {
    v16::BootNotificationRequest req;
    req.chargePointVendor = "OcppStack";
    req.chargePointModel = "DemoClient";
    req.firmwareVersion = std::string("demo-") + "1.6";
    rpc::call(ep, req, report<v16::BootNotificationResponse>("boot", next, [](const auto& r) {
      return "BootNotification " + std::string(to_string(r.status)) + ", heartbeat every " +
             std::to_string(r.interval) + " s";
    }));
  });
  for (int c : {0, o.connector}) {
    steps.add("status", [&ep, c](auto next) {
      rpc::call(ep, status(c, v16::StatusNotificationStatus::Available),
                report<v16::StatusNotificationResponse>("status", next, [c](const auto&) {
                  return "connector " + std::to_string(c) + " Available";
                }));
    });
  }
  steps.add("heartbeat", [&ep](auto next) {
    rpc::call(ep, v16::HeartbeatRequest{}, report<v16::HeartbeatResponse>("heartbeat", next, [](const auto& r) {
      return "CSMS time " + r.currentTime.str();
    }));
  });
  steps.add("authorize", [&ep, o](auto next) {
    v16::AuthorizeRequest req;
    req.idTag = o.id_tag;
    rpc::call(ep, req, report<v16::AuthorizeResponse>("authorize", next, [o](const auto& r) {
      return "id tag " + o.id_tag + " " + std::string(to_string(r.idTagInfo.status));
    }));
  });
  steps.add("start", [&ep, o, tx](auto next) {
    v16::StartTransactionRequest req;
    req.connectorId = o.connector;
    req.idTag = o.id_tag;
    req.meterStart = o.meter_start_wh;
    req.timestamp = DateTime::now();
    rpc::call(ep, req, report<v16::StartTransactionResponse>("start", next, [tx](const auto& r) {
      *tx = r.transactionId;
      return "transaction " + std::to_string(r.transactionId) + " started";
    }));
  });
  steps.add("status", [&ep, o](auto next) {
    rpc::call(ep, status(o.connector, v16::StatusNotificationStatus::Charging),
              report<v16::StatusNotificationResponse>("status", next, [o](const auto&) {
                return "connector " + std::to_string(o.connector) + " Charging";
              }));
  });
  for (int i = 1; i <= 3; ++i) {
    steps.add("meter", [&ep, o, tx, i](auto next) {
      v16::MeterValuesRequest req;
      req.connectorId = o.connector;
      req.transactionId = *tx;
      req.meterValue.push_back(energy_sample(o.meter_start_wh + 500 * i, v16::Context::Sample_Periodic));
      rpc::call(ep, req, report<v16::MeterValuesResponse>("meter", next, [o, i](const auto&) {
        return "energy register " + std::to_string(o.meter_start_wh + 500 * i) + " Wh";
      }));
    });
  }
  steps.add("stop", [&ep, o, tx](auto next) {
    v16::StopTransactionRequest req;
    req.transactionId = *tx;
    req.idTag = o.id_tag;
    req.meterStop = o.meter_start_wh + 2000;
    req.timestamp = DateTime::now();
    req.reason = v16::Reason::Local;
    v16::TransactionData data;
    data.timestamp = req.timestamp;
    data.sampledValue = energy_sample(req.meterStop, v16::Context::Transaction_End).sampledValue;
    req.transactionData = std::vector<v16::TransactionData>{data};
    rpc::call(ep, req, report<v16::StopTransactionResponse>("stop", next, [tx](const auto&) {
      return "transaction " + std::to_string(*tx) + " stopped after 2000 Wh";
    }));
  });
  steps.add("status", [&ep, o](auto next) {
    rpc::call(ep, status(o.connector, v16::StatusNotificationStatus::Available),
              report<v16::StatusNotificationResponse>("status", next, [o](const auto&) {
                return "connector " + std::to_string(o.connector) + " Available";
              }));
  });
}

void register_handlers_v16(rpc::Endpoint& ep) {
  rpc::handle<v16::ResetRequest>(ep, [](const v16::ResetRequest& req) {
    say("csms", std::string("Reset ") + std::string(to_string(req.type)) + " requested (the demo client does not reset)");
    v16::ResetResponse res;
    res.status = v16::ResetStatus::Accepted;
    return res;
  });
  rpc::handle<v16::GetConfigurationRequest>(ep, [](const v16::GetConfigurationRequest& req) {
    v16::GetConfigurationResponse res;
    const std::vector<std::pair<std::string, std::string>> known = {{"HeartbeatInterval", "300"},
                                                                    {"NumberOfConnectors", "1"}};
    std::vector<v16::ConfigurationKey> keys;
    std::vector<CiString<50>> unknown;
    auto wanted = [&](const std::string& k) {
      if (!req.key) return true;
      for (const auto& w : *req.key) if (w.str() == k) return true;
      return false;
    };
    for (const auto& [k, v] : known) {
      if (!wanted(k)) continue;
      v16::ConfigurationKey key;
      key.key = k;
      key.readonly = k == "NumberOfConnectors";
      key.value = v;
      keys.push_back(key);
    }
    if (req.key) {
      for (const auto& w : *req.key) {
        bool found = false;
        for (const auto& [k, v] : known) found |= w.str() == k;
        if (!found) unknown.push_back(w);
      }
    }
    res.configurationKey = keys;
    if (!unknown.empty()) res.unknownKey = unknown;
    return res;
  });
  rpc::handle<v16::ChangeConfigurationRequest>(ep, [](const v16::ChangeConfigurationRequest&) {
    v16::ChangeConfigurationResponse res;
    res.status = v16::ChangeConfigurationStatus::NotSupported;
    return res;
  });
  rpc::handle<v16::DataTransferRequest>(ep, [](const v16::DataTransferRequest&) {
    v16::DataTransferResponse res;
    res.status = v16::DataTransferStatus::UnknownVendorId;
    return res;
  });
  rpc::handle<v16::ChangeAvailabilityRequest>(ep, [](const v16::ChangeAvailabilityRequest&) {
    v16::ChangeAvailabilityResponse res;
    res.status = v16::ChangeAvailabilityStatus::Accepted;
    return res;
  });
  rpc::handle<v16::TriggerMessageRequest>(ep, [&ep](const v16::TriggerMessageRequest& req) {
    v16::TriggerMessageResponse res;
    res.status = v16::TriggerMessageStatus::NotImplemented;
    if (req.requestedMessage == v16::RequestedMessage::Heartbeat) {
      res.status = v16::TriggerMessageStatus::Accepted;
      // 1.6 §5.17: the triggered message follows the response.
      rpc::call(ep, v16::HeartbeatRequest{});
    }
    return res;
  });
  rpc::handle<v16::RemoteStartTransactionRequest>(ep, [](const v16::RemoteStartTransactionRequest&) {
    v16::RemoteStartTransactionResponse res;
    res.status = v16::RemoteStartTransactionStatus::Rejected;
    return res;
  });
}

}  // namespace ocpp::demo
