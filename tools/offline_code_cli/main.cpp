// ocpp-offline-code: issues and verifies offline charging codes (docs/offline-code.md) for CSMS
// operators whose backend is not ours. DESIGN.md, "Interfaces that outside tests rely on".
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "arguments.hpp"
#include "commands.hpp"

namespace {

const char* kUsage = R"(usage: ocpp-offline-code COMMAND [options]
Issues and verifies offline charging codes as specified in docs/offline-code.md.

  derive-key --master-key-file F --charge-point-id ID [--key-version V] [--key-spec]
      Prints the pile's key K(ID, V) as 64 hexadecimal characters; with --key-spec as
      "V:HEX:CHECK", the value to provision on the pile (CHECK: 8 hexadecimal characters bound to
      ID, so that the pile refuses a key made for another charge point id).

  issue --master-key-file F --charge-point-id ID --connector N --serial S
        [--valid-hours H] [--energy-cap-wh W] [--key-version V] [--now RFC3339] [--json]
      Prints a 16-digit code. N: 0 (any connector) or 1..7. S: 0..4095, never reused for the same
      pile and key version. H: 1..168 hours from --now (default 24). W: rounded down to one of
      500, 1000, 2000, 5000, 10000, 20000, 50000 Wh.

  verify --master-key-file F --charge-point-id ID --connector N [--key-version V]
         [--now RFC3339] [--clock-untrusted] [--tolerance SECONDS] [--json] CODE
      Prints the code's fields if the pile would accept it, or why it refuses it (exit code 1).
      Tries keys V and V-1, as a pile holds them. It does not know which serials the pile has
      already used. --clock-untrusted: --now is only a time known to have passed.

  --master-key-file F   the server's master secret: 64 hexadecimal characters (whitespace ignored)
  --key-version V       1..4294967295 (default 1)
  --now RFC3339         the time to issue or verify at (default: the system clock)
  --help, --version

Exit codes: 0 done or accepted, 1 refused, 2 usage error or unusable master key file.
)";

int usage_error(const std::string& message) {
  std::fprintf(stderr, "ocpp-offline-code: %s\n(see ocpp-offline-code --help)\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ocpp::offline_code::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "--version") {
      std::printf("ocpp-offline-code %s (code layout 1)\n", OCPP_VERSION);
      return 0;
    }
  }
  if (args.empty()) return usage_error("a command is required: derive-key, issue or verify");
  const std::string command = args.front();
  args.erase(args.begin());
  try {
    if (command == "derive-key") return derive_key_command(args);
    if (command == "issue") return issue_command(args);
    if (command == "verify") return verify_command(args);
    return usage_error("unknown command \"" + command + "\"; expected derive-key, issue or verify");
  } catch (const UsageError& e) {
    return usage_error(e.what());
  } catch (const KeyFileError& e) {
    std::fprintf(stderr, "ocpp-offline-code: %s\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    return usage_error(e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ocpp-offline-code: %s\n", e.what());
    return 3;
  }
}
