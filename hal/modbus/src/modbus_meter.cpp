#include "ocpp/hal/modbus/modbus_meter.hpp"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "ocpp/common/log.hpp"
#include "log_policy.hpp"

namespace ocpp::hal::modbus {
namespace {

using detail::kLoggedPerStreak;

std::string wh(double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%.3f Wh", v);
  return text;
}

const MeterConfig& checked(const MeterConfig& c) {
  if (c.unit < 1 || c.unit > 247) throw std::invalid_argument(c.label + ": unit must be 1-247, got " + std::to_string(c.unit));
  if (c.poll_interval < std::chrono::milliseconds{100}) throw std::invalid_argument(c.label + ": poll interval must be >= 100 ms");
  if (c.failures_before_fault < 1 || c.refusals_before_fault < 1) {
    throw std::invalid_argument(c.label + ": failures_before_fault and refusals_before_fault must be >= 1");
  }
  if (!(c.max_power_w > 0) || !std::isfinite(c.max_power_w)) throw std::invalid_argument(c.label + ": max_power_w must be > 0");
  return c;
}

}  // namespace

ModbusMeter::ModbusMeter(EventLoop& loop, ModbusBus& bus, MeterModel model, MeterConfig config, FaultHandler on_fault)
    : loop_(loop), bus_(bus), decoder_(std::move(model)), config_(checked(config)), on_fault_(std::move(on_fault)) {}

ModbusMeter::~ModbusMeter() {
  if (timer_ != 0) loop_.cancel(timer_);
}

std::string ModbusMeter::name() const {
  return config_.label + " (" + decoder_.model().name + ", unit " + std::to_string(config_.unit) + " on " + bus_.describe() + ")";
}

std::optional<MeterReading> ModbusMeter::reading() const {
  if (failed()) return std::nullopt;
  return last_good_;
}

Job ModbusMeter::job() const {
  Job j;
  j.unit = config_.unit;
  for (const ReadBlock& b : decoder_.blocks()) j.operations.emplace_back(ReadRegisters{b.table, b.address, b.count});
  return j;
}

void ModbusMeter::read_now() { handle(bus_.run(job())); }

void ModbusMeter::start() {
  if (timer_ != 0) loop_.cancel(timer_);
  timer_ = loop_.schedule_after(config_.poll_interval, [this] { poll(); });
}

void ModbusMeter::poll() {
  timer_ = loop_.schedule_after(config_.poll_interval, [this] { poll(); });
  // A bus slowed down by timeouts is not queued up further: this poll is skipped.
  if (in_flight_) return;
  in_flight_ = true;
  std::weak_ptr<int> alive = alive_;
  bus_.submit(job(), [this, alive](JobResult result) {
    if (!alive.lock()) return;
    in_flight_ = false;
    handle(result);
  });
}

std::string ModbusMeter::implausibility(const MeterReading& r, SteadyTime now) const {
  if (!last_good_) return {};
  const double before = last_good_->energy_wh;
  const double delta = r.energy_wh - before;
  if (delta < 0) return "the energy register went backwards from " + wh(before) + " to " + wh(r.energy_wh);
  const double hours = std::chrono::duration<double, std::ratio<3600>>(now - last_good_at_).count();
  // What max_power_w delivers in the time since the last accepted reading, plus two steps of the
  // register's resolution (a coarse register moves in steps).
  const double allowed = config_.max_power_w * hours + 2 * decoder_.energy_resolution_wh(r.energy_wh) + 1e-6;
  if (delta > allowed) {
    return "the energy register jumped from " + wh(before) + " to " + wh(r.energy_wh) + ", more than " +
           std::to_string(static_cast<long long>(config_.max_power_w)) + " W could deliver in " +
           std::to_string(static_cast<long long>(hours * 3600 * 1000)) + " ms";
  }
  return {};
}

void ModbusMeter::handle(const JobResult& result) {
  ++stats_.polls;
  if (!result.ok) {
    answered_badly(result.error);
    return;
  }
  const SteadyTime now = loop_.clock().steady_now();
  const auto decoded = decoder_.decode(result.reads);
  // It answered: whatever the answer holds, the link is back.
  if (failure_streak_ > 0) {
    log::info("modbus", name() + ": answers again after " + std::to_string(failure_streak_) + " polls without an answer");
  }
  failure_streak_ = 0;
  std::string refused = decoded.reading ? implausibility(*decoded.reading, now) : decoded.error;
  if (!refused.empty()) {
    ++stats_.refusals;
    ++refusal_streak_;
    if (refusal_streak_ <= kLoggedPerStreak) {
      log::warn("modbus", name() + ": reading refused: " + refused +
                              (refusal_streak_ == kLoggedPerStreak ? " (further refusals are counted, not logged)" : ""));
    }
    if (silent_) {
      silent_ = false;
      if (on_fault_) on_fault_(FaultSource::meter_silent, ErrorCode::NoError, {});
    }
    if (refusal_streak_ == config_.refusals_before_fault && !implausible_) {
      // Reported before the reading goes: a transaction this stops ends on the last good one.
      if (on_fault_) on_fault_(FaultSource::meter_implausible, ErrorCode::PowerMeterFailure, name() + ": " + refused);
      implausible_ = true;
    }
    return;
  }
  if (refusal_streak_ > 0) {
    log::info("modbus", name() + ": reading accepted after " + std::to_string(refusal_streak_) + " refused");
  }
  refusal_streak_ = 0;
  last_good_ = decoded.reading;
  last_good_at_ = now;
  // The new reading is in place before anyone hears that the fault cleared.
  const bool was_silent = silent_;
  const bool was_implausible = implausible_;
  silent_ = false;
  implausible_ = false;
  if (was_silent && on_fault_) on_fault_(FaultSource::meter_silent, ErrorCode::NoError, {});
  if (was_implausible && on_fault_) on_fault_(FaultSource::meter_implausible, ErrorCode::NoError, {});
}

void ModbusMeter::answered_badly(const std::string& error) {
  ++stats_.failures;
  ++failure_streak_;
  if (failure_streak_ <= kLoggedPerStreak) {
    log::warn("modbus", name() + ": no usable answer: " + error +
                            (failure_streak_ == kLoggedPerStreak ? " (further failures are counted, not logged)" : ""));
  }
  if (failure_streak_ == config_.failures_before_fault && !silent_) {
    // Reported before the reading goes: a transaction this stops ends on the last good one.
    if (on_fault_) on_fault_(FaultSource::meter_silent, ErrorCode::PowerMeterFailure, name() + " does not answer: " + error);
    silent_ = true;
  }
}

}  // namespace ocpp::hal::modbus
