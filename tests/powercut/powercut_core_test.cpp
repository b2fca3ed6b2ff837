// Issue 14: the charge point's core and the pile's offline-code store through many seeded power
// cuts at random points of a random workload (sessions by card and by offline code on two
// connectors, meter samples, the link coming and going, the outbox sent to a CSMS played here the
// way the 1.6 adapter sends it, kills of the process). Each cut is simulated at the storage layer
// (powercut_vfs.hpp: what was not synced is lost or torn); the core is then started again on what
// is left, and the test checks what users rely on:
// - a transaction whose contactor closed, a stop, and a code the pile accepted are never lost;
// - no code serial is accepted twice;
// - the outbox order holds: the CSMS receives new events in the order they happened, nothing after
//   its transaction's stop, and after a cut only events whose removal was not yet durable again,
//   identical, with the transactionId it assigned;
// - a session never reports less energy than it already reported.
// POWERCUT_SEED picks the run (printed), POWERCUT_CUTS the number of cuts (default 1000; ctest sets
// 2000). The same seed replays the same run, cut for cut, in any build (see new_pile() for the
// one thing that could break that: a pile with more transactions than one index page holds).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../unit/core/core_test_support.hpp"
#include "ocpp/cp/offline_code/code_store.hpp"
#include "ocpp/cp/offline_code/key_ring.hpp"
#include "ocpp/cp/offline_code/pile_verifier.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/offline_code/code.hpp"
#include "ocpp/offline_code/fields.hpp"
#include "ocpp/offline_code/keys.hpp"
#include "powercut_vfs.hpp"

namespace ocpp::cp {
namespace {

namespace oc = ocpp::offline_code;
using core_test::CoreFixture;
using test::PowerCutVfs;
using test::Tear;
using namespace std::chrono_literals;

constexpr const char* kPile = "PILE-CUT";
constexpr std::uint64_t kMaxGap = 120;  // operations (writes, syncs) between two cuts, at most
constexpr std::uint64_t kCutsPerPile = 100;    // see new_pile()
constexpr std::uint64_t kStepsPerPile = 1500;  // the baseline's piles: about as many steps

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 10) : fallback;
}

// Passes every call to the pile's verifier and tells the harness what it answered, at the moment it
// answers: the verifier promises an accepted serial is durable by then.
class RecordingVerifier final : public OfflineCodeVerifier {
 public:
  std::function<void(const std::string& code, const CodeVerdict&)> on_verdict;
  std::function<void(const std::string& code)> on_release;
  OfflineCodeVerifier* inner = nullptr;

  void authorize_code(ConnectorId connector, const std::string& code, bool online,
                      std::function<void(CodeVerdict)> done) override {
    inner->authorize_code(connector, code, online, [this, code, done = std::move(done)](CodeVerdict v) {
      on_verdict(code, v);
      done(std::move(v));
    });
  }
  void used_online(ConnectorId connector, const std::string& code) override { inner->used_online(connector, code); }
  void release_unused(ConnectorId connector, const std::string& code) override {
    inner->release_unused(connector, code);
    on_release(code);
  }
};

// What the CSMS got of one outbox event the first time, to compare a resent copy with.
struct Seen {
  OutboxKind kind = OutboxKind::Meter;
  std::optional<std::int64_t> pk;
  std::string payload;
  std::optional<std::string> csms_id;
  std::optional<std::string> station_id;
  std::optional<std::int64_t> seq_no;
};

class PowerCuts : public CoreFixture {
 protected:
  void SetUp() override {
    CoreFixture::SetUp();
    baseline_ = std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) == "Baseline";
    if (baseline_) {
      // The same workload on SQLite's own VFS (real fsyncs), for the figures in bench/RESULTS.md.
      sqlite3_vfs_register(sqlite3_vfs_find("unix"), 1);
    } else {
      vfs_ = &PowerCutVfs::install(true);  // Store opens its file with SQLite's default VFS
    }
    seed_ = env_number("POWERCUT_SEED", std::random_device{}());
    target_ = env_number("POWERCUT_CUTS", 1000);
    rng_.seed(seed_);
    std::cout << "POWERCUT_SEED=" << seed_ << " POWERCUT_CUTS=" << target_ << std::endl;
    verifier_.on_verdict = [this](const std::string& code, const CodeVerdict& v) { on_verdict(code, v); };
    verifier_.on_release = [this](const std::string& code) { on_release(code); };
  }
  void TearDown() override {
    drop_codes();
    shutdown();
    std::mt19937_64 rng(1);
    if (vfs_ != nullptr) vfs_->restore(rng, Tear::None);  // forget this test's files; the VFS stays registered
    CoreFixture::TearDown();
  }

  // --- wiring: the core as CoreFixture::boot() wires it, plus the pile's offline-code blocks ---

  void boot_all() {
    open();
    codes_ = std::make_unique<offline_code::CodeStore>(store_->db());
    events_ = std::make_unique<SecurityEvents>(store_->db());
    ring_ = std::make_unique<offline_code::KeyRing>(*codes_, clock_);
    pile_verifier_ = std::make_unique<offline_code::PileCodeVerifier>(*codes_, *ring_, *events_, *settings_, clock_, kPile);
    verifier_.inner = pile_verifier_.get();
    resume_after_power_loss_ = rng_() % 2 == 0;
    boot_core();
    pile_verifier_->clock_synced();
    loop_.run_pending();
  }
  // CoreFixture::boot() with the contactor tap reporting here: the moment a contactor closes is the
  // moment a start is acknowledged (DESIGN.md principle 4).
  void boot_core() {
    if (!pile_) {
      hal::sim::SimOptions o;
      o.initial_energy_wh = 1234567;
      pile_ = std::make_unique<hal::sim::SimPile>(loop_, 2, o);
    }
    hal_ = std::make_unique<core_test::TappedHal>(*pile_, [this](ConnectorId id, bool closing) { on_contactor(id, closing); });
    cache_ = std::make_unique<AuthCache>(store_->db());
    list_ = std::make_unique<LocalAuthList>(store_->db());
    authorizer_ = std::make_unique<Authorizer>(*list_, *cache_, csms_, clock_);
    authorizer_->set_offline_code_verifier(&verifier_);
    chain_ = std::make_unique<ChainAuthorization>(*authorizer_, *list_, *cache_, *settings_, clock_, csms_);
    cp_ = std::make_unique<ChargePoint>(loop_, *store_, *hal_, *settings_, *chain_, csms_);
    cp_->set_rules(rules_);
    pile_->set_listener(cp_.get());
    cp_->start(resume_after_power_loss_);
    loop_.run_pending();
  }
  void drop_codes() {
    if (authorizer_) authorizer_->set_offline_code_verifier(nullptr);
    verifier_.inner = nullptr;
    pile_verifier_.reset();
    ring_.reset();
    events_.reset();
    codes_.reset();
  }

  static oc::PileKey key() {
    oc::MasterSecret m{};
    m.fill(0x5a);
    return oc::derive_pile_key(m, kPile, 1);
  }
  std::string code(std::uint16_t serial, ConnectorId connector) {
    oc::Fields f;
    f.serial = serial;
    f.connector = static_cast<std::uint8_t>(connector);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock_.system_now().time_since_epoch()).count();
    f.expiry_hours = oc::expiry_hours_for(now, 24);
    const auto typed = oc::encode(f, key(), kPile);
    serial_of_[typed] = serial;
    return typed;
  }

  void fail(const std::string& what) {
    if (violations_.size() < 30) violations_.push_back("after cut " + std::to_string(cuts_) + ": " + what);
  }
  bool live() const { return vfs_ == nullptr || !vfs_->cut(); }

  // --- acknowledgements, recorded the moment they happen, if the power was still on ---

  void on_contactor(ConnectorId id, bool closing) {
    if (!closing || !live()) return;
    bool found = false;
    for (const auto& t : cp_->transactions().open_transactions()) {
      if (t.connector != id) continue;
      found = true;
      acked_starts_.insert(t.pk);
    }
    if (!found) fail("contactor " + std::to_string(id) + " closed with no transaction in the database");
  }
  void on_verdict(const std::string& code, const CodeVerdict& v) {
    if (v.result != CodeVerdict::Result::Accepted || !live()) return;
    const auto serial = serial_of_.at(code);
    ++codes_accepted_;
    if (accepted_.count(serial) != 0) fail("serial " + std::to_string(serial) + " accepted twice");
    accepted_.insert(serial);
    uncertain_.erase(serial);
  }
  void on_release(const std::string& code) {
    const auto serial = serial_of_.at(code);
    accepted_.erase(serial);
    // Released as the power failed: whether the release reached the disk is unknown.
    if (!live()) uncertain_.insert(serial);
  }

  // Every transaction at or past the watermark that is stopped in the database at a moment the
  // power is still on: its stop was committed (synchronous=FULL) and may have been reported.
  void collect_stops() {
    if (!live()) return;
    auto st = store_->db().prepare("SELECT pk, stopped_at IS NOT NULL FROM transactions WHERE pk >= ?1 ORDER BY pk");
    st.bind(1, stop_watermark_);
    std::optional<std::int64_t> first_open;
    std::int64_t last = stop_watermark_ - 1;
    while (st.step()) {
      last = st.int64(0);
      if (st.int64(1) != 0) {
        acked_stops_.insert(last);
      } else if (!first_open) {
        first_open = last;
      }
    }
    stop_watermark_ = first_open.value_or(last + 1);
  }

  bool baseline_ = false;
  bool v201_ = false;  // this pile runs as a 2.0.1 station (every other pile)
  std::uint64_t seed_ = 0;
  std::uint64_t target_ = 0;
  std::mt19937_64 rng_;
  PowerCutVfs* vfs_ = nullptr;
  RecordingVerifier verifier_;
  std::unique_ptr<offline_code::CodeStore> codes_;
  std::unique_ptr<SecurityEvents> events_;
  std::unique_ptr<offline_code::KeyRing> ring_;
  std::unique_ptr<offline_code::PileCodeVerifier> pile_verifier_;

  std::map<std::string, std::uint16_t> serial_of_;
  std::uint16_t next_serial_ = 1;
  std::set<std::uint16_t> accepted_;   // accepted before a cut, not released
  std::set<std::uint16_t> uncertain_;  // released as the power failed
  std::set<std::int64_t> acked_starts_;
  std::set<std::int64_t> acked_stops_;
  std::int64_t stop_watermark_ = 1;

  // The CSMS's side, which no cut touches.
  std::map<std::int64_t, Seen> seen_;             // outbox seq -> first copy received
  std::int64_t max_seen_seq_ = 0;
  std::int64_t durably_removed_ = 0;              // highest seq whose removal returned before a cut
  std::map<std::int64_t, double> reported_wh_;    // transaction -> highest register the CSMS got
  std::map<std::int64_t, std::int64_t> last_seq_no_;  // transaction -> seqNo of its newest event received
  std::set<std::int64_t> starts_received_, stops_received_;

  std::vector<std::string> violations_;
  std::uint64_t cuts_ = 0, kills_ = 0, steps_ = 0, received_ = 0, resent_ = 0, codes_accepted_ = 0;
  // The synchronous=NORMAL question (outbox.cpp): samples the CSMS gets again after it had their
  // transaction's StopTransaction, and the transactions whose stop must then be sent again too.
  std::uint64_t samples_resent_after_stop_ = 0;
  std::uint64_t cuts_with_sample_after_stop_ = 0;
  bool sample_after_stop_since_cut_ = false;
  std::set<std::int64_t> stop_owed_;
  std::uint64_t cuts_in_recovery_ = 0;
  std::uint64_t piles_ = 0;
  std::uint64_t updates_received_ = 0;  // 2.0.1 TransactionEvent Updated, first copies
  std::uint64_t started_total_ = 0, stopped_total_ = 0;  // over every pile
  std::map<Tear, std::uint64_t> tears_;
  test::RestoreReport torn_;

  void receive(const OutboxEvent& e);
  void check_new_event(const OutboxEvent& e);
  void acknowledge(const OutboxEvent& e);
  void deliver(int n);
  void step();
  void power_cut();
  void restart(bool cut);
  void check_recovery();
  bool outbox_has(OutboxKind kind, std::int64_t pk);
  void finish();
  void new_pile();
  void live_one_pile(std::uint64_t max_steps);
  void run(std::uint64_t max_steps);
  std::string summary() const;
};

std::optional<double> register_of(const OutboxEvent& e) {
  switch (e.kind) {
    case OutboxKind::Start: return decode_start(e.payload).meter_start_wh;
    case OutboxKind::Stop: return decode_stop(e.payload).meter_stop_wh;
    case OutboxKind::Meter: return core_test::value_of(decode_meter(e.payload).sample, "Energy.Active.Import.Register");
    case OutboxKind::Update: return std::nullopt;
  }
  return std::nullopt;
}

// The CSMS receives an event (sent while the power is on).
void PowerCuts::receive(const OutboxEvent& e) {
  ++received_;
  if (e.seq <= durably_removed_) {
    fail("event " + std::to_string(e.seq) + " sent again after the removal of event " + std::to_string(durably_removed_) +
         " was durable");
  }
  const auto it = seen_.find(e.seq);
  if (it == seen_.end()) {
    check_new_event(e);
    return;
  }
  ++resent_;
  if (it->second.payload != e.payload || it->second.kind != e.kind || it->second.pk != e.transaction_pk) {
    fail("event " + std::to_string(e.seq) + " resent with other content");
  }
  if ((e.kind != OutboxKind::Start && it->second.csms_id != e.csms_transaction_id) ||
      it->second.station_id != e.station_transaction_id || it->second.seq_no != e.seq_no) {
    fail("event " + std::to_string(e.seq) + " resent under another transactionId or seqNo");
  }
  // A sample the CSMS gets again after it already had its transaction's StopTransaction.
  if (e.kind == OutboxKind::Meter && e.transaction_pk && stops_received_.count(*e.transaction_pk) != 0) {
    // 1.6 §3.7: in order. Outbox::delivered() removes a sample durably before a stop goes out.
    fail("sample event " + std::to_string(e.seq) + " of transaction " + std::to_string(*e.transaction_pk) +
         " sent again after its StopTransaction had reached the CSMS");
    ++samples_resent_after_stop_;
    sample_after_stop_since_cut_ = true;
    stop_owed_.insert(*e.transaction_pk);  // its stop must come again after it
  }
  if (e.kind == OutboxKind::Stop && e.transaction_pk) stop_owed_.erase(*e.transaction_pk);
}

void PowerCuts::check_new_event(const OutboxEvent& e) {
  if (e.seq <= max_seen_seq_) {
    fail("new event " + std::to_string(e.seq) + " after event " + std::to_string(max_seen_seq_) + ": out of order");
  }
  max_seen_seq_ = std::max(max_seen_seq_, e.seq);
  seen_[e.seq] = Seen{e.kind, e.transaction_pk, e.payload, e.csms_transaction_id, e.station_transaction_id, e.seq_no};
  if (!e.transaction_pk) return;
  const auto pk = *e.transaction_pk;
  const auto name = " of transaction " + std::to_string(pk);
  // 2.0.1 seqNo: 0, 1, 2... per transaction, none skipped or repeated (a lost event was never sent).
  const auto last = last_seq_no_.find(pk);
  const std::int64_t expected = last == last_seq_no_.end() ? 0 : last->second + 1;
  if (e.seq_no != expected) fail(std::string(to_string(e.kind)) + name + " has seqNo " + std::to_string(e.seq_no.value_or(-1)) + ", not " + std::to_string(expected));
  last_seq_no_[pk] = e.seq_no.value_or(expected);
  if (v201_ && !e.station_transaction_id) fail(std::string(to_string(e.kind)) + name + " without the station's transactionId");
  if (stops_received_.count(pk) != 0) fail(std::string(to_string(e.kind)) + " event" + name + " after its stop");
  if (e.kind != OutboxKind::Start && starts_received_.count(pk) == 0) fail(std::string(to_string(e.kind)) + name + " before its start");
  if (!v201_ && e.kind != OutboxKind::Start && e.csms_transaction_id != "CSMS-" + std::to_string(pk)) {
    fail(std::string(to_string(e.kind)) + name + " without the transactionId the CSMS assigned");
  }
  if (const auto wh = register_of(e)) {
    const auto [at, fresh] = reported_wh_.emplace(pk, *wh);
    if (!fresh && *wh + 1e-6 < at->second) {
      fail(std::string(to_string(e.kind)) + name + " reports " + std::to_string(*wh) + " Wh after " +
           std::to_string(at->second) + " Wh");
    }
    if (!fresh) at->second = std::max(at->second, *wh);
  }
  if (e.kind == OutboxKind::Start) starts_received_.insert(pk);
  if (e.kind == OutboxKind::Update) ++updates_received_;
  if (e.kind == OutboxKind::Stop) stops_received_.insert(pk);
}

// The CSMS answered: what the adapter does then (chargepoint/v16/src/transaction_sender.cpp,
// chargepoint/v201/src/transactions.cpp).
void PowerCuts::acknowledge(const OutboxEvent& e) {
  bool durable = true;
  if (e.kind == OutboxKind::Start && !v201_) {
    IdTagInfo info;
    info.status = AuthorizationStatus::Accepted;
    store_->db().transaction([&] {
      cp_->start_confirmed(*e.transaction_pk, "CSMS-" + std::to_string(*e.transaction_pk), info);
      cp_->outbox().remove(e.seq);
    });
  } else if (e.kind == OutboxKind::Meter) {
    cp_->outbox().delivered(e.seq);
    durable = false;  // synchronous=NORMAL: not durable when it returns
  } else {
    cp_->outbox().remove(e.seq);
  }
  if (durable && live()) durably_removed_ = std::max(durably_removed_, e.seq);
}

void PowerCuts::deliver(int n) {
  for (int i = 0; i < n && live() && csms_.online_; ++i) {
    const auto e = cp_->outbox().front();
    if (!e) return;
    if (e->kind == OutboxKind::Start && e->csms_transaction_id && !v201_) {
      cp_->outbox().remove(e->seq);  // confirmed before a kill: not asked again (the adapter's rule)
      continue;
    }
    receive(*e);
    acknowledge(*e);
    loop_.run_pending();
  }
}

// One thing happens to the pile.
void PowerCuts::step() {
  ++steps_;
  const ConnectorId c = 1 + static_cast<ConnectorId>(rng_() % 2);
  const auto tag = "TAG-" + std::to_string(c);
  csms_.known[tag] = AuthorizationStatus::Accepted;
  switch (rng_() % 12) {
    case 0: pile_->plug(c); break;
    case 1: pile_->unplug(c); break;
    case 2: pile_->present_id(c, tag); break;
    case 3: pile_->ev_charge(c); break;
    case 4: pile_->ev_suspend(c); break;
    case 5: {
      // Mostly a fresh serial; sometimes one typed before, which must not be accepted twice.
      const bool again = !serial_of_.empty() && rng_() % 3 == 0;
      const std::uint16_t serial = again ? static_cast<std::uint16_t>(1 + rng_() % next_serial_) : next_serial_++;
      pile_->enter_code(c, code(serial, c));
      break;
    }
    case 6: csms_.online_ = !csms_.online_; break;
    case 7: case 8: advance(std::chrono::seconds(1 + rng_() % 90)); break;
    default: deliver(1 + static_cast<int>(rng_() % 8)); break;
  }
  loop_.run_pending();
  collect_stops();
}

// The power fails: everything is torn down without a word (the core's destructors write nothing
// that lasts: the disk is gone), the disk is put back as it could be, and the pile boots again.
void PowerCuts::power_cut() {
  ++cuts_;
  if (sample_after_stop_since_cut_) ++cuts_with_sample_after_stop_;
  sample_after_stop_since_cut_ = false;
  drop_codes();
  shutdown();
  const auto tear = static_cast<Tear>(rng_() % 3);
  ++tears_[tear];
  const auto r = vfs_->restore(rng_, tear);
  torn_.writes_undone += r.writes_undone;
  torn_.sectors_kept += r.sectors_kept;
  torn_.sectors_lost += r.sectors_lost;
  torn_.sectors_garbage += r.sectors_garbage;
  vfs_->arm(vfs_->ops() + 1 + rng_() % kMaxGap);
  boot_all();
}

// After a cut (or a kill): boots again until a boot completes with the power on, then checks.
void PowerCuts::restart(bool cut) {
  if (cut) {
    power_cut();
  } else {
    ++kills_;
    drop_codes();
    shutdown();
    boot_all();
  }
  while (!live()) {
    ++cuts_in_recovery_;
    power_cut();
  }
  collect_stops();
  check_recovery();
}

bool PowerCuts::outbox_has(OutboxKind kind, std::int64_t pk) {
  auto st = store_->db().prepare("SELECT 1 FROM outbox WHERE kind=?1 AND transaction_pk=?2 AND discarded_at IS NULL");
  st.bind(1, to_string(kind)).bind(2, pk);
  return st.step();
}

void PowerCuts::check_recovery() {
  for (const auto pk : acked_starts_) {
    const auto t = cp_->transactions().get(pk);
    if (!t) {
      fail("transaction " + std::to_string(pk) + " lost: its contactor had closed");
    } else if (starts_received_.count(pk) == 0 && !outbox_has(OutboxKind::Start, pk)) {
      fail("the start of transaction " + std::to_string(pk) + " will never reach the CSMS");
    }
  }
  for (const auto pk : acked_stops_) {
    const auto t = cp_->transactions().get(pk);
    if (!t || t->open()) {
      fail("the stop of transaction " + std::to_string(pk) + " lost");
    } else if (stops_received_.count(pk) == 0 && !outbox_has(OutboxKind::Stop, pk)) {
      fail("the stop of transaction " + std::to_string(pk) + " will never reach the CSMS");
    }
  }
  const auto window = codes_->window(1);
  for (const auto serial : accepted_) {
    if (uncertain_.count(serial) == 0 && window.check(serial) == oc::ReplayWindow::Check::Fresh) {
      fail("accepted serial " + std::to_string(serial) + " is fresh again");
    }
  }
}

// The link returns for good and the outbox drains: every acknowledged start and stop arrives.
void PowerCuts::finish() {
  if (vfs_ != nullptr) vfs_->arm(0);
  csms_.online_ = true;
  for (int i = 0; i < 100000 && cp_->outbox().front(); ++i) deliver(1);
  if (sample_after_stop_since_cut_) ++cuts_with_sample_after_stop_;
  for (const auto pk : acked_starts_) {
    if (starts_received_.count(pk) == 0) fail("the start of transaction " + std::to_string(pk) + " never reached the CSMS");
  }
  for (const auto pk : acked_stops_) {
    if (stops_received_.count(pk) == 0) fail("the stop of transaction " + std::to_string(pk) + " never reached the CSMS");
  }
  // A sample resent after its StopTransaction is harmless only if the stop follows it again (its
  // removal was lost with the sample's), so that the CSMS's last word on the transaction is the stop.
  for (const auto pk : stop_owed_) fail("a sample of transaction " + std::to_string(pk) + " was resent after its stop, and the stop was not");
  started_total_ += acked_starts_.size();
  stopped_total_ += acked_stops_.size();
}

std::string PowerCuts::summary() const {
  std::ostringstream o;
  o << "seed " << seed_ << ": " << cuts_ << " power cuts (" << cuts_in_recovery_ << " during a recovery; tears none "
    << tears_.at(Tear::None) << ", sectors " << tears_.at(Tear::Sectors) << ", garbage " << tears_.at(Tear::Garbage)
 << "), " << kills_ << " kills, " << piles_ << " piles, " << steps_ << " steps; " << started_total_ << " transactions started, "
    << stopped_total_ << " stopped, " << codes_accepted_ << " codes accepted; the CSMS received " << received_
    << " events (" << updates_received_ << " 2.0.1 updates; " << resent_ << " again after a cut, " << samples_resent_after_stop_
    << " of them samples after their StopTransaction, after " << cuts_with_sample_after_stop_ << " of the cuts); unsynced writes undone " << torn_.writes_undone
    << ", sectors kept " << torn_.sectors_kept << ", lost " << torn_.sectors_lost << ", garbled "
    << torn_.sectors_garbage;
  return o.str();
}

// A new pile: a fresh database and a fresh record of what was acknowledged. Why piles of 100 cuts
// rather than one long life: the station's transaction ids are random UUIDs (transactions.cpp),
// and once their index outgrows one page, where it splits changes how many writes a commit makes,
// so the same seed would put its cuts elsewhere; a pile that stays small replays exactly.
void PowerCuts::new_pile() {
  if (cp_) {
    drop_codes();
    shutdown();
    std::mt19937_64 unused(1);
    if (vfs_ != nullptr) vfs_->restore(unused, Tear::None);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db_path() + suffix);
  }
  accepted_.clear();
  uncertain_.clear();
  serial_of_.clear();
  next_serial_ = 1;
  acked_starts_.clear();
  acked_stops_.clear();
  stop_watermark_ = 1;
  seen_.clear();
  max_seen_seq_ = 0;
  durably_removed_ = 0;
  reported_wh_.clear();
  last_seq_no_.clear();
  starts_received_.clear();
  stops_received_.clear();
  stop_owed_.clear();
  // Every other pile as a 2.0.1 station with its default TxStartPoint / TxStopPoint (chargepoint.md):
  // it names its transactions and records each milestone (TransactionEvent Updated).
  v201_ = piles_ % 2 == 1;
  rules_ = TransactionRules{};
  if (v201_) {
    rules_.stop_points = {TxPoint::EVConnected, TxPoint::Authorized};
    rules_.station_names_transactions = true;
    rules_.record_milestones = true;
  }
  open();
  set("meter_value_sample_interval_s", "10");
  set("connection_timeout_s", "45");
  boot_all();
  ASSERT_EQ(ring_->install(key()), std::nullopt);
  if (vfs_ != nullptr) vfs_->arm(vfs_->ops() + 1 + rng_() % kMaxGap);
  ++piles_;
}

// One pile's life: steps, with a cut wherever the VFS was armed and now and then a kill, until
// kCutsPerPile cuts (the baseline, which has none: kStepsPerPile steps).
void PowerCuts::live_one_pile(std::uint64_t max_steps) {
  const auto cuts_end = cuts_ + kCutsPerPile;
  const auto steps_end = steps_ + kStepsPerPile;
  while (cuts_ < std::min(cuts_end, target_) && steps_ < max_steps && violations_.size() < 30) {
    if (baseline_ && steps_ >= steps_end) break;
    step();
    if (!live()) {
      restart(true);
    } else if (rng_() % 200 == 0) {
      restart(false);  // a kill: the process goes, the disk keeps everything
    }
  }
  finish();
}

void PowerCuts::run(std::uint64_t max_steps) {
  for (const auto t : {Tear::None, Tear::Sectors, Tear::Garbage}) tears_[t] = 0;
  const auto began = std::chrono::steady_clock::now();
  while (cuts_ < target_ && steps_ < max_steps && violations_.size() < 30) {
    new_pile();
    if (HasFatalFailure()) return;
    live_one_pile(max_steps);
  }
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  std::cout << summary() << "; " << seconds << " s" << std::endl;
  for (const auto& v : violations_) ADD_FAILURE() << v;
  EXPECT_TRUE(violations_.empty()) << "reproduce with POWERCUT_SEED=" << seed_ << " POWERCUT_CUTS=" << target_;
}

TEST_F(PowerCuts, NothingAcknowledgedIsLostAndTheOutboxKeepsItsOrder) {
  run(target_ * 100);
  EXPECT_GE(cuts_, target_);
  // The workload must reach what is checked, or the checks prove nothing.
  EXPECT_GT(started_total_, target_ / 10) << "sessions started";
  EXPECT_GT(stopped_total_, target_ / 10) << "sessions stopped";
  EXPECT_GT(codes_accepted_, target_ / 20) << "offline codes accepted";
  EXPECT_GT(resent_, target_ / 20) << "events the CSMS got again after a cut";
  EXPECT_GT(updates_received_, target_ / 20) << "2.0.1 milestones";
  EXPECT_GT(torn_.sectors_kept, 0u);
  EXPECT_GT(torn_.sectors_garbage, 0u);
}

// Not a test: the same workload (POWERCUT_BASELINE_STEPS steps, kills at the same rate, no cuts)
// on SQLite's own VFS, for the time figures beside the harness's. Skipped unless asked for.
TEST_F(PowerCuts, Baseline) {
  const auto steps = env_number("POWERCUT_BASELINE_STEPS", 0);
  if (steps == 0) GTEST_SKIP() << "POWERCUT_BASELINE_STEPS=N runs it";
  run(steps);
}

}  // namespace
}  // namespace ocpp::cp
