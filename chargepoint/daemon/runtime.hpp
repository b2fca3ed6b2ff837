#pragma once
// The charge point as a program: builds every block from the configuration file, wires them
// (hardware -> core -> outbox -> adapter -> CSMS, and back), serves the control socket, and runs
// the event loop until SIGTERM or a Reset.
#include <memory>
#include <string>

#include "config_file.hpp"

namespace ocpp::cp::daemon {

enum class RunResult { Stopped, ResetRequested };

class Runtime {
 public:
  // Throws ConfigError (exit 2) for a configuration the blocks refuse, std::runtime_error (exit 1)
  // for what cannot be set up (database, control socket).
  explicit Runtime(const Config& config);
  ~Runtime();
  RunResult run();

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace ocpp::cp::daemon
