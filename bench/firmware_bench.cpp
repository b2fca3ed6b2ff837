// A firmware update through the daemon's own code path (issue 13): FirmwareUpdate with CurlTransfer
// and ThreadWork on a libwebsockets event loop, a real SQLite store, and the signature check,
// ending at Installed (no install program: the simulated pile). Meanwhile a 5 ms timer measures
// how late the loop runs it. Prints one line of JSON. bench/run_firmware.sh runs it beside
// `curl` + `openssl dgst -verify` of the same file.
//   bench_firmware --state-dir DIR --url URL --cert PEM_FILE --signature BASE64_FILE
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "ocpp/common/log.hpp"
#include "ocpp/cp/background_work.hpp"
#include "ocpp/cp/curl_transfer.hpp"
#include "ocpp/cp/firmware_update.hpp"
#include "ocpp/cp/ports.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/store.hpp"
#include "ocpp/transport/lws_loop.hpp"

namespace {

using namespace std::chrono;
using namespace ocpp;

struct Link final : cp::CsmsLink {
  bool online() const override { return true; }
  void send_status(cp::ConnectorId, const cp::ConnectorState&, cp::ErrorCode, const std::string&, SystemTime) override {}
  void firmware_status(const cp::FirmwareProgress& p) override {
    last = p.status;
    if (p.status == cp::FirmwareStatus::Downloaded) downloaded_at = steady_clock::now();
  }
  cp::FirmwareStatus last = cp::FirmwareStatus::Idle;
  steady_clock::time_point downloaded_at{};
};

struct Site final : cp::FirmwareSite {
  bool transaction_running() override { return false; }
  std::vector<cp::ConnectorId> hold_connectors() override { return {}; }
  void release_connectors(const std::vector<cp::ConnectorId>&) override {}
  void restart() override {}
};

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

bool finished(cp::FirmwareStatus s) {
  return s == cp::FirmwareStatus::Installed || s == cp::FirmwareStatus::DownloadFailed ||
         s == cp::FirmwareStatus::InvalidSignature || s == cp::FirmwareStatus::InstallationFailed;
}

}  // namespace

int main(int argc, char** argv) {
  std::string state_dir, url, cert, signature;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--state-dir") state_dir = argv[i + 1];
    if (a == "--url") url = argv[i + 1];
    if (a == "--cert") cert = read(argv[i + 1]);
    if (a == "--signature") signature = read(argv[i + 1]);
  }
  if (state_dir.empty() || url.empty() || cert.empty() || signature.empty()) {
    std::fprintf(stderr, "usage: bench_firmware --state-dir DIR --url URL --cert PEM --signature BASE64_FILE\n");
    return 2;
  }
  log::set_level(log::Level::warn);
  transport::LwsLoop loop;
  cp::Store store(state_dir + "/bench.db");
  cp::SecurityEvents events(store.db());
  cp::CurlTransfer transfer(loop);
  cp::ThreadWork work(loop);
  Link link;
  Site site;
  cp::FirmwareOptions options;
  options.state_dir = state_dir;
  cp::FirmwareUpdate firmware(loop, store.db(), transfer, work, site, link, events, options);

  // The loop's timer latency: how late each 5 ms timer fires.
  std::vector<double> late_ms;
  constexpr auto kTick = milliseconds{5};
  std::function<void(steady_clock::time_point)> arm = [&](steady_clock::time_point due) {
    loop.schedule_after(kTick, [&, due] {
      const auto now = steady_clock::now();
      late_ms.push_back(duration<double, std::milli>(now - due).count());
      if (finished(link.last)) return loop.stop();
      arm(now + kTick);
    });
  };
  const auto start = steady_clock::now();
  arm(start + kTick);
  cp::FirmwareRequest r;
  r.location = url;
  r.retrieve_at = std::chrono::system_clock::now();
  r.request_id = 1;
  r.signing_certificate = cert;
  r.signature = signature;
  r.retries = 1;
  if (firmware.update(r) != cp::FirmwareAnswer::Accepted) {
    std::fprintf(stderr, "update refused (is the root in %s/certificates/ManufacturerRootCertificate?)\n", state_dir.c_str());
    return 1;
  }
  loop.run();
  const auto end = steady_clock::now();
  std::sort(late_ms.begin(), late_ms.end());
  const double p99 = late_ms.empty() ? 0 : late_ms[static_cast<std::size_t>(0.99 * static_cast<double>(late_ms.size() - 1))];
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "{\"status\": \"%s\", \"total_s\": %.3f, \"download_s\": %.3f, \"timer_samples\": %zu, "
      "\"timer_late_max_ms\": %.2f, \"timer_late_p99_ms\": %.2f, \"peak_rss_kb\": %ld}\n",
      std::string(cp::to_string(link.last)).c_str(), duration<double>(end - start).count(),
      duration<double>(link.downloaded_at - start).count(), late_ms.size(), late_ms.empty() ? 0.0 : late_ms.back(), p99,
      ru.ru_maxrss);
  return link.last == cp::FirmwareStatus::Installed ? 0 : 1;
}
