#pragma once
// Shared by the ChargePoint tests: the core wired as the daemon wires it (chargepoint/daemon/
// runtime.cpp, Parts), with a ManualEventLoop instead of the libwebsockets loop, a real SQLite file,
// the real authorization chain, the simulated pile, and a fake CSMS in place of the 1.6 adapter.
//
// The fake CSMS is both the CsmsLink (it records every StatusNotification and can be set offline)
// and the CsmsAuthorize round trip (it answers from a map of id tags, or stays silent).
// Between the core and the pile sits a tap (TappedHal) that records, at the moment the contactor
// closes, what the database held then: principle 4 says the transaction and its start event are
// durable before that moment.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <ostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ocpp/common/datetime.hpp"
#include "ocpp/common/log.hpp"
#include "ocpp/common/timer_queue.hpp"
#include "ocpp/cp/authorization.hpp"
#include "ocpp/cp/chain_authorization.hpp"
#include "ocpp/cp/charge_point.hpp"
#include "ocpp/cp/charging_events.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/store.hpp"
#include "ocpp/hal/sim/sim_pile.hpp"
#include "status_words.hpp"

// Readable values in gtest's failure messages.
namespace ocpp::hal {
inline void PrintTo(ErrorCode e, std::ostream* os) { *os << to_string(e); }
}  // namespace ocpp::hal
namespace ocpp::cp {
inline void PrintTo(StopReason r, std::ostream* os) { *os << to_string(r); }
}  // namespace ocpp::cp

namespace ocpp::cp::core_test {

using namespace std::chrono_literals;

// --- the CSMS ---------------------------------------------------------------------------------

struct StatusReport {
  ConnectorId connector = 0;
  Word status = Word::Available;  // summary(state)
  ConnectorState state;
  ErrorCode error = ErrorCode::NoError;
  std::string info;
  SystemTime at{};
};

class FakeCsms final : public CsmsLink, public CsmsAuthorize {
 public:
  // How Authorize.req is answered while online.
  enum class Mode {
    Answer,   // at once, from `known` (an unknown id tag is Invalid)
    Timeout,  // the adapter's timeout: done(nullopt), as if the CSMS never answered
    Hold,     // not at all until the test calls answer_held()
  };

  bool online() const override { return online_; }
  void send_status(ConnectorId connector, const ConnectorState& state, ErrorCode error, const std::string& info,
                   SystemTime at) override {
    statuses.push_back({connector, word_of(state), state, error, info, at});
  }

  void reservation_ended(std::int32_t reservation_id, ReservationEnd why) override {
    reservation_ends.emplace_back(reservation_id, why);
  }

  void authorize(const std::string& id_tag, std::function<void(std::optional<IdTagInfo>)> done) override {
    authorize_requests.push_back(id_tag);
    if (!online_) {
      done(std::nullopt);
      return;
    }
    switch (mode) {
      case Mode::Answer: {
        const auto it = known.find(id_tag);
        IdTagInfo info;
        info.status = it == known.end() ? AuthorizationStatus::Invalid : it->second;
        if (const auto group = groups.find(id_tag); group != groups.end()) info.parent_id_tag = group->second;
        done(info);
        return;
      }
      case Mode::Timeout:
        done(std::nullopt);
        return;
      case Mode::Hold:
        held.push_back(std::move(done));
        return;
    }
  }

  void answer_held(std::optional<AuthorizationStatus> status) {
    ASSERT_FALSE(held.empty());
    auto done = std::move(held.front());
    held.pop_front();
    if (!status) {
      done(std::nullopt);
      return;
    }
    IdTagInfo info;
    info.status = *status;
    done(info);
  }

  // The statuses reported for one connector, in order, as a 1.6 CSMS hears them: the core reports
  // every change of a connector's state, and a change that keeps its word and error (an EV
  // plugged in while an authorized session waits) is no new status (the 1.6 adapter skips it).
  std::vector<Word> statuses_of(ConnectorId connector) const {
    std::vector<Word> out;
    std::optional<std::pair<Word, ErrorCode>> last;
    for (const auto& s : statuses) {
      if (s.connector != connector) continue;
      if (last && *last == std::make_pair(s.status, s.error)) continue;
      last = std::make_pair(s.status, s.error);
      out.push_back(s.status);
    }
    return out;
  }
  std::optional<StatusReport> last_of(ConnectorId connector) const {
    for (auto it = statuses.rbegin(); it != statuses.rend(); ++it) {
      if (it->connector == connector) return *it;
    }
    return std::nullopt;
  }

  bool online_ = true;
  Mode mode = Mode::Answer;
  std::map<std::string, AuthorizationStatus> known;
  std::map<std::string, std::string> groups;  // the group id (parent id tag) answered with an id
  std::vector<StatusReport> statuses;
  std::vector<std::string> authorize_requests;
  std::vector<std::pair<std::int32_t, ReservationEnd>> reservation_ends;  // as the core reported them
  std::deque<std::function<void(std::optional<IdTagInfo>)>> held;
};

// --- the tap between the core and the pile ----------------------------------------------------

class TappedConnector final : public hal::ConnectorHardware {
 public:
  TappedConnector(ConnectorId id, hal::ConnectorHardware& inner, std::function<void(ConnectorId, bool)> before)
      : id_(id), inner_(inner), before_contactor_(std::move(before)) {}
  std::optional<MeterReading> read_meter() override {
    if (meter_down) return std::nullopt;
    return inner_.read_meter();
  }
  bool meter_down = false;  // the meter stops answering, before any driver reports a fault
  void set_contactor(bool closed) override {
    if (closed != inner_.contactor_closed()) before_contactor_(id_, closed);
    inner_.set_contactor(closed);
  }
  bool contactor_closed() const override { return inner_.contactor_closed(); }
  void set_current_limit(double amps) override { inner_.set_current_limit(amps); }
  void set_power_limit(double watts) override {
    power_limit_w = watts;
    inner_.set_power_limit(watts);
  }
  bool direct_current() const override { return dc || inner_.direct_current(); }
  bool dc = false;                      // plays a DC connector (a power stage), whatever the sim is
  std::optional<double> power_limit_w;  // the last power limit the core gave
  double min_current_a() const override { return inner_.min_current_a(); }
  bool set_locked(bool locked) override { return inner_.set_locked(locked); }
  hal::PilotState pilot() const override { return inner_.pilot(); }

 private:
  ConnectorId id_;
  hal::ConnectorHardware& inner_;
  std::function<void(ConnectorId, bool)> before_contactor_;
};

class TappedHal final : public hal::Hal {
 public:
  TappedHal(hal::sim::SimPile& pile, std::function<void(ConnectorId, bool)> before_contactor) : pile_(pile) {
    for (ConnectorId id = 1; id <= pile.connector_count(); ++id) {
      connectors_.push_back(std::make_unique<TappedConnector>(id, pile.connector(id), before_contactor));
    }
  }
  int connector_count() const override { return pile_.connector_count(); }
  hal::ConnectorHardware& connector(ConnectorId id) override {
    return *connectors_.at(static_cast<std::size_t>(id - 1));
  }
  hal::Display& display() override { return pile_.display(); }
  void set_listener(hal::HalListener* listener) override { pile_.set_listener(listener); }
  TappedConnector& tapped(ConnectorId id) { return *connectors_.at(static_cast<std::size_t>(id - 1)); }

 private:
  hal::sim::SimPile& pile_;
  std::vector<std::unique_ptr<TappedConnector>> connectors_;
};

// What the database held when a contactor was about to move.
struct ContactorMove {
  ConnectorId connector = 0;
  bool closing = false;
  std::vector<std::pair<OutboxKind, std::optional<std::int64_t>>> outbox;  // kind, transaction pk
  std::vector<TransactionRecord> open_transactions;
};

// --- helpers --------------------------------------------------------------------------------

inline SystemTime at_utc(const char* rfc3339) { return parse_rfc3339(rfc3339).value(); }

inline std::optional<double> value_of(const MeterSample& s, const std::string& measurand,
                                      const std::optional<std::string>& phase = std::nullopt) {
  for (const auto& v : s.values) {
    if (v.measurand == measurand && v.phase == phase) return v.value;
  }
  return std::nullopt;
}

inline const SampledValue* find_value(const MeterSample& s, const std::string& measurand,
                                      const std::optional<std::string>& phase = std::nullopt) {
  for (const auto& v : s.values) {
    if (v.measurand == measurand && v.phase == phase) return &v;
  }
  return nullptr;
}

// --- the fixture ------------------------------------------------------------------------------

class CoreFixture : public ::testing::Test {
 protected:
  // Friday 2025-03-14 10:07:13 UTC: not aligned to any round interval.
  CoreFixture() : clock_(at_utc("2025-03-14T10:07:13Z")), loop_(clock_) {}

  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "ocpp-core-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    // Quiet unless asked (OCPP_TEST_LOG=1): a failing test prints what it checked, not the log.
    saved_level_ = log::level();
    if (getenv("OCPP_TEST_LOG") == nullptr) log::set_level(log::Level::error);
  }

  void TearDown() override {
    shutdown();
    pile_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    log::set_level(saved_level_);
  }

  std::string db_path() const { return (dir_ / "cp.db").string(); }

  // Opens the store and the settings (so that a test can configure before boot()).
  void open() {
    if (store_) return;
    store_ = std::make_unique<Store>(db_path());
    settings_ = std::make_unique<Settings>(store_->db(), core_setting_specs());
  }

  // Sets a setting as the CSMS would (persisted, observers told). Fails the test if refused.
  void set(const std::string& name, const std::string& value) {
    open();
    std::string why;
    const auto r = settings_->set(name, value, &why);
    ASSERT_TRUE(r == SetResult::Accepted || r == SetResult::RebootRequired) << name << "=" << value << ": " << why;
  }

  // Wires and starts the core as the daemon does. The pile is created once and survives reboot(),
  // as the hardware survives a restart of its controller.
  void boot(int connectors = 2) {
    open();
    if (!pile_) {
      hal::sim::SimOptions o;
      o.initial_energy_wh = 1234567;
      pile_ = std::make_unique<hal::sim::SimPile>(loop_, connectors, o);
    }
    hal_ = std::make_unique<TappedHal>(*pile_, [this](ConnectorId id, bool closing) { record_move(id, closing); });
    cache_ = std::make_unique<AuthCache>(store_->db());
    list_ = std::make_unique<LocalAuthList>(store_->db());
    authorizer_ = std::make_unique<Authorizer>(*list_, *cache_, csms_, clock_);
    if (code_verifier_ != nullptr) authorizer_->set_offline_code_verifier(code_verifier_);
    chain_ = std::make_unique<ChainAuthorization>(*authorizer_, *list_, *cache_, *settings_, clock_, csms_);
    cp_ = std::make_unique<ChargePoint>(loop_, *store_, *hal_, *settings_, *chain_, csms_);
    cp_->set_rules(rules_);
    pile_->set_listener(cp_.get());
    cp_->start(resume_after_power_loss_);
    loop_.run_pending();
  }

  // The daemon's resume_transactions_after_power_loss, for the next boot().
  bool resume_after_power_loss_ = false;
  // What the protocol adapter would ask of the core (1.6's by default), for the next boot().
  TransactionRules rules_;
  // The offline-code verifier the Authorizer asks about keypad codes, for the next boot(); none by default.
  OfflineCodeVerifier* code_verifier_ = nullptr;

  // Tears the core down without stopping anything, as a crash or a power cut does. The
  // controller's outputs drop with it: contactors open, current limits 0.
  void shutdown() {
    if (pile_) pile_->set_listener(nullptr);
    cp_.reset();
    chain_.reset();
    authorizer_.reset();
    list_.reset();
    cache_.reset();
    hal_.reset();
    settings_.reset();
    store_.reset();
    if (pile_) {
      for (ConnectorId id = 1; id <= pile_->connector_count(); ++id) {
        pile_->sim_connector(id).set_contactor(false);
        pile_->sim_connector(id).set_current_limit(0);
      }
    }
  }

  void reboot() {
    shutdown();
    boot(pile_ ? pile_->connector_count() : 2);
  }

  void record_move(ConnectorId id, bool closing) {
    ContactorMove m;
    m.connector = id;
    m.closing = closing;
    auto st = store_->db().prepare("SELECT kind, transaction_pk FROM outbox ORDER BY seq");
    while (st.step()) {
      OutboxKind kind = OutboxKind::Meter;
      from_string(st.text(0), kind);
      m.outbox.emplace_back(kind, st.optional_int64(1));
    }
    m.open_transactions = cp_->transactions().open_transactions();
    moves_.push_back(std::move(m));
  }

  // --- driving ---
  void advance(std::chrono::milliseconds d) { loop_.advance(d); }
  ChargePoint& cp() { return *cp_; }
  hal::sim::SimPile& pile() { return *pile_; }
  hal::sim::SimConnector& sim(ConnectorId id) { return pile_->sim_connector(id); }
  double register_wh(ConnectorId id) { return sim(id).energy_wh(); }
  Word status(ConnectorId id) { return word_of(cp_->state(id)); }

  // Every outbox event, oldest first (the outbox is only read here, never consumed).
  std::vector<OutboxEvent> events() {
    std::vector<OutboxEvent> out;
    auto st = store_->db().prepare(
        "SELECT seq, kind, transaction_pk, payload, attempts, seq_no, offline FROM outbox ORDER BY seq");
    while (st.step()) {
      OutboxEvent e;
      e.seq = st.int64(0);
      from_string(st.text(1), e.kind);
      e.transaction_pk = st.optional_int64(2);
      e.payload = st.text(3);
      e.attempts = static_cast<int>(st.int64(4));
      e.seq_no = st.optional_int64(5);
      e.offline = st.int64(6) != 0;
      out.push_back(std::move(e));
    }
    return out;
  }
  std::vector<OutboxEvent> events_of(OutboxKind kind) {
    std::vector<OutboxEvent> out;
    for (auto& e : events()) {
      if (e.kind == kind) out.push_back(std::move(e));
    }
    return out;
  }
  std::vector<StartEvent> starts() {
    std::vector<StartEvent> out;
    for (const auto& e : events_of(OutboxKind::Start)) out.push_back(decode_start(e.payload));
    return out;
  }
  std::vector<MeterEvent> meters() {
    std::vector<MeterEvent> out;
    for (const auto& e : events_of(OutboxKind::Meter)) out.push_back(decode_meter(e.payload));
    return out;
  }
  std::vector<StopEvent> stops() {
    std::vector<StopEvent> out;
    for (const auto& e : events_of(OutboxKind::Stop)) out.push_back(decode_stop(e.payload));
    return out;
  }
  std::vector<TransactionRecord> all_transactions() {
    std::vector<TransactionRecord> out;
    auto st = store_->db().prepare("SELECT pk FROM transactions ORDER BY pk");
    while (st.step()) {
      if (auto t = cp_->transactions().get(st.int64(0))) out.push_back(*t);
    }
    return out;
  }

  // The running transaction of a connector, as the views show it.
  std::optional<TransactionView> tx(ConnectorId id) {
    return cp_->view().at(static_cast<std::size_t>(id - 1)).transaction;
  }

  // Plug, present an id the CSMS accepts, EV asks for energy: a running, charging transaction.
  std::int64_t start_charging(ConnectorId id, const std::string& id_tag) {
    csms_.known[id_tag] = AuthorizationStatus::Accepted;
    EXPECT_EQ(pile_->plug(id), "");
    EXPECT_EQ(pile_->present_id(id, id_tag), "");
    EXPECT_EQ(pile_->ev_charge(id), "");
    loop_.run_pending();
    const auto t = tx(id);
    EXPECT_TRUE(t.has_value()) << "connector " << id << " did not start a transaction for " << id_tag;
    return t ? t->pk : 0;
  }

  // What the CSMS's StartTransaction.conf would do through the adapter.
  void confirm(std::int64_t pk, const std::string& csms_id, AuthorizationStatus status) {
    IdTagInfo info;
    info.status = status;
    cp_->start_confirmed(pk, csms_id, info);
    loop_.run_pending();
  }

  ManualClock clock_;
  ManualEventLoop loop_;
  std::filesystem::path dir_;
  FakeCsms csms_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Settings> settings_;
  std::unique_ptr<hal::sim::SimPile> pile_;
  std::unique_ptr<TappedHal> hal_;
  std::unique_ptr<AuthCache> cache_;
  std::unique_ptr<LocalAuthList> list_;
  std::unique_ptr<Authorizer> authorizer_;
  std::unique_ptr<ChainAuthorization> chain_;
  std::unique_ptr<ChargePoint> cp_;
  std::vector<ContactorMove> moves_;
  log::Level saved_level_ = log::Level::info;
};

}  // namespace ocpp::cp::core_test
