#include "ocpp/cp/outbox.hpp"

#include <vector>

#include "ocpp/common/log.hpp"

namespace ocpp::cp {

std::string_view to_string(OutboxKind k) {
  switch (k) {
    case OutboxKind::Start: return "start";
    case OutboxKind::Meter: return "meter";
    case OutboxKind::Stop: return "stop";
  }
  return "?";
}

namespace {
OutboxKind kind_from(const std::string& s) {
  if (s == "start") return OutboxKind::Start;
  if (s == "stop") return OutboxKind::Stop;
  return OutboxKind::Meter;
}
}  // namespace

std::int64_t Outbox::append(OutboxKind kind, std::optional<std::int64_t> transaction_pk, const std::string& payload) {
  db_.prepare("INSERT INTO outbox(kind, transaction_pk, payload) VALUES(?1, ?2, ?3)")
      .bind(1, to_string(kind)).bind(2, transaction_pk).bind(3, payload)
      .run();
  const std::int64_t seq = db_.last_insert_id();
  if (limit_ != 0 && size() > limit_) thin();
  return seq;
}

void Outbox::thin() {
  // The transaction with the most waiting meter samples gives up every other one of them, its
  // first and last kept (a week offline at short intervals is what fills the outbox).
  auto pick = db_.prepare(
      "SELECT transaction_pk FROM outbox WHERE kind='meter' AND discarded_at IS NULL AND transaction_pk IS NOT NULL "
      "GROUP BY transaction_pk HAVING COUNT(*) > 2 ORDER BY COUNT(*) DESC, transaction_pk LIMIT 1");
  if (!pick.step()) {
    log::warn("outbox", std::to_string(size()) + " events waiting, over the limit of " + std::to_string(limit_) +
                            ", and nothing left to thin: starts and stops are never dropped");
    return;
  }
  const std::int64_t pk = pick.int64(0);
  std::vector<std::int64_t> seqs;
  auto rows = db_.prepare(
      "SELECT seq FROM outbox WHERE kind='meter' AND discarded_at IS NULL AND transaction_pk=?1 ORDER BY seq");
  rows.bind(1, pk);
  while (rows.step()) seqs.push_back(rows.int64(0));
  std::size_t dropped = 0;
  db_.transaction([&] {
    auto del = db_.prepare("DELETE FROM outbox WHERE seq=?1");
    for (std::size_t i = 1; i + 1 < seqs.size(); i += 2) {
      del.bind(1, seqs[i]).run();
      ++dropped;
    }
  });
  thinned_ += dropped;
  log::warn("outbox", "over the limit of " + std::to_string(limit_) + " waiting events: thinned " +
                          std::to_string(dropped) + " of " + std::to_string(seqs.size()) +
                          " meter samples of transaction " + std::to_string(pk));
}

std::optional<OutboxEvent> Outbox::front() {
  // ORDER BY seq: the queue is replayed in the order events happened (libocpp reloads its queue
  // without ORDER BY; SQLite does not promise row order otherwise).
  auto st = db_.prepare(
      "SELECT seq, kind, transaction_pk, payload, attempts FROM outbox WHERE discarded_at IS NULL ORDER BY seq LIMIT 1");
  if (!st.step()) return std::nullopt;
  OutboxEvent e;
  e.seq = st.int64(0);
  e.kind = kind_from(st.text(1));
  e.transaction_pk = st.optional_int64(2);
  e.payload = st.text(3);
  e.attempts = static_cast<int>(st.int64(4));
  return e;
}

void Outbox::remove(std::int64_t seq) { db_.prepare("DELETE FROM outbox WHERE seq=?1").bind(1, seq).run(); }

void Outbox::discard(std::int64_t seq, const std::string& reason) {
  db_.prepare("UPDATE outbox SET discarded_at=strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), discard_reason=?2 WHERE seq=?1")
      .bind(1, seq).bind(2, reason).run();
}

void Outbox::count_attempt(std::int64_t seq) {
  db_.prepare("UPDATE outbox SET attempts=attempts+1 WHERE seq=?1").bind(1, seq).run();
}

std::size_t Outbox::size() {
  auto st = db_.prepare("SELECT COUNT(*) FROM outbox WHERE discarded_at IS NULL");
  st.step();
  return static_cast<std::size_t>(st.int64(0));
}

std::size_t Outbox::discarded() {
  auto st = db_.prepare("SELECT COUNT(*) FROM outbox WHERE discarded_at IS NOT NULL");
  st.step();
  return static_cast<std::size_t>(st.int64(0));
}

}  // namespace ocpp::cp
