#pragma once
// The charge point as a program: builds every block from the configuration file, wires them
// (hardware -> core -> outbox -> adapter -> CSMS, and back), serves the control socket, and runs
// the event loop until SIGTERM or a Reset.
//
// Pile is one charge point on an event loop it does not own; Runtime is the process around one
// pile (ocpp-chargepoint). ocpp-fleet runs many Piles on one loop: nothing of a pile is global
// (its clock, files, reset and control socket are its own).
#include <functional>
#include <memory>
#include <string>

#include "config_file.hpp"
#include "ocpp/common/clock.hpp"

namespace ocpp::transport {
class LwsLoop;
}
namespace ocpp::rpc {
class Endpoint;
}
namespace ocpp::hal::sim {
class SimPile;
}

namespace ocpp::cp {
class ChargePoint;
class ProtocolAdapter;
}  // namespace ocpp::cp

namespace ocpp::cp::daemon {

enum class RunResult { Stopped, ResetRequested };

class Pile {
 public:
  // `base_clock` is the process's clock (the loop's); the pile's wall time is corrected from it by
  // its own CSMS. A config without control_socket (empty) serves none.
  // `on_reset(hard)`: the CSMS asked for a reset; the owner restarts the pile (a process, or a
  // fleet its one pile). Throws as Runtime's constructor.
  Pile(transport::LwsLoop& loop, const Clock& base_clock, const Config& config,
       std::function<void(bool hard)> on_reset);
  ~Pile();
  Pile(const Pile&) = delete;
  Pile& operator=(const Pile&) = delete;

  // Starts the core (resuming open transactions as configured) and the link to the CSMS.
  void start();
  // A clean shutdown: running transactions end (1.6 Reason Reboot), durable now, reported after
  // the next start.
  void shut_down();

  const std::string& id() const;
  ChargePoint& core();
  ProtocolAdapter& adapter();
  rpc::Endpoint& rpc();
  // The simulated hardware, nullptr with another driver.
  hal::sim::SimPile* sim();
  // The newest offline-code key the pile holds (0: none yet; the CSMS provisions it after boot).
  unsigned offline_code_key_version();
  // What `ocpp-cpctl status --json` prints.
  std::string status_json();
  std::string service_status() const;  // one line for the service manager's STATUS=

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

class Runtime {
 public:
  // Throws ConfigError (exit 2) for a configuration the blocks refuse, std::runtime_error (exit 1)
  // for what cannot be set up (database, control socket).
  explicit Runtime(const Config& config);
  ~Runtime();
  RunResult run();

 private:
  SystemClock clock_;
  std::unique_ptr<transport::LwsLoop> loop_;
  std::unique_ptr<Pile> pile_;
  RunResult result_ = RunResult::Stopped;
};

}  // namespace ocpp::cp::daemon
