#pragma once
// Runs the integrator's install program (firmware.install_command) with the image's path as its
// only argument, without a shell, and waits for it. Blocking: called off the event loop.
#include <string>

namespace ocpp::cp {

// The program's exit status; -1 when it could not start or ended by a signal (`why` says which).
int run_install_program(const std::string& program, const std::string& image, std::string& why);

}  // namespace ocpp::cp
