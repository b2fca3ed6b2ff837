#pragma once
// The durable outbox of charging events (DESIGN.md principle 3). Events are stored version-neutral
// (what happened: a start, a meter sample, a stop), in the order they happened; the protocol
// adapter renders each into a wire message only when it is its turn to be sent, from the current
// state of its transaction (so a transactionId that arrived late is in every later message).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocpp/db/database.hpp"

namespace ocpp::cp {

// Update: a milestone within a transaction (its charging state changed, the EV left), recorded when
// the adapter's TransactionRules ask for them (2.0.1 TransactionEvent Updated).
enum class OutboxKind { Start, Meter, Stop, Update };
std::string_view to_string(OutboxKind k);
bool from_string(std::string_view text, OutboxKind& out);

struct OutboxEvent {
  std::int64_t seq = 0;
  OutboxKind kind = OutboxKind::Meter;
  std::optional<std::int64_t> transaction_pk;
  std::string payload;  // JSON, see charging_events.hpp
  int attempts = 0;
  // The transactionId the CSMS assigned to the event's transaction, as the transaction record
  // holds it when the event is read (send time), or nullopt while there is none.
  std::optional<std::string> csms_transaction_id;
  std::optional<std::string> station_transaction_id;  // the pile's own id of it
  std::optional<std::int64_t> seq_no;  // the event's number within its transaction, from 0
  bool offline = false;                // it happened while the pile was offline
};

// Keeps prepared statements on `db`: destroy the Outbox before its Database.
class Outbox {
 public:
  explicit Outbox(db::Database& db) : db_(db) {}
  // Writes the deletions delivered() has gathered, so a clean stop sends nothing twice.
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // The most events kept waiting. Past it, append() thins intermediate meter samples: every other
  // one of the transaction with the most of them, keeping its first and last. Starts, stops and
  // the samples of a transaction's ends are never dropped, so the limit can be exceeded by them.
  void set_limit(std::size_t max_events) { limit_ = max_events; }
  std::size_t thinned() const { return thinned_; }
  // Stores an event; call inside the db transaction that records what it is about. An event of a
  // transaction takes the transaction's next seqNo in the same commit (2.0.1 E01.FR.07).
  // `register_wh`: the energy register the event carries, kept as the transaction's highest
  // (TransactionRecord::last_register_wh) in the same statement.
  std::int64_t append(OutboxKind kind, std::optional<std::int64_t> transaction_pk, const std::string& payload,
                      bool offline = false, std::optional<double> register_wh = std::nullopt);
  // The oldest event neither delivered nor discarded.
  std::optional<OutboxEvent> front();
  // Delivered: it leaves the queue, durably before this returns.
  void remove(std::int64_t seq);
  // Delivered, and sending it again would be harmless (a meter sample: the same MeterValues
  // again): its row is deleted now, in a commit that does not wait for the disk (see outbox.cpp).
  void delivered(std::int64_t seq);
  // Given up on (1.6 §4.10 TransactionMessageAttempts, or an event that cannot be rendered): it is
  // not sent again, but it stays in the database with the reason, and counts in discarded().
  void discard(std::int64_t seq, const std::string& reason);
  void count_attempt(std::int64_t seq);
  std::size_t size();       // waiting to be sent
  std::size_t discarded();  // kept, never to be sent
  // A write of the sender that failed (a full disk, a locked or failing store): the sender logs it,
  // counts it here and tries again later; `ocpp-cpctl status` shows the count (outbox_failures).
  void count_failure() { ++failures_; }
  std::size_t failures() const { return failures_; }
  // Told after every append, so the sender can start moving.
  void on_append(std::function<void()> fn) { on_append_ = std::move(fn); }
  void notify() {
    if (on_append_) on_append_();
  }

 private:
  void thin();
  // The statement for `sql`, prepared once (preparing cost more than running these statements:
  // half the charge point's CPU time in a replay, bench/RESULTS.md), reset and ready to bind.
  db::Statement& cached(std::optional<db::Statement>& slot, std::string_view sql);

  db::Database& db_;
  std::function<void()> on_append_;
  std::size_t limit_ = 0;  // 0: no limit
  std::size_t thinned_ = 0;
  std::size_t failures_ = 0;
  std::int64_t delivered_up_to_ = 0;  // every event up to this seq has left the queue
  std::optional<db::Statement> insert_;
  std::optional<db::Statement> number_;
  std::optional<db::Statement> front_;
  std::optional<db::Statement> delete_;
  std::optional<db::Statement> size_;
};

}  // namespace ocpp::cp
