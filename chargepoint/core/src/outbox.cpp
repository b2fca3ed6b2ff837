#include "ocpp/cp/outbox.hpp"

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
  return db_.last_insert_id();
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
