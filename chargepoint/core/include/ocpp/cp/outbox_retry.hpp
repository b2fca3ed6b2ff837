#pragma once
// What becomes of a transaction message once it was sent: one rule for both protocol adapters,
// which only render the outbox's events and send them (DESIGN.md principle 3).
//   - Delivered: the event leaves the queue (a meter sample's row with the next write, a start or
//     a stop durably now; Outbox::delivered / remove) and the next one goes.
//   - Refused (a CALLERROR, an answer that fails its schema) and Unanswered (no answer within the
//     call timeout while the link stayed up) are attempts: the event is sent again after
//     TransactionMessageRetryInterval (2.0.1 MessageAttemptInterval[TransactionEvent]) times the
//     attempts made, and after TransactionMessageAttempts (MessageAttempts[TransactionEvent]) it
//     is not sent again and the queue moves on; it stays in the store, counted as discarded
//     (principle 4). 2.0.1 E13.FR.01-03 name both a CALLERROR and no answer within MessageTimeout.
//     1.6 §4.7 names a failure to process; a CSMS that holds a CALL without answering has not
//     processed it either, and counting nothing let one unanswered message hold the queue for
//     ever (issue 14), so 1.6 counts it the same way.
//   - LinkLost: not an attempt; the event waits for the link, however long (a dead link is found by
//     the transport's ping/pong, normally before the call timeout).
//   - The store failing (a full disk, a store held by another writer) is no attempt either: the
//     queue waits 5 s and the same event goes again, identical; it never stalls (issue 14).
// On the event loop thread only (DESIGN.md principle 2).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/cp/outbox.hpp"
#include "ocpp/cp/settings.hpp"

namespace ocpp::cp {

class OutboxRetry {
 public:
  enum class Outcome { Delivered, Refused, Unanswered, LinkLost };
  static constexpr std::chrono::seconds kStorageRetry{5};

  OutboxRetry(EventLoop& loop, const Settings& settings, std::string log_name);
  ~OutboxRetry();
  OutboxRetry(const OutboxRetry&) = delete;
  OutboxRetry& operator=(const OutboxRetry&) = delete;

  // The queue it settles events of, and what sends the next event (the adapter's pump).
  void bind(Outbox& outbox, std::function<void()> pump);
  // Nothing may be sent now: a message is in flight, or the queue waits (a retry interval, the store).
  bool holding() const { return sending_ || timer_ != 0; }
  bool sending() const { return sending_; }
  // A message goes out, and its answer will be settled.
  void begin() { sending_ = true; }
  // The event was dealt with without a message (skipped, discarded, already confirmed).
  void end() { sending_ = false; }
  // The answer to event `seq` (or its absence), which had been tried `attempts` times before.
  void settle(std::int64_t seq, bool meter, int attempts, Outcome outcome, const std::string& why);
  // The store refused what sending event `seq` asked of it: the same event goes again later.
  void storage_failed(std::int64_t seq, const std::string& what);
  // Waits `after` (the queue holding meanwhile), then runs `then`, which pumps when it may.
  void wait(std::chrono::milliseconds after, std::function<void()> then);

 private:
  void settle_unguarded(std::int64_t seq, bool meter, int attempts, Outcome outcome, const std::string& why);
  void attempt_failed(std::int64_t seq, int made, const std::string& why);

  EventLoop& loop_;
  const Settings& settings_;
  std::string log_name_;
  Outbox* outbox_ = nullptr;
  std::function<void()> pump_;
  bool sending_ = false;
  TimerId timer_ = 0;
};

}  // namespace ocpp::cp
