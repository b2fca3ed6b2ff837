#include "ocpp/cp/outbox_retry.hpp"

#include "ocpp/common/log.hpp"
#include "ocpp/db/database.hpp"

namespace ocpp::cp {

OutboxRetry::OutboxRetry(EventLoop& loop, const Settings& settings, std::string log_name)
    : loop_(loop), settings_(settings), log_name_(std::move(log_name)) {}

OutboxRetry::~OutboxRetry() {
  if (timer_ != 0) loop_.cancel(timer_);
}

void OutboxRetry::bind(Outbox& outbox, std::function<void()> pump) {
  outbox_ = &outbox;
  pump_ = std::move(pump);
}

void OutboxRetry::wait(std::chrono::milliseconds after, std::function<void()> then) {
  if (timer_ != 0) loop_.cancel(timer_);
  timer_ = loop_.schedule_after(after, [this, then = std::move(then)] {
    timer_ = 0;
    then();
  });
}

void OutboxRetry::settle(std::int64_t seq, bool meter, int attempts, Outcome outcome, const std::string& why) {
  sending_ = false;
  try {
    settle_unguarded(seq, meter, attempts, outcome, why);
  } catch (const db::DbError& e) {
    storage_failed(seq, e.what());
  }
}

void OutboxRetry::settle_unguarded(std::int64_t seq, bool meter, int attempts, Outcome outcome,
                                   const std::string& why) {
  switch (outcome) {
    case Outcome::Delivered:
      // A delivered sample's row goes with the outbox's next write (sending it again after a power
      // cut is harmless); a start or a stop is deleted durably now.
      if (meter) {
        outbox_->delivered(seq);
      } else {
        outbox_->remove(seq);
      }
      pump_();
      return;
    case Outcome::LinkLost:
      wait(std::chrono::seconds(1), pump_);  // pump() waits for the link itself
      return;
    case Outcome::Unanswered:
      attempt_failed(seq, attempts + 1, "no answer within the call timeout");
      return;
    case Outcome::Refused:
      attempt_failed(seq, attempts + 1, why);
      return;
  }
}

void OutboxRetry::attempt_failed(std::int64_t seq, int made, const std::string& why) {
  outbox_->count_attempt(seq);
  // 1.6 §4.7, 2.0.1 E13.FR.02: at most TransactionMessageAttempts; the event then stays in the store.
  if (made >= settings_.get_int("transaction_message_attempts")) {
    log::error(log_name_, "outbox event " + std::to_string(seq) + " refused " + std::to_string(made) + " times (" +
                              why + "); not sent again, kept in the database");
    outbox_->discard(seq, "refused " + std::to_string(made) + " times: " + why);
    pump_();
    return;
  }
  // 1.6 §4.7, 2.0.1 E13.FR.03: the retry interval times the attempts made so far.
  const auto after = std::chrono::seconds(settings_.get_int("transaction_message_retry_interval_s") * made);
  log::warn(log_name_, "outbox event " + std::to_string(seq) + " refused (" + why + "); attempt " +
                           std::to_string(made + 1) + " in " + std::to_string(after.count()) + " s");
  wait(after, pump_);
}

void OutboxRetry::storage_failed(std::int64_t seq, const std::string& what) {
  sending_ = false;
  outbox_->count_failure();
  log::error(log_name_, "outbox event " + std::to_string(seq) + ": the store failed (" + what + "); again in " +
                            std::to_string(kStorageRetry.count()) + " s");
  wait(kStorageRetry, pump_);
}

}  // namespace ocpp::cp
