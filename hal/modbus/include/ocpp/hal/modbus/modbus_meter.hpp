#pragma once
// One energy meter on a Modbus bus, read every poll interval off the event loop. read_meter()
// answers from the last accepted reading, at once (the core reads it on the loop thread).
//
// Failure handling (issue 7; docs/configuration.md, "The modbus driver"):
// - no answer for failures_before_fault polls in a row: PowerMeterFailure ("does not answer"),
//   cleared by the next answer;
// - an energy register that went backwards, jumped more than max_power_w could deliver since
//   the last accepted reading, or holds no value: the reading is refused and logged, the last
//   accepted one stays; refusals_before_fault in a row: PowerMeterFailure ("implausible"),
//   cleared by the next reading that fits;
// - while the fault is reported (the core stops a running transaction then, and reads the meter
//   for its stop value), reading() still answers the last accepted reading: the transaction ends
//   on the last register the meter gave. From then until the meter answers plausibly again,
//   reading() is nullopt.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "ocpp/common/event_loop.hpp"
#include "ocpp/hal/modbus/fault_set.hpp"
#include "ocpp/hal/modbus/meter_decoder.hpp"
#include "ocpp/hal/modbus/modbus_bus.hpp"
#include "ocpp/hal/types.hpp"

namespace ocpp::hal::modbus {

struct MeterConfig {
  int unit = 1;
  std::chrono::milliseconds poll_interval{1000};
  int failures_before_fault = 3;
  int refusals_before_fault = 3;
  // The most the connector can draw: an increase of the energy register beyond this power over
  // the time since the last accepted reading is refused as implausible.
  double max_power_w = 100000;
  std::string label = "meter";  // "meter of connector 1": in log lines and fault texts
};

class ModbusMeter {
 public:
  using FaultHandler = std::function<void(FaultSource source, ErrorCode code, const std::string& info)>;

  // Throws std::invalid_argument for a unit outside 1..247, a poll interval < 100 ms, counts < 1
  // or a max_power_w that is not > 0.
  ModbusMeter(EventLoop& loop, ModbusBus& bus, MeterModel model, MeterConfig config, FaultHandler on_fault);
  ~ModbusMeter();
  ModbusMeter(const ModbusMeter&) = delete;
  ModbusMeter& operator=(const ModbusMeter&) = delete;

  // One poll, waiting for its answer: for the start-up reading before the event loop runs.
  void read_now();
  // Polls every poll_interval from now on.
  void start();

  std::optional<MeterReading> reading() const;
  bool failed() const { return silent_ || implausible_; }
  const MeterModel& model() const { return decoder_.model(); }
  const MeterConfig& config() const { return config_; }
  std::string name() const;

  struct Stats {
    std::uint64_t polls = 0;
    std::uint64_t failures = 0;  // polls without a usable answer
    std::uint64_t refusals = 0;  // answers whose energy register was refused
  };
  const Stats& stats() const { return stats_; }

 private:
  Job job() const;
  void poll();
  void handle(const JobResult& result);
  void answered_badly(const std::string& error);
  // "" when `r` may follow the last accepted reading, else why not.
  std::string implausibility(const MeterReading& r, SteadyTime now) const;

  EventLoop& loop_;
  ModbusBus& bus_;
  MeterDecoder decoder_;
  const MeterConfig config_;
  FaultHandler on_fault_;
  TimerId timer_ = 0;
  bool in_flight_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // results delivered after we are gone do nothing

  std::optional<MeterReading> last_good_;
  SteadyTime last_good_at_{};
  int failure_streak_ = 0;
  int refusal_streak_ = 0;
  bool silent_ = false;
  bool implausible_ = false;
  Stats stats_;
};

}  // namespace ocpp::hal::modbus
