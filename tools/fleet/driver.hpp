#pragma once
// The script one connector of a simulated pile plays (docs/fleet.md "The script"), with its own
// seeded random draws: wait a gap, plug, present a card or type an offline code fetched from the
// CSMS, let the EV charge for a drawn time, press stop, unplug; again until its sessions or the
// fleet's duration are used up.
#include <cstdint>
#include <functional>
#include <random>
#include <string>

#include "code_fetcher.hpp"
#include "options.hpp"
#include "runtime.hpp"
#include "stats.hpp"

namespace ocpp::fleet {

class ConnectorDriver {
 public:
  struct Context {
    EventLoop& loop;
    const FleetOptions& options;
    std::function<cp::daemon::Pile&()> pile;  // the pile as it is now (a Reset makes a new one)
    PileStats& stats;
    CodeFetcher* codes;                       // nullptr with --auth card
    std::function<bool()> link_cut;           // the fleet has cut the links
    std::function<bool()> may_start;          // a new session may begin (--duration)
    std::string card;                         // the RFID id tag of this connector's driver
  };
  ConnectorDriver(Context context, int connector, std::uint64_t seed);
  ConnectorDriver(const ConnectorDriver&) = delete;
  ConnectorDriver& operator=(const ConnectorDriver&) = delete;

  void begin();
  // Played every session it will play, and the cable is out.
  bool done() const { return finished_; }

 private:
  double draw(const SecondsRange& r);
  void after(double seconds, void (ConnectorDriver::*step)());
  void next_session();
  void authorize();
  void fetch_code(int attempt);
  void present(const std::string& id, bool keypad);
  void charge();
  void stop_charging();
  void unplug();
  void give_up(const std::string& why);

  Context ctx_;
  const int connector_;
  std::mt19937_64 rng_;
  int played_ = 0;
  bool finished_ = false;
  std::int64_t transaction_pk_ = -1;
  SessionRecord current_;
};

}  // namespace ocpp::fleet
