#pragma once
// One request over the control socket: connect, send a line, read the answer line, with a deadline.
#include <stdexcept>
#include <string>

namespace ocpp::cpctl {

// The charge point could not be reached or did not answer; exit code 3.
class Unreachable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Returns the answer line without its newline; throws Unreachable.
std::string exchange(const std::string& socket_path, const std::string& request_line, double timeout_s);

}  // namespace ocpp::cpctl
