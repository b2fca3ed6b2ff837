#pragma once
// Command line of ocpp-offline-code: "COMMAND --name value ... [POSITIONAL]". Usage errors are thrown
// as UsageError and end the program with exit code 2.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace ocpp::offline_code::cli {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Arguments {
 public:
  // `valued`: options that take a value; `flags`: options that do not.
  Arguments(const std::vector<std::string>& args, const std::set<std::string>& valued, const std::set<std::string>& flags);

  bool flag(const std::string& name) const { return flags_.count(name) != 0; }
  std::optional<std::string> value(const std::string& name) const;
  std::string required(const std::string& name) const;
  // A whole number in [min, max], named in the error message.
  std::optional<std::uint64_t> number(const std::string& name, std::uint64_t min, std::uint64_t max) const;
  std::uint64_t required_number(const std::string& name, std::uint64_t min, std::uint64_t max) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

}  // namespace ocpp::offline_code::cli
