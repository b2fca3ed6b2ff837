// ocpp-chargepoint --config FILE: the charge point runtime (DESIGN.md, "Interfaces that outside
// tests rely on"). Exit status: 0 after SIGTERM/SIGINT, 1 when it cannot run (database, socket),
// 2 for a configuration it refuses (with the key's path in the message).
#include <unistd.h>

#include <cstring>
#include <cstdio>

#include "config_file.hpp"
#include "ocpp/common/log.hpp"
#include "runtime.hpp"

namespace {

const char* kUsage = R"(usage: ocpp-chargepoint --config FILE
Runs the OCPP charge point described by FILE (JSON; see docs/configuration.md).
  --config FILE   the configuration file
  --help          this text
  --version       the version
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace ocpp;
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (arg == "--version") {
      std::printf("ocpp-chargepoint %s\n", OCPP_VERSION);
      return 0;
    }
    if (arg == "--config" && i + 1 < argc) {
      config_path = argv[++i];
      continue;
    }
    std::fprintf(stderr, "ocpp-chargepoint: unknown argument %s\n%s", arg.c_str(), kUsage);
    return 2;
  }
  if (config_path.empty()) {
    std::fprintf(stderr, "ocpp-chargepoint: --config FILE is required\n%s", kUsage);
    return 2;
  }
  cp::daemon::RunResult result;
  try {
    const cp::daemon::Config config = cp::daemon::load_config(config_path);
    log::set_level(config.log.level);
    if (config.log.syslog) log::enable_syslog("ocpp-chargepoint");
    log::info("daemon", "ocpp-chargepoint " + std::string(OCPP_VERSION) + " starting as " + config.charge_point_id);
    cp::daemon::Runtime runtime(config);
    result = runtime.run();
  } catch (const cp::daemon::ConfigError& e) {
    // load_config's messages start with the file's path already; the blocks' ones do not.
    const std::string what = e.what();
    std::fprintf(stderr, "ocpp-chargepoint: %s%s\n", what.rfind(config_path, 0) == 0 ? "" : (config_path + ": ").c_str(),
                 what.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ocpp-chargepoint: %s\n", e.what());
    return 1;
  }
  if (result == cp::daemon::RunResult::ResetRequested) {
    // 1.6 §5.14 Reset: start again as a new process, with the same arguments.
    std::fputs("ocpp-chargepoint: restarting after Reset\n", stderr);
    execv("/proc/self/exe", argv);
    std::fprintf(stderr, "ocpp-chargepoint: cannot restart: %s\n", std::strerror(errno));
    return 1;
  }
  log::info("daemon", "stopped");
  return 0;
}
