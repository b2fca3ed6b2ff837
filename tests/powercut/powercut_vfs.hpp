#pragma once
// A SQLite VFS for tests that simulates power cuts (issue 14), in the spirit of SQLite's own crash
// tests: a SIGKILL loses nothing the process had written, a power cut loses what the disk had not
// synced. It wraps the default VFS and passes everything through, but records, per file, what every
// write and truncation replaced since that file's last sync. The power fails at a chosen operation
// (a write, a truncation, a sync or a deletion, counted over every file); from then on nothing
// reaches the "disk" for good: the program keeps running on the files as they are (so it does not
// trip over its own page cache) until the test has closed every connection and calls restore(),
// which puts each file back to what a disk could hold after the cut: everything since the cut
// undone, and whatever was written since the file's last sync before it either undone too, or torn
// at sector granularity (each 512-byte sector of such a write kept, reverted, or filled with
// garbage). Bytes outside a write are never touched (SQLite's powersafe-overwrite assumption).
//
// One instance per process, registered under the name "powercut"; single-threaded use only.
#include <cstdint>
#include <random>
#include <string>

namespace ocpp::test {

// What restore() may do to the writes since a file's last sync before the cut.
enum class Tear {
  None,     // all of them are lost, whole: the disk had written none
  Sectors,  // each 512-byte sector of each of them: kept or lost
  Garbage,  // each sector kept, lost, or filled with random bytes (a write torn mid-sector)
};

struct RestoreReport {
  std::uint64_t writes_undone = 0;   // writes and truncations taken back whole
  std::uint64_t sectors_kept = 0;    // sectors of unsynced writes that reached the disk anyway
  std::uint64_t sectors_lost = 0;    // ... that did not
  std::uint64_t sectors_garbage = 0; // ... left half-written
};

class PowerCutVfs {
 public:
  static constexpr const char* kName = "powercut";
  // Registers the VFS once (as SQLite's default when `make_default`, so that code opening its
  // database without naming a VFS goes through it too) and returns it.
  static PowerCutVfs& install(bool make_default);

  // Operations counted so far (writes, truncations, syncs, deletions of the files it opened).
  std::uint64_t ops() const;
  // The power fails at operation number `at` (counted by ops(), so a value above ops()); that
  // operation and every later one are lost. 0 disarms.
  void arm(std::uint64_t at);
  // The power has failed: what is written from now on is not kept.
  bool cut() const;
  // Files it has open now; restore() needs none.
  int open_files() const;
  // Puts the files back as the disk holds them after the cut (or, without a cut, as after a cut
  // now), then forgets the past: the next operation is on a freshly powered machine.
  RestoreReport restore(std::mt19937_64& rng, Tear tear);
};

}  // namespace ocpp::test
