// ocpp-fleet: many simulated charge points in one process against a CSMS (docs/fleet.md). Exit
// status: 0 when every pile registered and delivered everything, 1 when not (or it cannot run),
// 2 for a bad option.
#include <sys/resource.h>

#include <csignal>
#include <cstdio>
#include <fstream>

#include "fleet.hpp"
#include "ocpp/common/log.hpp"
#include "options.hpp"
#include "report.hpp"

namespace {

// Each pile holds about four descriptors (its WebSocket, its database, WAL and shared-memory
// files); libwebsockets sizes its tables by the limit when the loop is made, so it is raised first.
void raise_file_limit(int piles) {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  const rlim_t wanted = static_cast<rlim_t>(piles) * 6 + 256;
  if (lim.rlim_cur >= wanted) return;
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? wanted : std::min(wanted, lim.rlim_max);
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur < wanted) {
    std::fprintf(stderr, "ocpp-fleet: the open-file limit (%llu) may be too low for %d piles (ulimit -n)\n",
                 static_cast<unsigned long long>(lim.rlim_cur), piles);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ocpp::fleet;
  std::optional<FleetOptions> options;
  try {
    options = parse_options(argc, argv);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "ocpp-fleet: %s\n%s", e.what(), kUsage);
    return 2;
  }
  if (!options) return 0;
  ocpp::log::set_level(options->log_level);
  ocpp::log::show_subjects(true);  // "[FLEET-0001] core: ...": which pile a line is about
  std::signal(SIGPIPE, SIG_IGN);
  raise_file_limit(options->count);
  try {
    Fleet fleet(*options);
    const int status = fleet.run();
    std::fputs(report_table(fleet).c_str(), stdout);
    if (!options->report_file.empty()) {
      std::ofstream out(options->report_file);
      out << report_json(fleet) << "\n";
      if (!out) {
        std::fprintf(stderr, "ocpp-fleet: cannot write %s\n", options->report_file.c_str());
        return 1;
      }
    }
    return status;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ocpp-fleet: %s\n", e.what());
    return 1;
  }
}
