#pragma once
// How a test starts one of the project's programs (ocpp-chargepoint, ocpp-cpctl, ...). In a cross
// build ctest runs the test under qemu-user (CMAKE_CROSSCOMPILING_EMULATOR) and also hands it that
// command in OCPP_TEST_EMULATOR (e.g. "qemu-aarch64 -L build/sysroot-aarch64"), because the programs
// the test starts are target binaries too and the host kernel may have no binfmt_misc entry for
// them. Natively OCPP_TEST_EMULATOR is unset and the programs are started as they are.
// Words are separated by spaces: the emulator's path and arguments must not contain any.

#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

namespace ocpp::test {

inline std::vector<std::string> emulator_argv() {
  std::vector<std::string> words;
  if (const char* e = std::getenv("OCPP_TEST_EMULATOR")) {
    std::istringstream in(e);
    for (std::string w; in >> w;) words.push_back(w);
  }
  return words;
}

// The emulator as a shell command prefix ("" or "qemu-aarch64 -L /x "), for system() and popen().
inline std::string emulator_prefix() {
  std::string prefix;
  for (const auto& w : emulator_argv()) prefix += w + " ";
  return prefix;
}

}  // namespace ocpp::test
