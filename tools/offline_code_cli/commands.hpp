#pragma once
// The three commands of ocpp-offline-code. Each returns the exit code: 0 done (or accepted), 1 refused
// (verify), 2 usage error or unusable master key file (thrown as UsageError / KeyFileError).
#include <stdexcept>
#include <string>
#include <vector>

namespace ocpp::offline_code::cli {

struct KeyFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int derive_key_command(const std::vector<std::string>& args);
int issue_command(const std::vector<std::string>& args);
int verify_command(const std::vector<std::string>& args);

}  // namespace ocpp::offline_code::cli
