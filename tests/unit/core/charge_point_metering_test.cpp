// ChargePoint: metering. Periodic samples during a transaction (1.6 MeterValueSampleInterval,
// MeterValuesSampledData), clock-aligned samples (ClockAlignedDataInterval, MeterValuesAlignedData)
// and the readings carried in the stop event (StopTxnSampledData, StopTxnAlignedData).
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;

class ChargePointMetering : public CoreFixture {
 protected:
  std::vector<MeterEvent> meters_with(const std::string& context) {
    std::vector<MeterEvent> out;
    for (auto& m : meters()) {
      if (m.sample.context == context) out.push_back(std::move(m));
    }
    return out;
  }
};

TEST_F(ChargePointMetering, SampleIntervalZeroDisablesPeriodicSamples) {
  set("meter_value_sample_interval_s", "0");
  boot();
  start_charging(1, "TAG-1");
  advance(2h);
  EXPECT_TRUE(meters().empty());
  ASSERT_EQ(pile().press_stop(1), "");
  EXPECT_EQ(stops().size(), 1u);
}

// Samples are taken during a transaction only.
TEST_F(ChargePointMetering, NoPeriodicSamplesWithoutATransaction) {
  boot();
  ASSERT_EQ(pile().plug(1), "");
  advance(10min);
  EXPECT_TRUE(meters().empty());
}

// Every configured measurand, with its unit and phase: energy (Wh), power (W), current per phase
// (A, L1..L3), voltage per phase (V, L1-N..L3-N).
TEST_F(ChargePointMetering, SamplesCarryTheConfiguredMeasurands) {
  set("meter_value_sample_interval_s", "30");
  set("meter_values_sampled_data", "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage");
  boot();
  start_charging(1, "TAG-1");
  advance(30s);
  const auto samples = meters();
  ASSERT_EQ(samples.size(), 1u);
  const auto& s = samples[0].sample;
  EXPECT_EQ(s.context, "Sample.Periodic");
  EXPECT_EQ(s.at, clock_.system_now());
  ASSERT_EQ(s.values.size(), 8u);

  const auto* energy = find_value(s, "Energy.Active.Import.Register");
  ASSERT_NE(energy, nullptr);
  EXPECT_EQ(energy->unit, "Wh");
  EXPECT_DOUBLE_EQ(energy->value, register_wh(1));
  const auto* power = find_value(s, "Power.Active.Import");
  ASSERT_NE(power, nullptr);
  EXPECT_EQ(power->unit, "W");
  EXPECT_DOUBLE_EQ(power->value, 7400);
  for (const char* phase : {"L1", "L2", "L3"}) {
    const auto* current = find_value(s, "Current.Import", std::string(phase));
    ASSERT_NE(current, nullptr) << phase;
    EXPECT_EQ(current->unit, "A");
    EXPECT_NEAR(current->value, 7400.0 / (230 * 3), 1e-9);
  }
  for (const char* phase : {"L1-N", "L2-N", "L3-N"}) {
    const auto* voltage = find_value(s, "Voltage", std::string(phase));
    ASSERT_NE(voltage, nullptr) << phase;
    EXPECT_EQ(voltage->unit, "V");
    EXPECT_DOUBLE_EQ(voltage->value, 230);
  }
  // Nothing the configuration did not ask for.
  EXPECT_EQ(find_value(s, "SoC"), nullptr);
}

// A change of MeterValueSampleInterval applies from the next sample on.
TEST_F(ChargePointMetering, SampleIntervalChangeApplies) {
  boot();
  start_charging(1, "TAG-1");
  advance(60s);
  EXPECT_EQ(meters().size(), 1u);
  set("meter_value_sample_interval_s", "10");
  advance(60s);  // the pending 60 s sample, then every 10 s
  const auto n = meters().size();
  EXPECT_GE(n, 2u);
  advance(60s);
  EXPECT_EQ(meters().size(), n + 6);
}

// 1.6 ClockAlignedDataInterval: at whole multiples of the interval since midnight UTC. At
// 10:07:13 with 900 s the first is at 10:15:00, then 10:30:00, on every connector.
TEST_F(ChargePointMetering, ClockAlignedSamplesLandOnTheIntervalSinceMidnight) {
  set("meter_value_sample_interval_s", "0");
  set("clock_aligned_data_interval_s", "900");
  boot();
  ASSERT_EQ(clock_.system_now(), at_utc("2025-03-14T10:07:13Z"));
  start_charging(1, "TAG-1");
  advance(7min + 46s);  // 10:14:59
  EXPECT_TRUE(meters().empty());
  advance(1s);  // 10:15:00
  auto aligned = meters_with("Sample.Clock");
  ASSERT_EQ(aligned.size(), 2u);  // both connectors, the idle one too
  for (const auto& m : aligned) EXPECT_EQ(m.sample.at, at_utc("2025-03-14T10:15:00Z"));
  EXPECT_EQ(aligned[0].connector, 1);
  EXPECT_EQ(aligned[1].connector, 2);
  EXPECT_DOUBLE_EQ(*value_of(aligned[0].sample, "Energy.Active.Import.Register"), register_wh(1));
  EXPECT_DOUBLE_EQ(*value_of(aligned[1].sample, "Energy.Active.Import.Register"), register_wh(2));
  // The running transaction's sample belongs to it; the idle connector's to none.
  const auto rows = events_of(OutboxKind::Meter);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].transaction_pk, tx(1)->pk);
  EXPECT_FALSE(rows[1].transaction_pk.has_value());

  advance(15min);  // 10:30:00
  aligned = meters_with("Sample.Clock");
  ASSERT_EQ(aligned.size(), 4u);
  EXPECT_EQ(aligned[2].sample.at, at_utc("2025-03-14T10:30:00Z"));
  EXPECT_EQ(aligned[3].sample.at, at_utc("2025-03-14T10:30:00Z"));
}

// An interval that does not divide the day still counts from midnight UTC, not from the epoch:
// 7 min at 10:07:13 (607.2 min after midnight) lands at 609 min, 10:09:00, then 10:16:00.
TEST_F(ChargePointMetering, ClockAlignedWithAnIntervalThatDoesNotDivideTheDay) {
  set("clock_aligned_data_interval_s", "420");
  boot();
  advance(12min);
  const auto aligned = meters_with("Sample.Clock");
  ASSERT_EQ(aligned.size(), 4u);
  EXPECT_EQ(aligned[0].sample.at, at_utc("2025-03-14T10:09:00Z"));
  EXPECT_EQ(aligned[2].sample.at, at_utc("2025-03-14T10:16:00Z"));
}

// A change of ClockAlignedDataInterval at run time reschedules; 0 stops the aligned samples.
TEST_F(ChargePointMetering, ClockAlignedIntervalChangeReschedules) {
  boot();
  advance(1h);
  EXPECT_TRUE(meters().empty());  // 0 by default
  set("clock_aligned_data_interval_s", "300");  // at 11:07:13: next at 11:10:00
  advance(2min + 46s);
  EXPECT_TRUE(meters().empty());
  advance(1s);
  auto aligned = meters_with("Sample.Clock");
  ASSERT_EQ(aligned.size(), 2u);
  EXPECT_EQ(aligned[0].sample.at, at_utc("2025-03-14T11:10:00Z"));
  set("clock_aligned_data_interval_s", "0");
  advance(1h);
  EXPECT_EQ(meters().size(), 2u);
}

// The aligned measurands come from MeterValuesAlignedData, not from the sampled list.
TEST_F(ChargePointMetering, ClockAlignedSamplesUseTheAlignedMeasurands) {
  set("meter_value_sample_interval_s", "0");
  set("clock_aligned_data_interval_s", "900");
  set("meter_values_aligned_data", "Energy.Active.Import.Register,Voltage");
  boot();
  start_charging(1, "TAG-1");
  advance(8min);
  const auto aligned = meters_with("Sample.Clock");
  ASSERT_EQ(aligned.size(), 2u);
  EXPECT_EQ(aligned[0].sample.values.size(), 4u);  // energy + 3 voltages
  EXPECT_NE(find_value(aligned[0].sample, "Voltage", std::string("L2-N")), nullptr);
  EXPECT_EQ(find_value(aligned[0].sample, "Power.Active.Import"), nullptr);
}

// StopTxnSampledData / StopTxnAlignedData: the stop event carries the begin and end readings,
// every periodic and every aligned reading of the transaction, each with its own measurands.
TEST_F(ChargePointMetering, StopEventCarriesTheStopTxnData) {
  set("meter_value_sample_interval_s", "300");
  set("clock_aligned_data_interval_s", "900");
  set("stop_txn_sampled_data", "Energy.Active.Import.Register");
  set("stop_txn_aligned_data", "Energy.Active.Import.Register,Power.Active.Import");
  boot();
  const double begin = register_wh(1);
  start_charging(1, "TAG-1");  // 10:07:13
  advance(12min + 47s);        // 10:20:00: periodic at 10:12:13, 10:17:13; aligned at 10:15:00
  const double end = register_wh(1);
  ASSERT_EQ(pile().press_stop(1), "");
  const auto all = stops();
  ASSERT_EQ(all.size(), 1u);
  const auto& data = all[0].data;
  std::vector<std::string> contexts;
  for (const auto& s : data) contexts.push_back(s.context);
  EXPECT_EQ(contexts, (std::vector<std::string>{"Transaction.Begin", "Sample.Periodic", "Sample.Clock",
                                                "Sample.Periodic", "Transaction.End"}));
  ASSERT_EQ(data.size(), 5u);
  EXPECT_DOUBLE_EQ(*value_of(data.front(), "Energy.Active.Import.Register"), begin);
  EXPECT_DOUBLE_EQ(*value_of(data.back(), "Energy.Active.Import.Register"), end);
  EXPECT_EQ(data.front().values.size(), 1u);
  EXPECT_EQ(data[1].values.size(), 1u);
  EXPECT_EQ(data[2].values.size(), 2u);  // aligned: energy and power
  EXPECT_EQ(data[2].at, at_utc("2025-03-14T10:15:00Z"));
  EXPECT_DOUBLE_EQ(*value_of(data[2], "Power.Active.Import"), 7400);
  EXPECT_EQ(data.back().at, at_utc("2025-03-14T10:20:00Z"));
  // Readings in increasing order.
  for (std::size_t i = 1; i < data.size(); ++i) {
    EXPECT_GT(*value_of(data[i], "Energy.Active.Import.Register"), *value_of(data[i - 1], "Energy.Active.Import.Register"));
  }
}

// The stop data is in the database, not in memory: a power cut in the middle of the transaction
// loses none of it, whether the transaction is resumed or closed with PowerLoss at the next start.
TEST_F(ChargePointMetering, StopDataSurvivesAPowerCut) {
  set("meter_value_sample_interval_s", "300");
  set("stop_txn_sampled_data", "Energy.Active.Import.Register");
  boot();
  start_charging(1, "TAG-1");
  advance(11min);  // two periodic readings
  reboot();        // a crash: resume_transactions_after_power_loss is false, so it closes with PowerLoss
  const auto all = stops();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].reason, StopReason::PowerLoss);
  std::vector<std::string> contexts;
  for (const auto& s : all[0].data) contexts.push_back(s.context);
  EXPECT_EQ(contexts, (std::vector<std::string>{"Transaction.Begin", "Sample.Periodic", "Sample.Periodic"}));
}

TEST_F(ChargePointMetering, StopDataOfAResumedTransactionKeepsWhatCameBeforeTheCut) {
  set("meter_value_sample_interval_s", "300");
  set("stop_txn_sampled_data", "Energy.Active.Import.Register");
  resume_after_power_loss_ = true;
  boot();
  start_charging(1, "TAG-1");
  advance(6min);
  reboot();
  advance(6min);
  ASSERT_EQ(pile().press_stop(1), "");
  const auto all = stops();
  ASSERT_EQ(all.size(), 1u);
  std::vector<std::string> contexts;
  for (const auto& s : all[0].data) contexts.push_back(s.context);
  EXPECT_EQ(contexts, (std::vector<std::string>{"Transaction.Begin", "Sample.Periodic", "Sample.Periodic",
                                                "Transaction.End"}));
}

// A very long transaction keeps a bounded stop message: past TransactionStore::kMaxStopSamples
// readings, every other intermediate one goes; the first stays.
TEST_F(ChargePointMetering, StopDataIsBounded) {
  set("meter_value_sample_interval_s", "60");
  set("stop_txn_sampled_data", "Energy.Active.Import.Register");
  boot();
  start_charging(1, "TAG-1");
  advance(10h);  // 600 periodic readings
  ASSERT_EQ(pile().press_stop(1), "");
  const auto data = stops().at(0).data;
  EXPECT_LE(data.size(), TransactionStore::kMaxStopSamples + 1);
  EXPECT_GE(data.size(), TransactionStore::kMaxStopSamples / 2);
  EXPECT_EQ(data.front().context, "Transaction.Begin");
  EXPECT_EQ(data.back().context, "Transaction.End");
  for (std::size_t i = 1; i < data.size(); ++i) EXPECT_GE(data[i].at, data[i - 1].at);
}

// With StopTxnSampledData and StopTxnAlignedData empty (the defaults) the stop carries no
// transaction data at all: no readings without values (2.0.1 requires at least one sampledValue).
TEST_F(ChargePointMetering, StopEventCarriesNoEmptyReadings) {
  set("clock_aligned_data_interval_s", "900");
  boot();
  start_charging(1, "TAG-1");
  advance(20min);
  ASSERT_EQ(pile().press_stop(1), "");
  const auto all = stops();
  ASSERT_EQ(all.size(), 1u);
  for (const auto& s : all[0].data) EXPECT_FALSE(s.values.empty()) << s.context << " has no values";
  EXPECT_TRUE(all[0].data.empty());
}

// TriggerMessage MeterValues: a sample now, with context Trigger, on the connector asked for or
// on all of them.
TEST_F(ChargePointMetering, TriggeredSample) {
  boot();
  start_charging(1, "TAG-1");
  advance(10s);
  cp().trigger_meter_values(1);
  auto samples = meters_with("Trigger");
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].connector, 1);
  EXPECT_DOUBLE_EQ(*value_of(samples[0].sample, "Energy.Active.Import.Register"), register_wh(1));
  cp().trigger_meter_values(std::nullopt);
  EXPECT_EQ(meters_with("Trigger").size(), 3u);
}

}  // namespace
}  // namespace ocpp::cp
