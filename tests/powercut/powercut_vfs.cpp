#include "powercut_vfs.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <vector>

namespace ocpp::test {
namespace {

constexpr std::int64_t kSector = 512;

// What one write, truncation or deletion replaced, so that restore() can take it back.
struct Undo {
  bool created = false;        // the file did not exist before (undo: delete it)
  std::int64_t offset = 0;     // where the operation wrote, or the new length of a truncation
  std::int64_t length = 0;     // bytes written (0 for a truncation or a deletion)
  std::string old;             // the bytes it replaced, as far as the file reached
  std::int64_t old_size = 0;   // the file's length before it
  bool after_cut = false;      // issued once the power had failed: never reached the disk
};

struct State {
  sqlite3_vfs* real = nullptr;
  std::uint64_t ops = 0;
  std::uint64_t arm_at = 0;
  bool cut = false;
  int open_files = 0;
  std::map<std::string, std::vector<Undo>> logs;  // per path, since its last sync before the cut
};

State& state() {
  static State s;
  return s;
}

struct File {
  sqlite3_file base;
  sqlite3_file* real;  // the default VFS's file, allocated right behind this struct
  std::string* path;   // nullptr: not tracked (temporary files, which do not outlive a cut anyway)
};

sqlite3_file* real_of(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

// Counts an operation that changes a file; true when the power is already off for it.
bool count_op() {
  auto& s = state();
  ++s.ops;
  if (s.arm_at != 0 && s.ops >= s.arm_at) s.cut = true;
  return s.cut;
}

std::int64_t size_of(sqlite3_file* real) {
  sqlite3_int64 size = 0;
  if (real->pMethods->xFileSize(real, &size) != SQLITE_OK) return 0;
  return size;
}

// The bytes of [offset, offset+length) that exist in the file now.
std::string read_existing(sqlite3_file* real, std::int64_t offset, std::int64_t length, std::int64_t size) {
  const std::int64_t end = std::min(offset + length, size);
  if (end <= offset) return {};
  std::string out(static_cast<std::size_t>(end - offset), '\0');
  real->pMethods->xRead(real, out.data(), static_cast<int>(out.size()), offset);
  return out;
}

int x_close(sqlite3_file* f) {
  auto* file = reinterpret_cast<File*>(f);
  const int rc = file->real->pMethods != nullptr ? file->real->pMethods->xClose(file->real) : SQLITE_OK;
  if (file->path != nullptr) --state().open_files;
  delete file->path;
  file->path = nullptr;
  return rc;
}

int x_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  return real_of(f)->pMethods->xRead(real_of(f), buf, amount, offset);
}

int x_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  auto* file = reinterpret_cast<File*>(f);
  if (file->path != nullptr) {
    Undo u;
    u.after_cut = count_op();
    u.offset = offset;
    u.length = amount;
    u.old_size = size_of(file->real);
    u.old = read_existing(file->real, offset, amount, u.old_size);
    state().logs[*file->path].push_back(std::move(u));
  }
  return file->real->pMethods->xWrite(file->real, buf, amount, offset);
}

int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  auto* file = reinterpret_cast<File*>(f);
  if (file->path != nullptr) {
    Undo u;
    u.after_cut = count_op();
    u.offset = size;
    u.old_size = size_of(file->real);
    u.old = read_existing(file->real, size, u.old_size - size, u.old_size);
    state().logs[*file->path].push_back(std::move(u));
  }
  return file->real->pMethods->xTruncate(file->real, size);
}

// A sync before the cut makes everything written to that file so far durable. The real fsync is
// skipped: durability is what this VFS simulates, and thousands of cuts must run in minutes.
int x_sync(sqlite3_file* f, int /*flags*/) {
  auto* file = reinterpret_cast<File*>(f);
  if (file->path != nullptr && !count_op()) state().logs.erase(*file->path);
  return SQLITE_OK;
}

int x_file_size(sqlite3_file* f, sqlite3_int64* size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
int x_lock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xLock(real_of(f), level); }
int x_unlock(sqlite3_file* f, int level) { return real_of(f)->pMethods->xUnlock(real_of(f), level); }
int x_check_lock(sqlite3_file* f, int* out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
int x_control(sqlite3_file* f, int op, void* arg) { return real_of(f)->pMethods->xFileControl(real_of(f), op, arg); }
int x_sector_size(sqlite3_file* f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
int x_device(sqlite3_file* f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
// The wal-index (-shm) is memory shared between connections, rebuilt from the WAL after a cut:
// passed through untouched.
int x_shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
  return real_of(f)->pMethods->xShmMap(real_of(f), region, size, extend, out);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
int x_shm_unmap(sqlite3_file* f, int remove) { return real_of(f)->pMethods->xShmUnmap(real_of(f), remove); }

const sqlite3_io_methods kMethods = {
    2,          x_close,      x_read,       x_write,       x_truncate,   x_sync,        x_file_size,
    x_lock,     x_unlock,     x_check_lock, x_control,     x_sector_size, x_device,     x_shm_map,
    x_shm_lock, x_shm_barrier, x_shm_unmap, nullptr,       nullptr,
};

bool tracked(const char* name, int flags) {
  constexpr int kDurable = SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL;
  return name != nullptr && (flags & kDurable) != 0;
}

int x_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto& s = state();
  auto* file = reinterpret_cast<File*>(f);
  file->base.pMethods = nullptr;
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->path = nullptr;
  int existed = 1;
  if (tracked(name, flags)) s.real->xAccess(s.real, name, SQLITE_ACCESS_EXISTS, &existed);
  const int rc = s.real->xOpen(s.real, name, file->real, flags, out_flags);
  if (rc != SQLITE_OK) {
    // SQLite calls xClose even when xOpen fails, if pMethods is set; the real file may need it.
    if (file->real->pMethods != nullptr) file->base.pMethods = &kMethods;
    return rc;
  }
  file->base.pMethods = &kMethods;
  (void)vfs;
  if (!tracked(name, flags)) return rc;
  file->path = new std::string(name);
  ++s.open_files;
  // A file created after the cut is gone after it. One created before is kept (its directory
  // entry is taken as durable), empty until its first sync.
  if (existed == 0 && s.cut) {
    Undo u;
    u.created = true;
    u.after_cut = true;
    s.logs[name].push_back(u);
  }
  return rc;
}

std::string whole_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A deletion before the cut is durable (the journal's end is a commit point in rollback mode); one
// after it is undone by writing the file back.
int x_delete(sqlite3_vfs* /*vfs*/, const char* path, int dir_sync) {
  auto& s = state();
  const bool known = s.logs.count(path) != 0;
  int exists = 0;
  s.real->xAccess(s.real, path, SQLITE_ACCESS_EXISTS, &exists);
  if (count_op()) {
    if (exists == 0) return s.real->xDelete(s.real, path, dir_sync);
    Undo u;
    u.old = whole_file(path);
    u.old_size = static_cast<std::int64_t>(u.old.size());
    u.length = 0;
    u.after_cut = true;
    s.logs[path].push_back(std::move(u));
  } else if (known) {
    s.logs.erase(path);
  }
  return s.real->xDelete(s.real, path, dir_sync);
}

int x_access(sqlite3_vfs*, const char* path, int flags, int* out) { return state().real->xAccess(state().real, path, flags, out); }
int x_full_pathname(sqlite3_vfs*, const char* path, int n, char* out) {
  return state().real->xFullPathname(state().real, path, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* path) { return state().real->xDlOpen(state().real, path); }
void x_dl_error(sqlite3_vfs*, int n, char* out) { state().real->xDlError(state().real, n, out); }
void (*x_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) { return state().real->xDlSym(state().real, h, sym); }
void x_dl_close(sqlite3_vfs*, void* h) { state().real->xDlClose(state().real, h); }
int x_randomness(sqlite3_vfs*, int n, char* out) { return state().real->xRandomness(state().real, n, out); }
int x_sleep(sqlite3_vfs*, int us) { return state().real->xSleep(state().real, us); }
int x_current_time(sqlite3_vfs*, double* out) { return state().real->xCurrentTime(state().real, out); }
int x_last_error(sqlite3_vfs*, int n, char* out) { return state().real->xGetLastError(state().real, n, out); }
int x_current_time64(sqlite3_vfs*, sqlite3_int64* out) { return state().real->xCurrentTimeInt64(state().real, out); }

// --- restore ------------------------------------------------------------------------------------

class PosixFile {
 public:
  explicit PosixFile(const std::string& path) : fd_(::open(path.c_str(), O_RDWR | O_CREAT, 0644)) {
    if (fd_ < 0) throw std::runtime_error("powercut: cannot open " + path);
  }
  ~PosixFile() { ::close(fd_); }
  PosixFile(const PosixFile&) = delete;
  PosixFile& operator=(const PosixFile&) = delete;
  void write(std::int64_t offset, const char* data, std::int64_t n) {
    if (n > 0 && ::pwrite(fd_, data, static_cast<std::size_t>(n), offset) != n) throw std::runtime_error("powercut: pwrite");
  }
  void resize(std::int64_t size) {
    if (::ftruncate(fd_, size) != 0) throw std::runtime_error("powercut: ftruncate");
  }

 private:
  int fd_;
};

// Takes one operation back whole: the file as it was before it.
void undo_whole(PosixFile& file, const Undo& u) {
  file.write(u.offset, u.old.data(), static_cast<std::int64_t>(u.old.size()));
  file.resize(u.old_size);
}

// A write since the last sync, before the cut: each sector of it reached the disk, or did not,
// or (Tear::Garbage) half did.
void undo_torn(PosixFile& file, const Undo& u, std::mt19937_64& rng, Tear tear, RestoreReport& r) {
  bool extension_kept = false;
  const std::int64_t end = u.offset + u.length;
  for (std::int64_t from = u.offset; from < end;) {
    const std::int64_t to = std::min(end, (from / kSector + 1) * kSector);
    const auto pick = rng() % (tear == Tear::Garbage ? 3u : 2u);
    if (pick == 0) {
      ++r.sectors_kept;
      if (to > u.old_size) extension_kept = true;
    } else if (pick == 1) {
      ++r.sectors_lost;
      // What was there before; past the old end of the file, a hole.
      std::string old(static_cast<std::size_t>(to - from), '\0');
      const std::int64_t have = std::max<std::int64_t>(0, std::min(to, u.old_size) - from);
      if (have > 0) std::memcpy(old.data(), u.old.data() + (from - u.offset), static_cast<std::size_t>(have));
      file.write(from, old.data(), to - from);
    } else {
      ++r.sectors_garbage;
      if (to > u.old_size) extension_kept = true;
      std::string junk(static_cast<std::size_t>(to - from), '\0');
      for (auto& c : junk) c = static_cast<char>(rng());
      file.write(from, junk.data(), to - from);
    }
    from = to;
  }
  // The file keeps its new length when any sector past the old end made it to the disk.
  if (!extension_kept) file.resize(u.old_size);
}

void restore_file(const std::string& path, const std::vector<Undo>& log, std::mt19937_64& rng, Tear tear,
                  RestoreReport& r) {
  PosixFile file(path);
  bool gone = false;  // the file did not exist before the oldest operation taken back
  for (auto it = log.rbegin(); it != log.rend(); ++it) {
    gone = it->created;
    if (it->created) {
      file.resize(0);
      continue;
    }
    if (it->after_cut || tear == Tear::None || it->length == 0) {
      undo_whole(file, *it);
      ++r.writes_undone;
    } else {
      undo_torn(file, *it, rng, tear, r);
    }
  }
  if (gone) ::unlink(path.c_str());
}

sqlite3_vfs make_vfs(sqlite3_vfs* real) {
  sqlite3_vfs v{};
  v.iVersion = 2;
  v.szOsFile = static_cast<int>(sizeof(File)) + real->szOsFile;
  v.mxPathname = real->mxPathname;
  v.zName = PowerCutVfs::kName;
  v.xOpen = x_open;
  v.xDelete = x_delete;
  v.xAccess = x_access;
  v.xFullPathname = x_full_pathname;
  v.xDlOpen = x_dl_open;
  v.xDlError = x_dl_error;
  v.xDlSym = x_dl_sym;
  v.xDlClose = x_dl_close;
  v.xRandomness = x_randomness;
  v.xSleep = x_sleep;
  v.xCurrentTime = x_current_time;
  v.xGetLastError = x_last_error;
  v.xCurrentTimeInt64 = x_current_time64;
  return v;
}

}  // namespace

PowerCutVfs& PowerCutVfs::install(bool make_default) {
  static PowerCutVfs instance;
  static sqlite3_vfs vfs{};
  auto& s = state();
  if (s.real == nullptr) {
    sqlite3_initialize();
    s.real = sqlite3_vfs_find(nullptr);
    if (s.real == nullptr) throw std::runtime_error("powercut: SQLite has no default VFS");
    vfs = make_vfs(s.real);
  }
  if (sqlite3_vfs_register(&vfs, make_default ? 1 : 0) != SQLITE_OK) throw std::runtime_error("powercut: cannot register");
  return instance;
}

std::uint64_t PowerCutVfs::ops() const { return state().ops; }
void PowerCutVfs::arm(std::uint64_t at) { state().arm_at = at; }
bool PowerCutVfs::cut() const { return state().cut; }
int PowerCutVfs::open_files() const { return state().open_files; }

RestoreReport PowerCutVfs::restore(std::mt19937_64& rng, Tear tear) {
  auto& s = state();
  if (s.open_files != 0) throw std::logic_error("powercut: restore() with files still open");
  RestoreReport r;
  for (const auto& [path, log] : s.logs) {
    restore_file(path, log, rng, tear, r);
    // The wal-index lived in memory; SQLite rebuilds it from the WAL at the next open.
    if (path.size() > 4 && path.compare(path.size() - 4, 4, "-wal") == 0) {
      ::unlink((path.substr(0, path.size() - 4) + "-shm").c_str());
    }
  }
  s.logs.clear();
  s.cut = false;
  s.arm_at = 0;
  return r;
}

}  // namespace ocpp::test
