#include "driver.hpp"

#include <cmath>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/charge_point.hpp"
#include "ocpp/hal/sim/sim_pile.hpp"

namespace ocpp::fleet {

ConnectorDriver::ConnectorDriver(Context context, int connector, std::uint64_t seed)
    : ctx_(std::move(context)), connector_(connector), rng_(seed) {}

void ConnectorDriver::begin() { after(draw(ctx_.options.gap_s), &ConnectorDriver::next_session); }

double ConnectorDriver::draw(const SecondsRange& r) {
  if (r.max <= r.min) return r.min;
  return std::uniform_real_distribution<double>(r.min, r.max)(rng_);
}

void ConnectorDriver::after(double seconds, void (ConnectorDriver::*step)()) {
  ctx_.loop.schedule_after(std::chrono::milliseconds(static_cast<long long>(seconds * 1000)), [this, step] { (this->*step)(); });
}

void ConnectorDriver::next_session() {
  const auto& o = ctx_.options;
  if ((o.sessions && played_ >= *o.sessions) || !ctx_.may_start()) {
    finished_ = true;
    return;
  }
  ++played_;
  current_ = SessionRecord{};
  current_.connector = connector_;
  current_.started_offline = ctx_.link_cut();
  if (auto why = ctx_.pile().sim()->plug(connector_); !why.empty()) return give_up("plug: " + why);
  authorize();
}

void ConnectorDriver::authorize() {
  const auto& o = ctx_.options;
  const bool code = o.auth == AuthMode::code || (o.auth == AuthMode::automatic && ctx_.link_cut());
  if (!code) return present(ctx_.card, false);
  fetch_code(1);
}

// The driver's phone asks the CSMS for a code for this pile and connector (the QR code's page),
// and asks again a few times, a second apart, when the answer is "not yet".
void ConnectorDriver::fetch_code(int attempt) {
  constexpr int kAttempts = 10;
  ctx_.codes->fetch(ctx_.pile().id(), connector_, [this, attempt](CodeAnswer answer) {
    // Posted from the fetcher's thread, which has no subject.
    const log::Subject scope(ctx_.pile().id());
    if (!answer.code.empty()) return present(answer.code, true);
    if (answer.transient && attempt < kAttempts) {
      ++ctx_.stats.code_fetch_retries;
      ctx_.loop.schedule_after(std::chrono::seconds(1), [this, attempt] { fetch_code(attempt + 1); });
      return;
    }
    ++ctx_.stats.code_fetch_failures;
    give_up(answer.error);
  });
}

void ConnectorDriver::present(const std::string& id, bool keypad) {
  current_.id_tag = id;
  current_.offline_code = keypad;
  ctx_.pile().core().present(connector_, id, keypad ? cp::IdSource::Keypad : cp::IdSource::Rfid,
                             [this](bool accepted, const std::string& reason) {
                               if (!accepted) {
                                 ++ctx_.stats.sessions_refused;
                                 return give_up("refused: " + reason);
                               }
                               charge();
                             });
}

void ConnectorDriver::charge() {
  auto& pile = ctx_.pile();
  const auto tx = pile.core().running_transaction(connector_);
  transaction_pk_ = tx ? tx->pk : -1;
  pile.sim()->ev_charge(connector_);
  after(draw(ctx_.options.charge_s), &ConnectorDriver::stop_charging);
}

void ConnectorDriver::stop_charging() {
  auto& pile = ctx_.pile();
  if (!pile.core().running_transaction(connector_)) {
    // Stopped by someone else meanwhile (the CSMS, a reset): the session is over all the same.
    log::warn("fleet", pile.id() + " connector " + std::to_string(connector_) + ": the transaction ended before the stop");
  } else {
    pile.sim()->press_stop(connector_);
  }
  if (transaction_pk_ >= 0) {
    if (const auto record = pile.core().transactions().get(transaction_pk_); record && record->meter_stop_wh) {
      // As each version puts them on the wire: whole Wh (1.6 meterStart/meterStop).
      current_.energy_wh = std::round(*record->meter_stop_wh) - std::round(record->meter_start_wh);
    }
  }
  ++ctx_.stats.sessions;
  ctx_.stats.session_log.push_back(current_);
  after(0.5, &ConnectorDriver::unplug);
}

void ConnectorDriver::unplug() {
  ctx_.pile().sim()->unplug(connector_);
  transaction_pk_ = -1;
  after(draw(ctx_.options.gap_s), &ConnectorDriver::next_session);
}

void ConnectorDriver::give_up(const std::string& why) {
  log::warn("fleet", ctx_.pile().id() + " connector " + std::to_string(connector_) + ": session " +
                         std::to_string(played_) + " not played: " + why);
  after(0.5, &ConnectorDriver::unplug);
}

}  // namespace ocpp::fleet
