// Issue 14: the core reports Charging (1.6 StatusNotification, 2.0.1 chargingState) only once the
// hardware's contactor feedback says the power path is closed (HalListener::on_power_path), not
// when it commands the contactor; and a pile-wide fault carries its reason on connector 0 too.
// The simulated pile's feedback is held back here, as a real I/O board's comes a poll later.
#include <gtest/gtest.h>

#include "core_test_support.hpp"

namespace ocpp::cp {
namespace {

using namespace core_test;

// Passes everything from the pile to the core, except the power path, which waits for release().
class HeldFeedback final : public hal::HalListener {
 public:
  explicit HeldFeedback(ChargePoint& cp) : cp_(cp) {}
  void on_pilot_changed(ConnectorId c, hal::PilotState s) override { cp_.on_pilot_changed(c, s); }
  void on_id_presented(ConnectorId c, const std::string& id) override { cp_.on_id_presented(c, id); }
  void on_code_entered(ConnectorId c, const std::string& code) override { cp_.on_code_entered(c, code); }
  void on_stop_pressed(ConnectorId c) override { cp_.on_stop_pressed(c); }
  void on_fault(ConnectorId c, ErrorCode code, const std::string& info) override { cp_.on_fault(c, code, info); }
  void on_power_path(ConnectorId c, bool closed) override { held_.emplace_back(c, closed); }
  void release() {
    auto held = std::move(held_);
    held_.clear();
    for (const auto& [c, closed] : held) cp_.on_power_path(c, closed);
  }

 private:
  ChargePoint& cp_;
  std::vector<std::pair<ConnectorId, bool>> held_;
};

class PowerPathFeedback : public CoreFixture {
 protected:
  void boot_held() {
    boot();
    held_ = std::make_unique<HeldFeedback>(cp());
    pile().set_listener(held_.get());
  }
  void TearDown() override {
    if (pile_) pile_->set_listener(nullptr);
    CoreFixture::TearDown();
  }
  bool reported(ConnectorId id, Word s) {
    const auto all = csms_.statuses_of(id);
    return std::find(all.begin(), all.end(), s) != all.end();
  }
  std::unique_ptr<HeldFeedback> held_;
};

TEST_F(PowerPathFeedback, ChargingOnlyOnceTheContactorFeedbackSaysClosed) {
  boot_held();
  const auto pk = start_charging(1, "TAG-1");
  ASSERT_NE(pk, 0);
  EXPECT_TRUE(sim(1).contactor_closed()) << "the contactor is commanded";
  EXPECT_EQ(status(1), Word::SuspendedEV) << "no feedback yet: the EV draws nothing";
  EXPECT_FALSE(reported(1, Word::Charging)) << "Charging reported from the command";
  held_->release();
  EXPECT_EQ(status(1), Word::Charging);
  EXPECT_EQ(csms_.last_of(1)->status, Word::Charging);
}

TEST_F(PowerPathFeedback, TheStartedEventSaysChargingOnlyAfterTheFeedback) {
  rules_.station_names_transactions = true;
  rules_.record_milestones = true;
  boot_held();
  csms_.known["TAG-1"] = AuthorizationStatus::Accepted;
  ASSERT_EQ(pile().plug(1), "");
  ASSERT_EQ(pile().ev_charge(1), "");  // the EV is ready before the card: the power path closes at once
  ASSERT_EQ(pile().present_id(1, "TAG-1"), "");
  loop_.run_pending();
  ASSERT_TRUE(tx(1).has_value());
  auto evs = events();
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(decode_start(evs[0].payload).charging_state, ChargingState::SuspendedEV);
  held_->release();
  evs = events();
  ASSERT_EQ(evs.size(), 2u);
  const auto update = decode_update(evs[1].payload);
  EXPECT_EQ(update.milestone, Milestone::ChargingStateChanged);
  EXPECT_EQ(update.charging_state, ChargingState::Charging);
}

TEST_F(PowerPathFeedback, TheBoardOpeningByItselfIsNoLongerCharging) {
  boot_held();
  start_charging(1, "TAG-1");
  held_->release();
  ASSERT_EQ(status(1), Word::Charging);
  cp().on_power_path(1, false);  // e.g. the board's own interlock opened it
  EXPECT_EQ(status(1), Word::SuspendedEV);
  cp().on_power_path(1, true);
  EXPECT_EQ(status(1), Word::Charging);
}

// Issue 14: an emergency stop (or a silent board) faults connector 0 with its reason, not only
// connectors 1..N.
TEST_F(PowerPathFeedback, APileWideFaultCarriesItsReasonOnConnectorZero) {
  boot();
  cp().on_fault(0, ErrorCode::OtherError, "emergency stop pressed");
  const auto pile_report = csms_.last_of(0);
  ASSERT_TRUE(pile_report.has_value());
  EXPECT_EQ(pile_report->status, Word::Faulted);
  EXPECT_EQ(pile_report->error, ErrorCode::OtherError);
  EXPECT_EQ(pile_report->info, "emergency stop pressed");
  EXPECT_EQ(csms_.last_of(1)->info, "emergency stop pressed");
  cp().on_fault(0, ErrorCode::NoError, {});
  EXPECT_EQ(csms_.last_of(0)->status, Word::Available);
  EXPECT_EQ(csms_.last_of(0)->info, "");
}

}  // namespace
}  // namespace ocpp::cp
