#include "ocpp/cp/outbox.hpp"

#include <vector>

#include "ocpp/common/log.hpp"

namespace ocpp::cp {

std::string_view to_string(OutboxKind k) {
  switch (k) {
    case OutboxKind::Start: return "start";
    case OutboxKind::Meter: return "meter";
    case OutboxKind::Stop: return "stop";
    case OutboxKind::Update: return "update";
  }
  return "?";
}

bool from_string(std::string_view text, OutboxKind& out) {
  for (const auto k : {OutboxKind::Start, OutboxKind::Meter, OutboxKind::Stop, OutboxKind::Update}) {
    if (to_string(k) == text) {
      out = k;
      return true;
    }
  }
  return false;
}

namespace {
OutboxKind kind_from(const std::string& s) {
  OutboxKind k = OutboxKind::Meter;
  from_string(s, k);
  return k;
}

// Resets a cached statement once the caller is done with it, also when it throws: a statement left
// in the middle of its rows keeps a read transaction open, which stops WAL checkpoints.
class ResetWhenDone {
 public:
  explicit ResetWhenDone(db::Statement& st) : st_(st) {}
  ~ResetWhenDone() { st_.reset(); }
  ResetWhenDone(const ResetWhenDone&) = delete;
  ResetWhenDone& operator=(const ResetWhenDone&) = delete;

 private:
  db::Statement& st_;
};
}  // namespace

Outbox::~Outbox() = default;

db::Statement& Outbox::cached(std::optional<db::Statement>& slot, std::string_view sql) {
  if (!slot) slot.emplace(db_.prepare(sql));
  // A step that threw (a full disk) left the statement unreset; new bindings would then be refused
  // and the next run would reuse the old ones.
  slot->reset();
  return *slot;
}

std::int64_t Outbox::append(OutboxKind kind, std::optional<std::int64_t> transaction_pk, const std::string& payload,
                            bool offline, std::optional<double> register_wh) {
  std::optional<std::int64_t> seq_no;
  if (transaction_pk) {
    // One statement, on the row the event's commit writes anyway: the seqNo and the highest register.
    auto& number = cached(number_,
                          "UPDATE transactions SET next_seq_no=next_seq_no+1, "
                          "last_register_wh=MAX(COALESCE(last_register_wh, meter_start_wh), COALESCE(?2, meter_start_wh)) "
                          "WHERE pk=?1 RETURNING next_seq_no-1");
    ResetWhenDone done(number);
    number.bind(1, *transaction_pk).bind(2, register_wh);
    if (!number.step()) throw db::DbError("outbox: no transaction " + std::to_string(*transaction_pk), 0);
    seq_no = number.int64(0);
  }
  auto& st = cached(insert_, "INSERT INTO outbox(kind, transaction_pk, payload, seq_no, offline) VALUES(?1, ?2, ?3, ?4, ?5)");
  st.bind(1, to_string(kind)).bind(2, transaction_pk).bind(3, payload).bind(4, seq_no).bind(5, offline ? 1 : 0).run();
  const std::int64_t seq = db_.last_insert_id();
  if (limit_ != 0 && size() > limit_) thin();
  return seq;
}

void Outbox::thin() {
  // The transaction with the most waiting meter samples gives up every other one of them, its
  // first and last kept (a week offline at short intervals is what fills the outbox). Delivered
  // rows are no longer here: append() deleted them before it came to this.
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
  // without ORDER BY; SQLite does not promise row order otherwise). seq > delivered_up_to_: rows
  // delivered but not deleted yet have left the queue. The transaction's CSMS id is read in the
  // same statement, at send time (principle 3: rendered from the transaction's current record).
  auto& st = cached(front_,
                    "SELECT o.seq, o.kind, o.transaction_pk, o.payload, o.attempts, t.csms_transaction_id, "
                    "t.station_transaction_id, o.seq_no, o.offline "
                    "FROM outbox o LEFT JOIN transactions t ON t.pk = o.transaction_pk "
                    "WHERE o.discarded_at IS NULL AND o.seq > ?1 ORDER BY o.seq LIMIT 1");
  ResetWhenDone done(st);
  st.bind(1, delivered_up_to_);
  if (!st.step()) return std::nullopt;
  OutboxEvent e;
  e.seq = st.int64(0);
  e.kind = kind_from(st.text(1));
  e.transaction_pk = st.optional_int64(2);
  e.payload = st.text(3);
  e.attempts = static_cast<int>(st.int64(4));
  e.csms_transaction_id = st.optional_text(5);
  e.station_transaction_id = st.optional_text(6);
  e.seq_no = st.optional_int64(7);
  e.offline = st.int64(8) != 0;
  return e;
}

void Outbox::remove(std::int64_t seq) { cached(delete_, "DELETE FROM outbox WHERE seq=?1").bind(1, seq).run(); }

namespace {

// PRAGMA synchronous=NORMAL for one commit, FULL again afterwards (db::Database's default).
class RelaxedSync {
 public:
  explicit RelaxedSync(db::Database& db) : db_(db) { db_.exec("PRAGMA synchronous=NORMAL"); }
  ~RelaxedSync() {
    try {
      db_.exec("PRAGMA synchronous=FULL");
    } catch (const std::exception& e) {
      log::error("outbox", std::string("cannot restore synchronous=FULL: ") + e.what());
    }
  }
  RelaxedSync(const RelaxedSync&) = delete;
  RelaxedSync& operator=(const RelaxedSync&) = delete;

 private:
  db::Database& db_;
};

}  // namespace

// Why a delivered meter sample's row is deleted in a commit that does not wait for the disk
// (issue 5: a long backlog replays at the speed of the round trip, and flash wears with every
// fsync):
// - DESIGN.md principle 4 is about starts, stops and offline codes: they are durable before the
//   contactor moves or the stop is reported, and remove() of a start or a stop is still a durable
//   commit (synchronous=FULL). A meter sample's deletion only says "already delivered".
// - In WAL mode, synchronous=NORMAL commits survive a crash or a kill of the process (the commit
//   is in the WAL, in the kernel's cache): nothing is sent twice after one. Only a power cut of
//   the whole controller can take back the last few such deletions, and WAL recovery takes back a
//   suffix, never a gap: those samples, and no others, are sent again, identical, before anything
//   newer.
// - An earlier version kept the deletions in memory until the next write: a kill then replayed
//   samples after later messages had gone out (MeterValues after a StopTransaction, and out of
//   timestamp order), which the fault-injection test caught.
void Outbox::delivered(std::int64_t seq) {
  if (seq > delivered_up_to_) delivered_up_to_ = seq;
  // A start, a stop or an update goes out only once every sample before it is durably gone: the
  // power-cut harness (tests/powercut) found that a cut between a stop's answer and its durable
  // removal otherwise took the samples' relaxed deletions back with it, and the CSMS got
  // MeterValues of a transaction it had closed (about 2 % of cuts while a backlog drained). Online
  // the queue is empty here, so charging still costs no fsync for this.
  const auto next = front();
  if (next && next->kind != OutboxKind::Meter) {
    remove(seq);
    return;
  }
  RelaxedSync relaxed(db_);
  remove(seq);
}

void Outbox::discard(std::int64_t seq, const std::string& reason) {
  db_.prepare("UPDATE outbox SET discarded_at=strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), discard_reason=?2 WHERE seq=?1")
      .bind(1, seq).bind(2, reason).run();
}

void Outbox::count_attempt(std::int64_t seq) {
  db_.prepare("UPDATE outbox SET attempts=attempts+1 WHERE seq=?1").bind(1, seq).run();
}

std::size_t Outbox::size() {
  auto& st = cached(size_, "SELECT COUNT(*) FROM outbox WHERE discarded_at IS NULL AND seq > ?1");
  ResetWhenDone done(st);
  st.bind(1, delivered_up_to_);
  st.step();
  return static_cast<std::size_t>(st.int64(0));
}

std::size_t Outbox::discarded() {
  auto st = db_.prepare("SELECT COUNT(*) FROM outbox WHERE discarded_at IS NOT NULL");
  st.step();
  return static_cast<std::size_t>(st.int64(0));
}

}  // namespace ocpp::cp
