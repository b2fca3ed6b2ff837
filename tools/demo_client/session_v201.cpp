// The demo session in OCPP 2.0.1.
#include <memory>

#include "ocpp/rpc/typed.hpp"
#include "ocpp/v201/messages.hpp"
#include "session.hpp"

namespace ocpp::demo {
namespace {

v201::StatusNotificationRequest status(int evse, v201::ConnectorStatusEnumType s) {
  v201::StatusNotificationRequest req;
  req.evseId = evse;
  req.connectorId = 1;
  req.connectorStatus = s;
  req.timestamp = DateTime::now();
  return req;
}

v201::MeterValueType energy_sample(int wh, v201::ReadingContextEnumType context) {
  v201::MeterValueType mv;
  mv.timestamp = DateTime::now();
  v201::SampledValueType sv;
  sv.value = wh;
  sv.context = context;
  sv.measurand = v201::MeasurandEnumType::Energy_Active_Import_Register;
  mv.sampledValue.push_back(sv);
  return mv;
}

struct Transaction {
  std::string id;
  int seq_no = 0;
};

v201::TransactionEventRequest event(const SessionOptions& o, Transaction& tx, v201::TransactionEventEnumType type,
                                    v201::TriggerReasonEnumType trigger) {
  v201::TransactionEventRequest req;
  req.eventType = type;
  req.timestamp = DateTime::now();
  req.triggerReason = trigger;
  // E01.FR.15 / E02: seqNo counts every TransactionEvent of the transaction from 0.
  req.seqNo = tx.seq_no++;
  req.transactionInfo.transactionId = tx.id;
  v201::EVSEType evse;
  evse.id = o.connector;
  evse.connectorId = 1;
  req.evse = evse;
  return req;
}

}  // namespace

void add_session_v201(Steps& steps, rpc::Endpoint& ep, const SessionOptions& o) {
  auto tx = std::make_shared<Transaction>();
  tx->id = "demo-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count());
  steps.add("boot", [&ep](auto next) {
    v201::BootNotificationRequest req;
    req.reason = v201::BootReasonEnumType::PowerUp;
    req.chargingStation.vendorName = "OcppStack";
    req.chargingStation.model = "DemoClient";
    req.chargingStation.firmwareVersion = std::string("demo-2.0.1");
    rpc::call(ep, req, report<v201::BootNotificationResponse>("boot", next, [](const auto& r) {
      return "BootNotification " + std::string(to_string(r.status)) + ", heartbeat every " +
             std::to_string(r.interval) + " s";
    }));
  });
  steps.add("status", [&ep, o](auto next) {
    rpc::call(ep, status(o.connector, v201::ConnectorStatusEnumType::Available),
              report<v201::StatusNotificationResponse>("status", next, [o](const auto&) {
                return "EVSE " + std::to_string(o.connector) + " connector 1 Available";
              }));
  });
  steps.add("heartbeat", [&ep](auto next) {
    rpc::call(ep, v201::HeartbeatRequest{}, report<v201::HeartbeatResponse>("heartbeat", next, [](const auto& r) {
      return "CSMS time " + r.currentTime.str();
    }));
  });
  steps.add("authorize", [&ep, o](auto next) {
    v201::AuthorizeRequest req;
    req.idToken.idToken = o.id_tag;
    req.idToken.type = v201::IdTokenEnumType::ISO14443;
    rpc::call(ep, req, report<v201::AuthorizeResponse>("authorize", next, [o](const auto& r) {
      return "id token " + o.id_tag + " " + std::string(to_string(r.idTokenInfo.status));
    }));
  });
  steps.add("start", [&ep, o, tx](auto next) {
    auto req = event(o, *tx, v201::TransactionEventEnumType::Started, v201::TriggerReasonEnumType::Authorized);
    v201::IdTokenType token;
    token.idToken = o.id_tag;
    token.type = v201::IdTokenEnumType::ISO14443;
    req.idToken = token;
    req.transactionInfo.chargingState = v201::ChargingStateEnumType::Charging;
    req.meterValue = std::vector<v201::MeterValueType>{
        energy_sample(o.meter_start_wh, v201::ReadingContextEnumType::Transaction_Begin)};
    rpc::call(ep, req, report<v201::TransactionEventResponse>("start", next, [tx](const auto&) {
      return "transaction " + tx->id + " started";
    }));
  });
  for (int i = 1; i <= 3; ++i) {
    steps.add("meter", [&ep, o, tx, i](auto next) {
      auto req = event(o, *tx, v201::TransactionEventEnumType::Updated, v201::TriggerReasonEnumType::MeterValuePeriodic);
      req.meterValue = std::vector<v201::MeterValueType>{
          energy_sample(o.meter_start_wh + 500 * i, v201::ReadingContextEnumType::Sample_Periodic)};
      rpc::call(ep, req, report<v201::TransactionEventResponse>("meter", next, [o, i](const auto&) {
        return "energy register " + std::to_string(o.meter_start_wh + 500 * i) + " Wh";
      }));
    });
  }
  steps.add("stop", [&ep, o, tx](auto next) {
    auto req = event(o, *tx, v201::TransactionEventEnumType::Ended, v201::TriggerReasonEnumType::StopAuthorized);
    req.transactionInfo.stoppedReason = v201::ReasonEnumType::Local;
    req.meterValue = std::vector<v201::MeterValueType>{
        energy_sample(o.meter_start_wh + 2000, v201::ReadingContextEnumType::Transaction_End)};
    rpc::call(ep, req, report<v201::TransactionEventResponse>("stop", next, [tx](const auto&) {
      return "transaction " + tx->id + " ended after 2000 Wh";
    }));
  });
}

void register_handlers_v201(rpc::Endpoint& ep) {
  rpc::handle<v201::ResetRequest>(ep, [](const v201::ResetRequest& req) {
    say("csms", "Reset " + std::string(to_string(req.type)) + " requested (the demo client does not reset)");
    v201::ResetResponse res;
    res.status = v201::ResetStatusEnumType::Accepted;
    return res;
  });
  rpc::handle<v201::GetVariablesRequest>(ep, [](const v201::GetVariablesRequest& req) {
    v201::GetVariablesResponse res;
    for (const auto& d : req.getVariableData) {
      v201::GetVariableResultType r;
      r.component = d.component;
      r.variable = d.variable;
      if (d.component.name.str() == "OCPPCommCtrlr" && d.variable.name.str() == "HeartbeatInterval") {
        r.attributeStatus = v201::GetVariableStatusEnumType::Accepted;
        r.attributeValue = std::string("300");
      } else {
        r.attributeStatus = v201::GetVariableStatusEnumType::UnknownComponent;
      }
      res.getVariableResult.push_back(r);
    }
    return res;
  });
  rpc::handle<v201::SetVariablesRequest>(ep, [](const v201::SetVariablesRequest& req) {
    v201::SetVariablesResponse res;
    for (const auto& d : req.setVariableData) {
      v201::SetVariableResultType r;
      r.component = d.component;
      r.variable = d.variable;
      r.attributeStatus = v201::SetVariableStatusEnumType::UnknownComponent;
      res.setVariableResult.push_back(r);
    }
    return res;
  });
  rpc::handle<v201::DataTransferRequest>(ep, [](const v201::DataTransferRequest&) {
    v201::DataTransferResponse res;
    res.status = v201::DataTransferStatusEnumType::UnknownVendorId;
    return res;
  });
  rpc::handle<v201::ChangeAvailabilityRequest>(ep, [](const v201::ChangeAvailabilityRequest&) {
    v201::ChangeAvailabilityResponse res;
    res.status = v201::ChangeAvailabilityStatusEnumType::Accepted;
    return res;
  });
  rpc::handle<v201::TriggerMessageRequest>(ep, [&ep](const v201::TriggerMessageRequest& req) {
    v201::TriggerMessageResponse res;
    res.status = v201::TriggerMessageStatusEnumType::NotImplemented;
    if (req.requestedMessage == v201::MessageTriggerEnumType::Heartbeat) {
      res.status = v201::TriggerMessageStatusEnumType::Accepted;
      rpc::call(ep, v201::HeartbeatRequest{});
    }
    return res;
  });
  rpc::handle<v201::RequestStartTransactionRequest>(ep, [](const v201::RequestStartTransactionRequest&) {
    v201::RequestStartTransactionResponse res;
    res.status = v201::RequestStartStopStatusEnumType::Rejected;
    return res;
  });
}

}  // namespace ocpp::demo
