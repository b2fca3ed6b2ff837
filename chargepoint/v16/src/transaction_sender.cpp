// The outbox, sent in order (1.6 §3.7: transaction-related messages in the order they happened;
// other messages may overtake them), each event rendered into its 1.6 message only now, from the
// transaction's current record, so a transactionId that arrived late is in every later message.
// One function per kind of event: §4.8 StartTransaction, §4.7 MeterValues, §4.10 StopTransaction;
// event_done() is what every answer (or its absence) does to the event.
#include <cmath>

#include "conversions.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/cp/v16/adapter.hpp"
#include "ocpp/rpc/typed.hpp"

namespace ocpp::cp::v16 {

namespace m = ocpp::v16;

namespace {

// The transactionId the CSMS assigned to the event's transaction, read with the event (send time).
std::optional<std::int32_t> csms_id_of(const OutboxEvent& event) {
  if (!event.csms_transaction_id) return std::nullopt;
  try {
    return std::stoi(*event.csms_transaction_id);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// Why a CALL did not deliver its event, for the log and the discard reason.
template <class Response>
std::string why_of(const rpc::Typed<Response>& r) {
  return r.error_code + " " + r.error_description;
}

m::StartTransactionRequest start_request(const StartEvent& e) {
  m::StartTransactionRequest req;
  req.connectorId = e.connector;
  req.idTag = e.id_tag.substr(0, 20);
  req.meterStart = static_cast<std::int32_t>(std::llround(e.meter_start_wh));
  req.reservationId = e.reservation_id;  // §5.13: the reservation this transaction used
  req.timestamp = DateTime(e.at);
  return req;
}

m::StopTransactionRequest stop_request(const StopEvent& e, std::int32_t transaction_id) {
  m::StopTransactionRequest req;
  req.transactionId = transaction_id;
  req.meterStop = static_cast<std::int32_t>(std::llround(e.meter_stop_wh));
  req.timestamp = DateTime(e.at);
  req.reason = to_v16(e.reason);
  if (e.id_tag) req.idTag = e.id_tag->substr(0, 20);
  // 1.6 §7.31: a MeterValue carries one or more sampled values. The core records the
  // begin and end snapshots whatever StopTxnSampledData names; with nothing named they
  // are empty and stay out of the message.
  std::vector<m::TransactionData> data;
  for (const auto& s : e.data) {
    if (!s.values.empty()) data.push_back(to_v16(s));
  }
  if (!data.empty()) req.transactionData = std::move(data);
  return req;
}

}  // namespace

void Adapter::pump() {
  if (!online() || retry_.holding() || core_ == nullptr) return;
  send_event();
  if (!retry_.sending() && reset_) reset_progress();  // nothing (more) to send: a waiting Reset may go on
}

void Adapter::send_event() {
  const auto event = core_->outbox().front();
  if (!event) return;
  retry_.begin();
  try {
    switch (event->kind) {
      case OutboxKind::Start: send_start(*event); return;
      case OutboxKind::Meter: send_meter(*event); return;
      case OutboxKind::Update: skip_update(*event); return;
      case OutboxKind::Stop: send_stop(*event); return;
    }
  } catch (const db::DbError& e) {
    retry_.storage_failed(event->seq, e.what());
  } catch (const std::exception& e) {
    // A row that cannot be rendered is a bug or corruption; it must not block the queue forever.
    const std::int64_t seq = event->seq;
    log::error("v16", "outbox event " + std::to_string(seq) + " cannot be rendered (" + e.what() +
                          "); discarded, kept in the database");
    retry_.end();
    core_->outbox().discard(seq, std::string("cannot be rendered: ") + e.what());
    pump();
  }
}

// §4.8 StartTransaction.
void Adapter::send_start(const OutboxEvent& event) {
  const StartEvent e = decode_start(event.payload);
  const m::StartTransactionRequest req = start_request(e);
  const std::int64_t pk = *event.transaction_pk;
  const std::int64_t seq = event.seq;
  if (csms_id_of(event)) {
    // Already confirmed (the answer arrived but the process stopped before the event left
    // the queue): asking again would give the transaction a second id.
    retry_.end();
    core_->outbox().remove(seq);
    pump();
    return;
  }
  auto alive = alive_;
  rpc::call(client_->rpc(), req,
            [this, alive, pk, seq, attempts = event.attempts](rpc::Typed<m::StartTransactionResponse>& r) {
              if (!*alive) return;
              if (r.ok()) {
                const PendingConfirm confirm{pk, seq, std::to_string(r.response->transactionId),
                                             from_v16(r.response->idTagInfo)};
                if (!commit_confirm(confirm)) return;  // kept, committed later: the queue waits for it
              }
              event_done(seq, attempts, false, r.status, why_of(r));
            });
}

// The CSMS's id and the end of the start event commit together: a crash in between must not make
// the pile ask for a second id. A commit that fails (a full disk, a store held by another writer)
// keeps the id in memory and is tried again until it holds; meanwhile nothing else is sent, since
// every later message of the transaction needs the id. Issue 14: a failure here used to leave the
// queue stalled until a restart.
bool Adapter::commit_confirm(const PendingConfirm& confirm) {
  try {
    core_->store().db().transaction([&] {
      core_->start_confirmed(confirm.pk, confirm.csms_id, confirm.info);
      core_->outbox().remove(confirm.seq);
    });
    return true;
  } catch (const db::DbError& e) {
    core_->outbox().count_failure();
    log::error("v16", "transactionId " + confirm.csms_id + " of transaction " + std::to_string(confirm.pk) +
                          " cannot be stored (" + e.what() + "); kept in memory, trying again in " +
                          std::to_string(OutboxRetry::kStorageRetry.count()) + " s");
    retry_.end();
    retry_.wait(OutboxRetry::kStorageRetry, [this, confirm] {
      if (!commit_confirm(confirm)) return;
      log::info("v16", "transactionId " + confirm.csms_id + " stored");
      pump();
    });
    return false;
  }
}

// §4.7 MeterValues, with the transactionId the CSMS gave when it has given one.
void Adapter::send_meter(const OutboxEvent& event) {
  const MeterEvent e = decode_meter(event.payload);
  m::MeterValuesRequest req;
  req.connectorId = e.connector;
  req.transactionId = csms_id_of(event);
  req.meterValue.push_back(to_v16(e.sample));
  auto alive = alive_;
  rpc::call(client_->rpc(), req,
            [this, alive, seq = event.seq, attempts = event.attempts](rpc::Typed<m::MeterValuesResponse>& r) {
              if (*alive) event_done(seq, attempts, true, r.status, why_of(r));
            });
}

void Adapter::skip_update(const OutboxEvent& event) {
  // 1.6 has no message for a milestone within a transaction (the core records none for this
  // adapter; one can remain from a pile that ran 2.0.1 before): nothing to send.
  retry_.end();
  core_->outbox().remove(event.seq);
  pump();
}

// §4.10 StopTransaction; the idTagInfo of its answer goes to the cache like an Authorize's.
void Adapter::send_stop(const OutboxEvent& event) {
  const StopEvent e = decode_stop(event.payload);
  const auto tx_id = csms_id_of(event);
  if (!tx_id) {
    // The CSMS never gave this transaction an id (its start was refused for good): 1.6 has
    // no way to report its stop. The record stays in the store.
    log::error("v16", "stop of transaction " + std::to_string(event.transaction_pk.value_or(0)) +
                          " cannot be reported: the CSMS never assigned it an id (kept in the database)");
    retry_.end();
    core_->outbox().discard(event.seq, "the CSMS never assigned a transactionId");
    pump();
    return;
  }
  const m::StopTransactionRequest req = stop_request(e, *tx_id);
  const std::optional<std::string> stopper = e.id_tag;
  // A keypad code that ends its own session is still a code: never cached (authorizer.cpp).
  const auto record = event.transaction_pk ? core_->transactions().get(*event.transaction_pk) : std::nullopt;
  const IdSource stopper_source =
      record && record->offline_code && stopper == record->id_tag ? IdSource::Keypad : IdSource::Rfid;
  auto alive = alive_;
  rpc::call(client_->rpc(), req,
            [this, alive, stopper, stopper_source, seq = event.seq,
             attempts = event.attempts](rpc::Typed<m::StopTransactionResponse>& r) {
              if (!*alive) return;
              if (r.ok() && stopper && r.response->idTagInfo) {
                if (core_->authorization().remember(*stopper, from_v16(*r.response->idTagInfo), stopper_source)) {
                  core_->local_list_conflict(*stopper);
                }
              }
              event_done(seq, attempts, false, r.status, why_of(r));
            });
}

// What the answer (or its absence) does to the event: OutboxRetry's rule, for both versions.
void Adapter::event_done(std::int64_t seq, int attempts, bool meter, rpc::CallOutcome::Status status,
                         const std::string& why) {
  using S = rpc::CallOutcome::Status;
  using O = OutboxRetry::Outcome;
  const O outcome = status == S::Result         ? O::Delivered
                    : status == S::Timeout      ? O::Unanswered
                    : status == S::Disconnected ? O::LinkLost
                                                : O::Refused;
  retry_.settle(seq, meter, attempts, outcome, why);
}

}  // namespace ocpp::cp::v16
