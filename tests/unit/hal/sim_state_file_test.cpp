// The simulated pile keeps its physical state (cable, EV, wanted power, lock, meter register)
// across a restart of the charge point process, as real hardware does when only the controller
// restarts; the contactor and current limit, held by the controller, drop.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ocpp/common/timer_queue.hpp"
#include "ocpp/hal/sim/sim_pile.hpp"
#include "sim_test_support.hpp"

namespace ocpp::hal::sim {
namespace {

using namespace std::chrono_literals;

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

class SimStateFile : public ::testing::Test {
 protected:
  SimOptions options() const {
    SimOptions o;
    o.state_file = state;
    o.initial_energy_wh = 1234567;
    return o;
  }
  static void charge(SimPile& pile, ConnectorId c) {
    ASSERT_EQ(pile.plug(c), "");
    ASSERT_EQ(pile.ev_charge(c), "");
    pile.connector(c).set_current_limit(32);
    pile.connector(c).set_locked(true);  // lock before power
    pile.connector(c).set_contactor(true);
  }

  test::TempDir dir;
  std::string state = dir.file("pile.json");
  ManualClock clock;
  ManualEventLoop loop{clock};
};

TEST_F(SimStateFile, PhysicalStateSurvivesARestart) {
  {
    SimPile pile{loop, 2, options()};
    charge(pile, 1);
    ASSERT_TRUE(pile.connector(1).set_locked(true));
    ASSERT_EQ(pile.set_power(1, 11000), "");
    ASSERT_EQ(pile.plug(2), "");
    ASSERT_EQ(pile.set_power(2, 3000), "");
    loop.advance(30min);  // 32 A x 690 V = 22 kW offered, the EV takes 11 kW: 5500 Wh
    ASSERT_EQ(pile.connector(1).read_meter()->energy_wh, 1234567.0 + 5500.0);
  }
  loop.advance(10min);  // the controller is down: nothing flows
  SimPile pile{loop, 2, options()};
  test::RecordingListener listener;
  pile.set_listener(&listener);
  const PileStatus s = pile.status();
  EXPECT_TRUE(s.connectors[0].cable_plugged);
  EXPECT_EQ(s.connectors[0].pilot, PilotState::C);  // the EV still asks
  EXPECT_FALSE(s.connectors[0].contactor_closed);   // the controller's output dropped
  EXPECT_EQ(s.connectors[0].current_limit_a, 0.0);
  EXPECT_TRUE(s.connectors[0].locked);              // a motor lock stays where it was
  EXPECT_EQ(s.connectors[0].wanted_power_w, 11000.0);
  EXPECT_EQ(s.connectors[0].energy_wh, 1234567.0 + 5500.0);
  EXPECT_EQ(s.connectors[1].pilot, PilotState::B);
  EXPECT_EQ(s.connectors[1].wanted_power_w, 3000.0);
  EXPECT_EQ(s.connectors[1].energy_wh, 1234567.0);
  EXPECT_TRUE(listener.events.empty());  // the core reads pilot() at start; nothing is replayed

  // And it charges on from there.
  pile.connector(1).set_current_limit(32);
  pile.connector(1).set_locked(true);  // lock before power
  pile.connector(1).set_contactor(true);
  loop.advance(30min);
  EXPECT_EQ(pile.connector(1).read_meter()->energy_wh, 1234567.0 + 11000.0);
}

TEST_F(SimStateFile, EveryReadingIsDurableBeforeItIsReturned) {
  // A SIGKILL runs no destructor: what is on disk while the pile runs is what a restart sees.
  SimPile pile{loop, 1, options()};
  charge(pile, 1);
  for (int i = 1; i <= 5; ++i) {
    loop.advance(7s);
    const double seen = pile.connector(1).read_meter()->energy_wh;
    const std::string killed = dir.file("killed-" + std::to_string(i) + ".json");
    std::filesystem::copy_file(state, killed);
    SimOptions o = options();
    o.state_file = killed;
    SimPile restarted{loop, 1, o};
    EXPECT_EQ(restarted.connector(1).read_meter()->energy_wh, seen);
    EXPECT_TRUE(restarted.status().connectors[0].cable_plugged);
  }
}

TEST_F(SimStateFile, CommandsAreDurableAtOnce) {
  SimPile pile{loop, 1, options()};
  ASSERT_EQ(pile.plug(1), "");
  const std::string after_plug = slurp(state);
  EXPECT_NE(after_plug.find("\"connected\""), std::string::npos) << after_plug;
  ASSERT_EQ(pile.unplug(1), "");
  EXPECT_NE(slurp(state).find("\"absent\""), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(state + ".tmp"));
}

TEST_F(SimStateFile, MeterSaveIntervalThrottlesMeterOnlyWrites) {
  SimOptions o = options();
  o.meter_save_interval = 10s;
  SimPile pile{loop, 1, o};
  charge(pile, 1);
  const std::string before = slurp(state);
  loop.advance(1s);
  (void)pile.connector(1).read_meter();
  EXPECT_EQ(slurp(state), before);  // within the interval: not written
  loop.advance(10s);
  (void)pile.connector(1).read_meter();
  EXPECT_NE(slurp(state), before);
}

TEST_F(SimStateFile, MissingFileStartsFreshAndCreatesIt) {
  {
    SimPile pile{loop, 1, options()};
    EXPECT_EQ(pile.connector(1).read_meter()->energy_wh, 1234567.0);
    EXPECT_EQ(pile.connector(1).pilot(), PilotState::A);
  }
  EXPECT_TRUE(std::filesystem::exists(state));
}

TEST_F(SimStateFile, CorruptFileStartsFreshAndIsKeptAside) {
  for (const std::string& bad :
       {std::string("{\"version\": 1, \"connectors\": [{\"id\": 1, \"ev\": \"ready\""),  // cut short
        std::string(""), std::string("[]"), std::string("{\"version\": 2, \"connectors\": []}"),
        std::string("{\"version\": 1, \"connectors\": [{\"id\": 1, \"ev\": \"flying\", \"wanted_power_w\": 1, "
                    "\"locked\": false, \"energy_wh\": 5}]}"),
        std::string("{\"version\": 1, \"connectors\": [{\"id\": 1, \"ev\": \"ready\", \"wanted_power_w\": 1, "
                    "\"locked\": false, \"energy_wh\": -5}]}"),
        std::string("{\"version\": 1, \"connectors\": [{\"id\": 1, \"ev\": \"ready\", \"wanted_power_w\": 1, "
                    "\"locked\": false, \"energy_wh\": 5}, {\"id\": 1, \"ev\": \"ready\", \"wanted_power_w\": 1, "
                    "\"locked\": false, \"energy_wh\": 5}]}")}) {
    spit(state, bad);
    std::filesystem::remove(state + ".corrupt");
    SimPile pile{loop, 1, options()};
    EXPECT_EQ(pile.connector(1).read_meter()->energy_wh, 1234567.0) << bad;
    EXPECT_EQ(pile.connector(1).pilot(), PilotState::A) << bad;
    EXPECT_EQ(slurp(state + ".corrupt"), bad);
    EXPECT_NE(slurp(state).find("\"version\": 1"), std::string::npos);  // a valid file again
  }
}

TEST_F(SimStateFile, FewerConnectorsThanSavedKeepsTheOnesThatExist) {
  {
    SimPile pile{loop, 2, options()};
    ASSERT_EQ(pile.plug(1), "");
    ASSERT_EQ(pile.plug(2), "");
  }
  SimPile one{loop, 1, options()};
  EXPECT_EQ(one.connector(1).pilot(), PilotState::B);
  SimPile three{loop, 3, options()};
  EXPECT_EQ(three.connector(1).pilot(), PilotState::B);
  EXPECT_EQ(three.connector(3).pilot(), PilotState::A);  // new: fresh
}

TEST_F(SimStateFile, AnUnwritableStateFileDoesNotStopThePile) {
  SimOptions o = options();
  o.state_file = dir.file("no-such-dir/pile.json");
  SimPile pile{loop, 1, o};
  charge(pile, 1);
  loop.advance(30min);
  EXPECT_EQ(pile.connector(1).read_meter()->energy_wh, 1234567.0 + 3700.0);
}

TEST(SimNoStateFile, NothingIsWritten) {
  test::TempDir dir;
  ManualClock clock;
  ManualEventLoop loop{clock};
  {
    SimPile pile{loop, 1};
    ASSERT_EQ(pile.plug(1), "");
  }
  SimPile again{loop, 1};
  EXPECT_EQ(again.connector(1).pilot(), PilotState::A);
}

}  // namespace
}  // namespace ocpp::hal::sim
