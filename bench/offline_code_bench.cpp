// What verifying an offline charging code costs on the pile (issue 6: "negligible next to the
// keypad, so just prove it"). A driver types 16 digits in several seconds; the pile must answer
// well within a human reaction time.
//
// BM_Verify               the codec alone: Damm check, HMAC-SHA256 under the pile's key, the fields
//                         (offline_code::verify with one installed key).
// BM_PileAccept           the whole pile path of an accepted code, as the daemon runs it: lockout gate,
//                         clock policy, verify, replay window, and the durable commit of serial,
//                         lockout and time floor (SQLite WAL, synchronous=FULL) before the answer.
// BM_PileRefuseTypo       a mistyped code (check digit): nothing is written.
// BM_SqliteFullCommit     the baseline: one durable SQLite commit of one small row on the same disk,
//                         the least any durable single-use record can cost.
// Run with bench/run_offline_code.sh.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "ocpp/common/clock.hpp"
#include "ocpp/cp/offline_code/code_store.hpp"
#include "ocpp/cp/offline_code/key_ring.hpp"
#include "ocpp/cp/offline_code/pile_verifier.hpp"
#include "ocpp/cp/security_events.hpp"
#include "ocpp/cp/settings.hpp"
#include "ocpp/cp/store.hpp"
#include "ocpp/offline_code/code.hpp"
#include "ocpp/offline_code/fields.hpp"
#include "ocpp/offline_code/keys.hpp"

namespace {

namespace oc = ocpp::offline_code;
namespace cpoc = ocpp::cp::offline_code;

constexpr const char* kPile = "BENCH-PILE";
constexpr std::int64_t kNow = 1795521600;  // 2026-11-24T12:00:00Z

oc::PileKey pile_key() {
  oc::MasterSecret m{};
  m.fill(0x5a);
  return oc::derive_pile_key(m, kPile, 1);
}

std::string make_code(std::uint16_t serial) {
  oc::Fields f;
  f.serial = serial;
  f.connector = 1;
  f.expiry_hours = oc::expiry_hours_for(kNow, 24);
  return oc::encode(f, pile_key(), kPile);
}

std::filesystem::path temp_dir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "ocpp-bench-code-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

// A pile's store and verifier in a fresh database, as the daemon wires them.
struct Pile {
  std::filesystem::path dir = temp_dir();
  ocpp::ManualClock clock{ocpp::SystemTime{std::chrono::seconds(kNow)}};
  ocpp::cp::Store store{(dir / "cp.db").string()};
  ocpp::cp::Settings settings{store.db(), ocpp::cp::core_setting_specs()};
  cpoc::CodeStore codes{store.db()};
  ocpp::cp::SecurityEvents events{store.db()};
  cpoc::KeyRing ring{codes, clock};
  cpoc::PileCodeVerifier verifier{codes, ring, events, settings, clock, kPile};
  Pile() {
    ring.install(pile_key());
    verifier.clock_synced();
  }
  ~Pile() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

void BM_Verify(benchmark::State& state) {
  const std::vector<oc::PileKey> keys{pile_key()};
  const auto code = make_code(7);
  for (auto _ : state) {
    auto v = oc::verify(code, keys, kPile, 1, kNow, true);
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_Verify);

void BM_PileAccept(benchmark::State& state) {
  Pile pile;
  // Fresh serials each time (4096 per key version); the codes are made outside the timing.
  std::vector<std::string> codes;
  for (std::uint16_t s = 0; s <= oc::kMaxSerial; ++s) codes.push_back(make_code(s));
  std::size_t next = 0;
  for (auto _ : state) {
    if (next == codes.size()) {
      state.SkipWithError("out of serials");
      break;
    }
    bool accepted = false;
    pile.verifier.authorize_code(1, codes[next++], false, [&](ocpp::cp::CodeVerdict v) {
      accepted = v.result == ocpp::cp::CodeVerdict::Result::Accepted;
    });
    if (!accepted) state.SkipWithError("a code was not accepted");
  }
}
BENCHMARK(BM_PileAccept)->Iterations(2000);

void BM_PileRefuseTypo(benchmark::State& state) {
  Pile pile;
  auto typo = make_code(1);
  typo[2] = typo[2] == '9' ? '0' : static_cast<char>(typo[2] + 1);
  for (auto _ : state) {
    pile.verifier.authorize_code(1, typo, false, [](ocpp::cp::CodeVerdict v) { benchmark::DoNotOptimize(v); });
  }
}
BENCHMARK(BM_PileRefuseTypo);

void BM_SqliteFullCommit(benchmark::State& state) {
  Pile pile;
  std::int64_t i = 0;
  for (auto _ : state) {
    pile.store.db().prepare("INSERT OR REPLACE INTO offline_code_state(name, value) VALUES('bench', ?1)").bind(1, ++i).run();
  }
}
BENCHMARK(BM_SqliteFullCommit)->Iterations(2000);

}  // namespace

BENCHMARK_MAIN();
