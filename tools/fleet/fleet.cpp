#include "fleet.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/charge_point.hpp"
#include "ocpp/cp/protocol_adapter.hpp"
#include "ocpp/rpc/endpoint.hpp"

namespace ocpp::fleet {
namespace {

constexpr std::chrono::milliseconds kTick{200};

void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) {
    throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  }
}

std::string pile_id(const std::string& prefix, std::size_t index) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%04zu", index + 1);
  return prefix + digits;
}

}  // namespace

Fleet::Fleet(FleetOptions options) : options_(std::move(options)), started_(clock_.steady_now()) {
  times_.started_at = clock_.system_now();
  make_dir(options_.database_dir);
  if (needs_codes()) codes_ = std::make_unique<CodeFetcher>(loop_, options_.http_url, options_.user);
  for (std::size_t i = 0; i < static_cast<std::size_t>(options_.count); ++i) {
    stats_.push_back(std::make_unique<PileStats>());
    piles_.emplace_back();
    make_pile(i);
  }
}

Fleet::~Fleet() {
  codes_.reset();  // joins its thread before the loop it posts to goes
  drivers_.clear();
  for (auto& p : piles_) p.reset();
}

bool Fleet::needs_codes() const { return options_.auth != AuthMode::card; }

// A daemon configuration, as ocpp-chargepoint would read it from a file; everything that is a
// file is the pile's own, under --database-dir/ID/.
cp::daemon::Config Fleet::pile_config(std::size_t index) const {
  cp::daemon::Config c;
  c.charge_point_id = pile_id(options_.id_prefix, index);
  c.ocpp_version = options_.ocpp;
  c.csms_url = options_.csms_url;
  const std::string dir = options_.database_dir + "/" + c.charge_point_id;
  c.database = dir + "/chargepoint.db";
  c.state_dir = dir;
  c.control_socket.clear();  // driven in process
  c.connectors = options_.connectors;
  c.hal.meter_speedup = options_.meter_speedup;
  c.ocpp_config = options_.ocpp_config;  // names checked by the pile, as the daemon's file
  const std::string interval = std::to_string(options_.meter_interval_s);
  if (options_.ocpp == ProtocolVersion::v201) {
    c.ocpp_config.emplace("SampledDataCtrlr.TxUpdatedInterval", interval);
  } else {
    c.ocpp_config.emplace("MeterValueSampleInterval", interval);
  }
  // A load test on ws:// is a lab: the CSMS may provision each pile's offline-code key in plain text.
  c.offline_code.allow_plaintext_key_provisioning = options_.csms_url.rfind("ws://", 0) == 0;
  c.log.level = options_.log_level;
  return c;
}

void Fleet::make_pile(std::size_t i) {
  const auto config = pile_config(i);
  const log::Subject scope(config.charge_point_id);  // what it logs, and what it schedules, is this pile's
  make_dir(options_.database_dir + "/" + config.charge_point_id);
  piles_[i] = std::make_unique<cp::daemon::Pile>(loop_, clock_, config, [this, i](bool hard) {
    log::warn("fleet", piles_[i]->id() + ": " + (hard ? "hard" : "soft") + " reset asked by the CSMS: restarting it");
    // Not from inside the pile's own call stack: the pile is replaced once that has unwound.
    loop_.post([this, i] { restart_pile(i); });
  });
  piles_[i]->rpc().set_observer(stats_[i].get());
}

// What ocpp-chargepoint does after a Reset (a new process, the same files): a new Pile.
void Fleet::restart_pile(std::size_t i) {
  piles_[i]->rpc().set_observer(nullptr);
  piles_[i].reset();
  make_pile(i);
  const log::Subject scope(piles_[i]->id());
  piles_[i]->start();
  if (link_cut_) piles_[i]->adapter().stop();
}

double Fleet::elapsed_s() const { return std::chrono::duration<double>(clock_.steady_now() - started_).count(); }

bool Fleet::ready(std::size_t i) {
  auto& p = *piles_[i];
  if (!p.adapter().connected() || p.adapter().registration() != cp::Registration::Accepted) return false;
  return !needs_codes() || p.offline_code_key_version() > 0;
}

bool Fleet::drained(std::size_t i) {
  auto& p = *piles_[i];
  return p.adapter().connected() && p.adapter().registration() == cp::Registration::Accepted &&
         p.core().outbox().size() == 0 && p.rpc().queued() == 0;
}

int Fleet::run() {
  for (auto& p : piles_) {
    const log::Subject scope(p->id());
    p->start();
  }
  schedule_tick();
  loop_.stop_on_signals([this] { finish("stopped by a signal"); });
  loop_.run();
  return failure_.empty() ? 0 : 1;
}

void Fleet::schedule_tick() {
  tick_due_ = clock_.steady_now() + kTick;
  loop_.schedule_after(kTick, [this] { tick(); });
}

void Fleet::tick() {
  if (phase_ == Phase::done) return;
  const auto now = clock_.steady_now();
  loop_lag_us_.push_back(static_cast<std::uint32_t>(
      std::max<long long>(0, std::chrono::duration_cast<std::chrono::microseconds>(now - tick_due_).count())));
  std::size_t count = 0;
  if (phase_ == Phase::registering) {
    for (std::size_t i = 0; i < piles_.size(); ++i) count += ready(i) ? 1 : 0;
    if (count == piles_.size()) {
      times_.ready_s = elapsed_s();
      begin_playing();
    } else if (elapsed_s() > options_.ready_timeout_s) {
      return finish(std::to_string(piles_.size() - count) + " of " + std::to_string(piles_.size()) +
                    " piles not registered" + (needs_codes() ? " and given an offline-code key" : "") + " within " +
                    std::to_string(options_.ready_timeout_s) + " s");
    }
  } else if (phase_ == Phase::playing) {
    bool all_done = true;
    for (const auto& d : drivers_) all_done = all_done && d->done();
    const bool cut_pending = options_.offline_at_s && !cut_done_;
    if (all_done && !cut_pending) {
      phase_ = Phase::draining;
      drain_deadline_ = now + std::chrono::milliseconds(static_cast<long long>(options_.drain_timeout_s * 1000));
    }
  }
  // The replay after a cut is timed apart from the end: sessions may still be playing.
  if (phase_ == Phase::draining || (phase_ == Phase::playing && cut_done_ && times_.replay_s < 0)) {
    std::size_t drained_count = 0;
    for (std::size_t i = 0; i < piles_.size(); ++i) drained_count += drained(i) ? 1 : 0;
    const bool all = drained_count == piles_.size();
    if (all && cut_done_ && times_.replay_s < 0) times_.replay_s = elapsed_s() - times_.restored_at_s;
    if (phase_ == Phase::draining && all) return finish({});
    if (phase_ == Phase::draining && now > *drain_deadline_) {
      return finish(std::to_string(piles_.size() - drained_count) + " piles still had events to deliver after " +
                    std::to_string(options_.drain_timeout_s) + " s");
    }
  }
  schedule_tick();
}

void Fleet::begin_playing() {
  phase_ = Phase::playing;
  playing_since_ = clock_.steady_now();
  // On standard output too, for a script that measures the fleet while it plays (bench/).
  std::printf("registered: %zu piles after %.2f s\n", piles_.size(), times_.ready_s);
  std::fflush(stdout);
  if (options_.offline_at_s) {
    const auto at = std::chrono::milliseconds(static_cast<long long>(*options_.offline_at_s * 1000));
    const auto back = at + std::chrono::milliseconds(static_cast<long long>(options_.offline_for_s * 1000));
    // The cut comes first when it is due at once: sessions meant to start offline start offline.
    if (at.count() == 0) {
      cut_links();
    } else {
      loop_.schedule_after(at, [this] { cut_links(); });
    }
    loop_.schedule_after(back, [this] { restore_links(); });
  }
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < piles_.size(); ++i) {
    for (int c = 1; c <= options_.connectors; ++c) {
      ConnectorDriver::Context ctx{loop_,
                                   options_,
                                   [this, i]() -> cp::daemon::Pile& { return *piles_[i]; },
                                   *stats_[i],
                                   codes_.get(),
                                   [this] { return link_cut_; },
                                   [this] {
                                     return !options_.duration_s ||
                                            std::chrono::duration<double>(clock_.steady_now() - playing_since_).count() <
                                                *options_.duration_s;
                                   },
                                   "CARD-" + std::to_string(i + 1) + "-" + std::to_string(c)};
      // Every connector its own stream of draws, the same for the same seed whatever N is.
      drivers_.push_back(std::make_unique<ConnectorDriver>(std::move(ctx), c, options_.seed * 1000003ULL + (++n)));
      const log::Subject scope(piles_[i]->id());
      drivers_.back()->begin();
    }
  }
}

// Every pile's link at once (docs/fleet.md "Link cuts"): each pile closes its connection and does
// not reconnect until restore_links(); to the pile that is a lost link, like a cut cable.
void Fleet::cut_links() {
  link_cut_ = true;
  times_.cut_at_s = elapsed_s();
  log::info("fleet", "cutting the links of " + std::to_string(piles_.size()) + " piles");
  for (auto& p : piles_) {
    const log::Subject scope(p->id());
    p->adapter().stop();
  }
}

void Fleet::restore_links() {
  link_cut_ = false;
  cut_done_ = true;
  times_.restored_at_s = elapsed_s();
  log::info("fleet", "giving " + std::to_string(piles_.size()) + " piles their links back");
  for (auto& p : piles_) {
    const log::Subject scope(p->id());
    p->adapter().start();
  }
}

void Fleet::finish(const std::string& failure) {
  if (phase_ == Phase::done) return;
  phase_ = Phase::done;
  failure_ = failure;
  times_.finished_s = elapsed_s();
  if (!failure.empty()) log::error("fleet", failure);
  for (auto& p : piles_) {
    const log::Subject scope(p->id());
    p->shut_down();
  }
  loop_.stop();
}

}  // namespace ocpp::fleet
