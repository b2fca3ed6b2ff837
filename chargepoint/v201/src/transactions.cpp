// E01-E14: the outbox sent in order as TransactionEvent (and MeterValues outside transactions, J01),
// each event rendered only now from its transaction's record (principle 3), with the seqNo and the
// offline flag the core stored with it; E13 retries; E14 GetTransactionStatus.
#include <cmath>

#include "conversions.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v201/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v201 {

namespace m = ocpp::v201;

namespace {

// The parts every TransactionEvent of a stored event shares.
m::TransactionEventRequest event_base(const OutboxEvent& event, m::TransactionEventEnumType type, SystemTime at) {
  m::TransactionEventRequest req;
  req.eventType = type;
  req.timestamp = DateTime(at);
  req.seqNo = static_cast<std::int32_t>(event.seq_no.value_or(0));
  // E04.FR.?: an event that happened while offline says so, so the CSMS does not take it as live.
  if (event.offline) req.offline = true;
  req.transactionInfo.transactionId = event.station_transaction_id.value_or("");
  return req;
}

m::TriggerReasonEnumType trigger_of_sample(const std::string& context) {
  if (context == "Sample.Clock") return m::TriggerReasonEnumType::MeterValueClock;
  if (context == "Trigger") return m::TriggerReasonEnumType::Trigger;
  return m::TriggerReasonEnumType::MeterValuePeriodic;
}

bool has_energy(const std::vector<MeterSample>& data) {
  for (const auto& s : data) {
    for (const auto& v : s.values) {
      if (v.measurand == "Energy.Active.Import.Register" && !v.phase) return true;
    }
  }
  return false;
}

}  // namespace

void Adapter::pump() {
  if (!online() || retry_.holding() || core_ == nullptr) return;
  send_event();
  if (!retry_.sending() && (reset_ || reset_when_idle_)) reset_progress();  // a waiting Reset may go on
}

void Adapter::send_event() {
  const auto event = core_->outbox().front();
  if (!event) return;
  retry_.begin();
  const std::int64_t seq = event->seq;
  const int attempts = event->attempts;
  const bool meter = event->kind == OutboxKind::Meter;
  auto alive = alive_;
  auto finish = [this, alive, seq, attempts, meter](const auto& r) {
    if (!*alive) return;
    event_done(seq, meter, r.status, r.error_code + " " + r.error_description, attempts);
  };
  try {
    std::optional<std::pair<int, int>> where;
    m::TransactionEventRequest req;
    switch (event->kind) {
      case OutboxKind::Start: {
        const StartEvent e = decode_start(event->payload);
        where = topology_.located(e.connector);
        req = event_base(*event, m::TransactionEventEnumType::Started, e.at);
        req.triggerReason = trigger_of(e.milestone);
        req.transactionInfo.chargingState = to_v201(e.charging_state);
        req.transactionInfo.remoteStartId = e.remote_start_id;
        req.reservationId = e.reservation_id;  // H03: the reservation this transaction used
        // E01.FR.16: the EVSE and connector in the first event of the transaction only; C01: the
        // idToken in the first event after authorization (NoAuthorization is "").
        if (where) req.evse = m::EVSEType{{}, where->first, where->second};
        // A transaction begun at the cable (TxStartPoint EVConnected) has no id yet: it comes in
        // the Updated event of its authorization.
        if (!e.id_tag.empty() || e.id_token_type == "NoAuthorization") {
          req.idToken = id_token(e.id_token_type == "NoAuthorization" ? "" : e.id_tag, e.id_token_type);
        }
        std::vector<m::MeterValueType> values;
        for (const auto& s : e.data) {
          if (!s.values.empty()) values.push_back(to_v201(s));
        }
        if (!values.empty()) req.meterValue = std::move(values);
        const std::int64_t pk = *event->transaction_pk;
        const std::string id_tag = e.id_tag;
        const std::string station_id = req.transactionInfo.transactionId.str();
        rpc::call(client_->rpc(), req,
                  [this, alive, finish, pk, id_tag, station_id](rpc::Typed<m::TransactionEventResponse>& r) {
                    if (!*alive) return;
                    // C01/E05: the CSMS judges the idToken of the start; a refusal may stop the
                    // transaction (TxCtrlr.StopTxOnInvalidId) as 1.6 StartTransaction.conf does.
                    if (r.ok()) {
                      IdTagInfo info;
                      info.status = AuthorizationStatus::Accepted;
                      if (r.response->idTokenInfo) info = from_v201(*r.response->idTokenInfo);
                      try {
                        core_->start_confirmed(pk, station_id, info);
                      } catch (const db::DbError& failure) {
                        // The verdict is not lost for good: the cache learns at the next answer,
                        // and the transaction's id is the station's own already.
                        core_->outbox().count_failure();
                        log::error("v201", "the CSMS's verdict on transaction " + station_id +
                                               " cannot be stored: " + std::string(failure.what()));
                      }
                    }
                    finish(r);
                  });
        return;
      }
      case OutboxKind::Update: {
        const UpdateEvent e = decode_update(event->payload);
        req = event_base(*event, m::TransactionEventEnumType::Updated, e.at);
        req.triggerReason = trigger_of(e.milestone);
        req.transactionInfo.chargingState = to_v201(e.charging_state);
        // C01: the idToken in the first event after authorization; E06: a driver's stop that
        // leaves the transaction open (TxStopPoint without Authorized) is StopAuthorized or
        // RemoteStop now, and the Ended event follows at the next stop point.
        if (e.id_tag) req.idToken = id_token(*e.id_tag, e.id_token_type);
        if (e.remote_start_id) req.transactionInfo.remoteStartId = e.remote_start_id;
        if (e.milestone == Milestone::Deauthorized && e.reason) req.triggerReason = trigger_of(*e.reason);
        rpc::call(client_->rpc(), req, [finish](rpc::Typed<m::TransactionEventResponse>& r) { finish(r); });
        return;
      }
      case OutboxKind::Meter: {
        const MeterEvent e = decode_meter(event->payload);
        if (!event->transaction_pk) {
          // J01: meter values outside a transaction (clock-aligned, or triggered).
          m::MeterValuesRequest mv;
          where = topology_.located(e.connector);
          mv.evseId = where ? where->first : 0;
          mv.meterValue.push_back(to_v201(e.sample));
          rpc::call(client_->rpc(), mv, [finish](rpc::Typed<m::MeterValuesResponse>& r) { finish(r); });
          return;
        }
        // E02: meter values of a transaction are TransactionEvent Updated.
        req = event_base(*event, m::TransactionEventEnumType::Updated, e.sample.at);
        req.triggerReason = trigger_of_sample(e.sample.context);
        req.meterValue = std::vector<m::MeterValueType>{to_v201(e.sample)};
        rpc::call(client_->rpc(), req, [finish](rpc::Typed<m::TransactionEventResponse>& r) { finish(r); });
        return;
      }
      case OutboxKind::Stop: {
        const StopEvent e = decode_stop(event->payload);
        req = event_base(*event, m::TransactionEventEnumType::Ended, e.at);
        req.triggerReason = trigger_of(e.reason);
        req.transactionInfo.stoppedReason = to_v201(e.reason);
        // E06: the idToken that ended it, when one did (a stop button or the CSMS sends none).
        if (e.id_tag) {
          const auto record = event->transaction_pk ? core_->transactions().get(*event->transaction_pk) : std::nullopt;
          req.idToken = id_token(*e.id_tag, record && *e.id_tag == record->id_tag ? record->id_token_type : "ISO14443");
        }
        std::vector<m::MeterValueType> values;
        for (const auto& s : e.data) {
          if (!s.values.empty()) values.push_back(to_v201(s));
        }
        // The CSMS bills from the register in Ended: it is there even when TxEndedMeasurands
        // names nothing.
        if (!has_energy(e.data)) {
          values.push_back(to_v201(MeterSample{
              e.at, "Transaction.End", {SampledValue{"Energy.Active.Import.Register", e.meter_stop_wh, "Wh", {}}}}));
        }
        req.meterValue = std::move(values);
        rpc::call(client_->rpc(), req, [finish](rpc::Typed<m::TransactionEventResponse>& r) { finish(r); });
        return;
      }
    }
  } catch (const db::DbError& e) {
    retry_.storage_failed(seq, e.what());
  } catch (const std::exception& e) {
    // A row that cannot be rendered is a bug or corruption; it must not block the queue forever.
    log::error("v201", "outbox event " + std::to_string(seq) + " cannot be rendered (" + e.what() +
                           "); discarded, kept in the database");
    retry_.end();
    core_->outbox().discard(seq, std::string("cannot be rendered: ") + e.what());
    pump();
  }
}

// E13: what the answer (or its absence) does to the event: OutboxRetry's rule, for both versions.
void Adapter::event_done(std::int64_t seq, bool meter, rpc::CallOutcome::Status status, const std::string& why,
                         int attempts) {
  using S = rpc::CallOutcome::Status;
  using O = OutboxRetry::Outcome;
  const O outcome = status == S::Result         ? O::Delivered
                    : status == S::Timeout      ? O::Unanswered  // E13.FR.01: no answer within MessageTimeout
                    : status == S::Disconnected ? O::LinkLost
                                                : O::Refused;
  retry_.settle(seq, meter, attempts, outcome, why);
}

void Adapter::register_transaction_handlers() {
  // E14 GetTransactionStatus: whether the transaction runs, and whether messages of it (or any,
  // without an id) are still waiting to be delivered.
  rpc::handle<m::GetTransactionStatusRequest>(client_->rpc(), [this](const m::GetTransactionStatusRequest& req) {
    m::GetTransactionStatusResponse res;
    if (!req.transactionId) {
      res.messagesInQueue = core_->outbox().size() > 0;
      return res;
    }
    const auto record = core_->transactions().find_by_station_id(req.transactionId->str());
    if (!record) {
      res.messagesInQueue = false;
      return res;
    }
    res.ongoingIndicator = record->open();
    auto st = core_->store().db().prepare(
        "SELECT COUNT(*) FROM outbox WHERE transaction_pk=?1 AND discarded_at IS NULL");
    st.bind(1, record->pk);
    st.step();
    res.messagesInQueue = st.int64(0) > 0;
    return res;
  });
}

}  // namespace ocpp::cp::v201
