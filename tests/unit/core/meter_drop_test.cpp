// Issue 14, defect 3: a meter that reads lower than before during a transaction (replaced, reset, a
// controller restarted with fresh hardware state) must never make the pile report a transaction
// reading lower than one it already reported, nor a stop below the start; the session is counted
// from the last good reading on, and the drop is logged as a meter fault.
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;

class MeterDrop : public CoreFixture {
 protected:
  // The simulated meter starts again at `wh`, as a replaced or reset meter does; the EV goes on.
  void reset_meter(ConnectorId id, double wh) {
    auto& c = sim(id);
    c.restore(hal::sim::EvState::Ready, c.wanted_power_w(), c.locked(), static_cast<std::int64_t>(wh * 3.6e6));
    c.set_locked(true);  // lock before power
    c.set_contactor(true);
    c.set_current_limit(32);
  }
  std::vector<double> reported_registers(std::int64_t pk) {
    std::vector<double> out;
    for (const auto& e : events()) {
      if (e.transaction_pk != pk) continue;
      if (e.kind == OutboxKind::Start) out.push_back(decode_start(e.payload).meter_start_wh);
      if (e.kind == OutboxKind::Meter) {
        if (auto v = value_of(decode_meter(e.payload).sample, "Energy.Active.Import.Register")) out.push_back(*v);
      }
      if (e.kind == OutboxKind::Stop) out.push_back(decode_stop(e.payload).meter_stop_wh);
    }
    return out;
  }
};

TEST_F(MeterDrop, AMeterThatStartsAgainLowerNeverLowersWhatTheTransactionReports) {
  set("meter_value_sample_interval_s", "10");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(std::chrono::seconds(25));  // two samples at 7.4 kW
  const double before_drop = register_wh(1);
  const double counted_before = before_drop - all_transactions().at(0).meter_start_wh;
  ASSERT_GT(counted_before, 40.0);
  // Readings just before and just after the meter is replaced (it reads 0 Wh then): what flows
  // between the last good reading and the first low one cannot be known, so none does here.
  cp().trigger_meter_values(1);
  reset_meter(1, 0);
  cp().trigger_meter_values(1);
  advance(std::chrono::seconds(20));
  const double after_drop = register_wh(1);  // what the new meter counted
  ASSERT_EQ(pile().press_stop(1), "");
  loop_.run_pending();
  const auto registers = reported_registers(pk);
  ASSERT_GE(registers.size(), 4u);
  for (std::size_t i = 1; i < registers.size(); ++i) {
    EXPECT_GE(registers[i], registers[i - 1]) << "reading " << i << " went backwards";
  }
  // The session is what the old meter counted plus what the new one counted since.
  const auto record = all_transactions().at(0);
  EXPECT_NEAR(*record.meter_stop_wh - record.meter_start_wh, counted_before + after_drop, 1.0);
}

// The same after a restart of the controller with the meter reading lower than the transaction's
// events already carried (a pile whose hardware state was lost).
TEST_F(MeterDrop, AResumedTransactionCountsOnFromWhatItAlreadyReported) {
  set("meter_value_sample_interval_s", "10");
  resume_after_power_loss_ = true;
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(std::chrono::seconds(25));
  const double reported = reported_registers(pk).back();
  shutdown();
  reset_meter(1, 100);  // fresh hardware state: far below what was reported
  sim(1).set_contactor(false);
  boot();
  ASSERT_TRUE(tx(1)) << "resumed";
  advance(std::chrono::seconds(10));
  ASSERT_EQ(pile().press_stop(1), "");
  loop_.run_pending();
  const auto registers = reported_registers(pk);
  for (std::size_t i = 1; i < registers.size(); ++i) EXPECT_GE(registers[i], registers[i - 1]);
  EXPECT_GE(*all_transactions().at(0).meter_stop_wh, reported);
}

// Without resuming, the PowerLoss stop is not below what was reported either.
TEST_F(MeterDrop, APowerLossStopIsNotBelowWhatWasReported) {
  set("meter_value_sample_interval_s", "10");
  boot();
  const auto pk = start_charging(1, "TAG-1");
  advance(std::chrono::seconds(25));
  const double reported = reported_registers(pk).back();
  shutdown();
  reset_meter(1, 5);
  boot();
  const auto record = all_transactions().at(0);
  ASSERT_FALSE(record.open());
  EXPECT_EQ(record.stop_reason, StopReason::PowerLoss);
  EXPECT_GE(*record.meter_stop_wh, reported);
}

}  // namespace
}  // namespace ocpp::cp
