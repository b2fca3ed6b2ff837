#pragma once
// N simulated charge points on one event loop (issue 16, docs/fleet.md): each a full runtime Pile
// (core, simulated HAL, the real 1.6 or 2.0.1 adapter, its own SQLite file), driven by seeded
// connector scripts, with the fleet's link cuts. Phases: every pile registers (and, when codes
// are used, is given its offline-code key by the CSMS); the scripts play; the fleet waits until
// every pile has delivered every event; it reports.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "code_fetcher.hpp"
#include "driver.hpp"
#include "options.hpp"
#include "ocpp/transport/lws_loop.hpp"
#include "runtime.hpp"
#include "stats.hpp"

namespace ocpp::fleet {

struct FleetTimes {
  SystemTime started_at{};   // wall clock at the start, which the other times count from
  double ready_s = -1;       // start -> every pile registered (and provisioned)
  double cut_at_s = -1;      // start -> the links were cut
  double restored_at_s = -1; // start -> the links were given back
  double replay_s = -1;      // links given back -> every outbox empty
  double finished_s = -1;    // start -> the end
};

class Fleet {
 public:
  explicit Fleet(FleetOptions options);
  ~Fleet();
  // Runs to the end (or SIGINT/SIGTERM); returns the exit status: 0 when every pile registered and
  // delivered everything in time, 1 otherwise (what failed is logged and in the report).
  int run();

  const FleetOptions& options() const { return options_; }
  const FleetTimes& times() const { return times_; }
  std::size_t size() const { return piles_.size(); }
  cp::daemon::Pile& pile(std::size_t i) { return *piles_[i]; }
  const PileStats& stats(std::size_t i) const { return *stats_[i]; }
  const std::string& failure() const { return failure_; }
  // How late the fleet's own 200 ms tick ran, each time, in µs: the lag every timer of every pile
  // had then (metering, heartbeats, call timeouts), since they share the one loop. A high lag means
  // the loop is saturated and the piles' timings (and latencies) are the fleet's, not the CSMS's.
  const std::vector<std::uint32_t>& loop_lag_us() const { return loop_lag_us_; }

 private:
  enum class Phase { registering, playing, draining, done };
  cp::daemon::Config pile_config(std::size_t index) const;
  void make_pile(std::size_t index);
  void restart_pile(std::size_t index);
  bool needs_codes() const;
  bool ready(std::size_t i);
  bool drained(std::size_t i);
  double elapsed_s() const;
  void schedule_tick();
  void tick();
  void begin_playing();
  void cut_links();
  void restore_links();
  void finish(const std::string& failure);

  FleetOptions options_;
  SystemClock clock_;
  transport::LwsLoop loop_{clock_};
  SteadyTime started_;
  SteadyTime playing_since_{};
  std::vector<std::unique_ptr<cp::daemon::Pile>> piles_;
  std::vector<std::unique_ptr<PileStats>> stats_;
  std::unique_ptr<CodeFetcher> codes_;
  std::vector<std::unique_ptr<ConnectorDriver>> drivers_;
  Phase phase_ = Phase::registering;
  bool link_cut_ = false;
  bool cut_done_ = false;  // cut and given back
  std::optional<SteadyTime> drain_deadline_;
  FleetTimes times_;
  std::string failure_;
  SteadyTime tick_due_{};
  std::vector<std::uint32_t> loop_lag_us_;
};

}  // namespace ocpp::fleet
