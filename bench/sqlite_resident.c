// How much of libsqlite3 becomes resident when a program uses it the way the charge point's store
// does (open, WAL, a few statements), read from /proc/self/smaps. Options after the database path:
// "check" runs PRAGMA quick_check first, as the store does at every start; "random" gives the
// library's mappings MADV_RANDOM first (no read-around, no fault-around), to tell the pages SQLite
// touches from the pages mapped around them. bench/RESULTS.md, "Idle footprint like for like".
// Build and run: gcc -O1 bench/sqlite_resident.c -o /tmp/sqlite_resident -lsqlite3, then
//   for o in "" check random "check random"; do rm -f /tmp/x.db*; /tmp/sqlite_resident /tmp/x.db $o; done
#define _GNU_SOURCE
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
static long rss_of(const char* lib) {
  FILE* f = fopen("/proc/self/smaps", "r"); char line[512]; int in = 0; long total = 0;
  while (fgets(line, sizeof line, f)) {
    if ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) in = strstr(line, lib) != NULL;
    else if (in && strncmp(line, "Rss:", 4) == 0) total += atol(line + 4);
  }
  fclose(f); return total;
}
static void random_advice(const char* lib) {
  FILE* f = fopen("/proc/self/maps", "r"); char line[512];
  while (fgets(line, sizeof line, f)) {
    if (!strstr(line, lib)) continue;
    unsigned long a, b; sscanf(line, "%lx-%lx", &a, &b);
    if (madvise((void*)a, b - a, MADV_RANDOM) != 0) perror("madvise");
  }
  fclose(f);
}
static void exec1(sqlite3* db, const char* sql) { char* err = 0; sqlite3_exec(db, sql, 0, 0, &err); if (err) { fprintf(stderr, "%s: %s\n", sql, err); sqlite3_free(err);} }
int main(int argc, char** argv) {
  int check = 0, random = 0;
  for (int i = 2; i < argc; ++i) {
    if (strcmp(argv[i], "check") == 0) check = 1;
    if (strcmp(argv[i], "random") == 0) random = 1;
  }
  if (random) random_advice("libsqlite3");
  long start = rss_of("libsqlite3");
  sqlite3* db;
  sqlite3_open(argv[1], &db);
  if (check) exec1(db, "PRAGMA quick_check");
  exec1(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA user_version;");
  exec1(db, "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER); INSERT INTO t(a,b) VALUES('x', 1); "
            "SELECT * FROM t WHERE id > 0 ORDER BY b; UPDATE t SET b = b + 1 WHERE id = 1; DELETE FROM t WHERE id = 1;");
  exec1(db, "SELECT name FROM sqlite_master");
  printf("check=%d random=%d: libsqlite3 resident %ld kB at start, %ld kB after the work\n", check, random, start,
         rss_of("libsqlite3"));
  sqlite3_close(db);
  return 0;
}
