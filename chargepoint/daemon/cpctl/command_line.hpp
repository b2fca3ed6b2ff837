#pragma once
// The command line of ocpp-cpctl: options, the command, and a local check of its arguments, so that
// a typo is told at once (exit code 2) rather than by the charge point.
#include <stdexcept>
#include <string>
#include <vector>

namespace ocpp::cpctl {

// A usage error: what() says what is wrong; the program prints it and exits with code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Invocation {
  std::string socket_path = "chargepoint.sock";  // the default of the control_socket configuration key
  double timeout_s = 10;
  bool json = false;
  bool help = false;
  bool version = false;
  std::string command;
  std::vector<std::string> args;
};

// Throws UsageError.
Invocation parse_command_line(const std::vector<std::string>& argv);

// {"command":"...","args":[...]} (no newline).
std::string request_line(const Invocation& invocation);

extern const char* const kUsageText;

}  // namespace ocpp::cpctl
