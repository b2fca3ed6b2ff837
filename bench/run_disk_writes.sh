#!/usr/bin/env bash
# Bytes written to disk per hour of charging (issue 5, bench/RESULTS.md; flash wear on eMMC):
# ocpp-chargepoint (release build, simulated pile, two connectors, MeterValueSampleInterval 10 s)
# charges on both connectors against ocpp-csms-sim on loopback for DISK_MINUTES minutes (default
# 5). write_bytes of the daemon (/proc/PID/io: bytes it caused to be sent to storage, counted in
# whole pages when they are dirtied) is read before and after, giving bytes per hour. Over the same
# window an strace of the daemon counts its fsync/fdatasync and pwrite64 calls, and the CSMS's frame
# log gives what the daemon sent: the OCPP payload bytes.
#
# Baselines in the same run, python3's sqlite3 module on the same libsqlite3 in the same directory,
# each commit inserting one row of the size of the daemon's stored meter event and deleting the
# previous one, into a table like the outbox, WAL, synchronous=FULL:
#   paced        during the same window, one commit every INTERVAL/2 s (the daemon's samples): the
#                same commits at the same pace and nothing else; and the same with
#                locking_mode=EXCLUSIVE (no -shm file: its mapped pages are written back too);
#   hour         720 commits at once (an hour of samples), which includes the WAL checkpoints a
#                5-minute window may not: with AUTOINCREMENT (as the outbox), with a plain INTEGER
#                PRIMARY KEY, and each with 1 KiB pages: what the schema and page size drive.
# Environment: DISK_MINUTES (5), BUILD_DIR (build/release), DISK_DIR (/tmp; must not be tmpfs,
# whose pages are never written to storage).
set -euo pipefail
cd "$(dirname "$0")/.."

DISK_MINUTES=${DISK_MINUTES:-5}
BUILD_DIR=${BUILD_DIR:-build/release}
DISK_DIR=${DISK_DIR:-/tmp}
BIN=$BUILD_DIR/bin
INTERVAL=10

cmake --preset release -B "$BUILD_DIR" >/dev/null
for attempt in 1 2 3 4 5; do
  if cmake --build "$BUILD_DIR" --target ocpp-chargepoint ocpp-csms-sim ocpp-cpctl; then
    break
  fi
  if [ "$attempt" = 5 ]; then
    echo "run_disk_writes.sh: build failed" >&2
    exit 1
  fi
  echo "run_disk_writes.sh: build failed (attempt $attempt), retrying in 20 s" >&2
  sleep 20
done

tmp=$(mktemp -d "$DISK_DIR/ocpp-disk.XXXXXX")
if [ "$(stat -f -c %T "$tmp")" = tmpfs ]; then
  echo "run_disk_writes.sh: $tmp is on tmpfs, which never writes to storage; set DISK_DIR" >&2
  rm -rf "$tmp"
  exit 1
fi
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_alive() {  # NAME PID LOG
  if ! kill -0 "$2" 2>/dev/null; then
    echo "run_disk_writes.sh: $1 (pid $2) died; the end of its log:" >&2
    tail -n 20 "$3" >&2 || true
    exit 1
  fi
}

echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:  $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "compiler: $("$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")" --version | head -1), $(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt") build in $BUILD_DIR"
echo "libs:     SQLite $(sqlite3 --version | cut -d' ' -f1) (python3 sqlite3: $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'))"
echo "source:   $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')"
echo "storage:  $tmp on $(stat -f -c %T "$tmp") ($(df --output=source "$tmp" | tail -1)), block size $(stat -f -c %S "$tmp")"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg)"
echo

"$BIN/ocpp-csms-sim" --ocpp-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --database "$tmp/csms.db" --user b:b \
  >"$tmp/csms.out" 2>"$tmp/csms.log" &
csms_pid=$!
pids+=("$csms_pid")
port=
for _ in $(seq 100); do
  port=$(sed -n 's/^listening ocpp=\([0-9]*\) http=[0-9]*$/\1/p' "$tmp/csms.out" 2>/dev/null || true)
  [ -n "$port" ] && break
  require_alive ocpp-csms-sim "$csms_pid" "$tmp/csms.log"
  sleep 0.1
done
[ -n "$port" ] || { echo "run_disk_writes.sh: ocpp-csms-sim did not print its ports" >&2; exit 1; }

# No hal.state_file: the simulated meter's own file is a stand-in for hardware that keeps its
# register itself, and would be written at every reading.
cat >"$tmp/chargepoint.json" <<EOF
{
  "charge_point_id": "DISK-CP-1",
  "ocpp_version": "1.6",
  "csms_url": "ws://127.0.0.1:$port/",
  "security_profile": 0,
  "database": "$tmp/chargepoint.db",
  "control_socket": "$tmp/chargepoint.sock",
  "connectors": 2,
  "hal": {"driver": "sim"},
  "ocpp_config": {"MeterValueSampleInterval": "$INTERVAL"},
  "log": {"level": "warn"}
}
EOF
"$BIN/ocpp-chargepoint" --config "$tmp/chargepoint.json" >"$tmp/chargepoint.log" 2>&1 &
cp_pid=$!
pids+=("$cp_pid")

ctl() { "$BIN/ocpp-cpctl" --socket "$tmp/chargepoint.sock" --timeout 5 "$@" >/dev/null; }
status_is() {  # PYTHON_EXPRESSION over s (the status JSON)
  "$BIN/ocpp-cpctl" --socket "$tmp/chargepoint.sock" --timeout 2 status --json 2>/dev/null |
    python3 -c "import json,sys; s=json.load(sys.stdin); sys.exit(0 if ($1) else 1)" 2>/dev/null
}
wait_until() {  # PYTHON_EXPRESSION WHAT
  for _ in $(seq 150); do
    if status_is "$1"; then return; fi
    require_alive ocpp-chargepoint "$cp_pid" "$tmp/chargepoint.log"
    sleep 0.2
  done
  echo "run_disk_writes.sh: timed out waiting for $2" >&2
  exit 1
}
wait_until 's["connected"] and s["registration"] == "Accepted"' "the registration"
for c in 1 2; do
  ctl plug "$c"
  ctl present-id "$c" "DISK-TAG-$c"
  ctl ev "$c" charge
done
wait_until 'all(c["transaction"] and not c["transaction"]["id"].startswith("local-") for c in s["connectors"]) and s["outbox"] == 0' \
  "both transactions to be confirmed"
sleep 2

io() { sed -n "s/^$1: //p" "/proc/$cp_pid/io"; }

# The SQLite baseline (see the top). The row is a stored meter event of the daemon's form
# (charging_events.cpp), one energy register value.
cat >"$tmp/baseline.py" <<'EOF'
import os, sqlite3, sys, time

ROW = ('{"connector":1,"sample":{"at":"2026-11-24T13:17:56.000Z","context":"Sample.Periodic","values":'
       '[{"measurand":"Energy.Active.Import.Register","value":1234628.6666666668,"unit":"Wh"}]}}')

def write_bytes():
    for line in open("/proc/self/io"):
        if line.startswith("write_bytes:"):
            return int(line.split()[1])

# The bytes written by `commits` commits; creating the file and its table is not counted.
def run(path, commits, period=0.0, autoincrement=True, page_size=4096, exclusive=False):
    db = sqlite3.connect(path, isolation_level=None)
    db.execute(f"PRAGMA page_size={page_size}")
    if exclusive:
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    key = "INTEGER PRIMARY KEY AUTOINCREMENT" if autoincrement else "INTEGER PRIMARY KEY"
    db.execute(f"CREATE TABLE outbox(seq {key}, kind TEXT NOT NULL, transaction_pk INTEGER, payload TEXT NOT NULL, "
               "attempts INTEGER NOT NULL DEFAULT 0, discarded_at TEXT, discard_reason TEXT)")
    previous = None
    before = write_bytes()
    start = time.monotonic()
    for i in range(commits):
        if period:
            time.sleep(max(0.0, start + (i + 1) * period - time.monotonic()))
        db.execute("BEGIN IMMEDIATE")
        if previous is not None:
            db.execute("DELETE FROM outbox WHERE seq=?", (previous,))
        previous = db.execute("INSERT INTO outbox(kind, transaction_pk, payload) VALUES('meter', 1, ?)", (ROW,)).lastrowid
        db.execute("COMMIT")
    db.close()
    return write_bytes() - before

if __name__ == "__main__":
    path, commits, period, exclusive = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == "1"
    print(run(path, commits, period, exclusive=exclusive))
EOF
paced_commits=$((DISK_MINUTES * 60 * 2 / INTERVAL))
paced_period=$(python3 -c "print($INTERVAL / 2)")
strace_pid=
if command -v strace >/dev/null; then
  strace -f -c -e trace=fsync,fdatasync,pwrite64,write -o "$tmp/strace.txt" -p "$cp_pid" 2>/dev/null &
  strace_pid=$!
  sleep 0.5
fi
w0=$(io write_bytes)
t0=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
s0=$(date +%s.%N)
python3 "$tmp/baseline.py" "$tmp/paced.db" "$paced_commits" "$paced_period" 0 >"$tmp/paced.out" &
paced_pid=$!
pids+=("$paced_pid")
python3 "$tmp/baseline.py" "$tmp/paced-exclusive.db" "$paced_commits" "$paced_period" 1 >"$tmp/paced-exclusive.out" &
paced_x_pid=$!
pids+=("$paced_x_pid")
echo "charging on both connectors for $DISK_MINUTES min at MeterValueSampleInterval $INTERVAL s"
end=$(($(date +%s) + DISK_MINUTES * 60))
while [ "$(date +%s)" -lt "$end" ]; do
  require_alive ocpp-chargepoint "$cp_pid" "$tmp/chargepoint.log"
  sleep 1
done
w1=$(io write_bytes)
s1=$(date +%s.%N)
t1=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
if [ -n "$strace_pid" ]; then
  kill -INT "$strace_pid" 2>/dev/null || true
  wait "$strace_pid" 2>/dev/null || true
fi
status_is 's["connected"] and all(c["transaction"] for c in s["connectors"])' ||
  { echo "run_disk_writes.sh: the daemon is no longer connected with both transactions running" >&2; exit 1; }
for c in 1 2; do ctl stop "$c"; done
wait "$paced_pid" "$paced_x_pid"

python3 - "$tmp" "$w0" "$w1" "$s0" "$s1" "$t0" "$t1" "$INTERVAL" "$paced_commits" <<'EOF'
import json, os, re, sys
sys.path.insert(0, sys.argv[1])
import baseline

tmp, w0, w1, s0, s1, t0, t1, interval, paced_commits = sys.argv[1:10]
seconds = float(s1) - float(s0)
written = int(w1) - int(w0)
per_hour = written * 3600 / seconds

# What the daemon sent in the window, from the CSMS's frame log.
line_re = re.compile(r'^(\S+) \S+\s+[^ ]+: <- (\[2,.*)$')
sent = {}
for line in open(f"{tmp}/csms.log", encoding="utf-8"):
    m = line_re.match(line.rstrip("\n"))
    if m and t0 <= m.group(1) <= t1:
        frame = json.loads(m.group(2))
        n, b = sent.get(frame[2], (0, 0))
        sent[frame[2]] = (n + 1, b + len(m.group(2)))
meter_values = sent.get("MeterValues", (0, 0))[0]
ocpp_bytes = sum(b for _, b in sent.values())

calls = {}
if os.path.exists(f"{tmp}/strace.txt"):
    for line in open(f"{tmp}/strace.txt"):
        f = line.split()
        if len(f) >= 5 and f[-1] in ("fsync", "fdatasync", "pwrite64", "write") and f[3].isdigit():
            calls[f[-1]] = int(f[3])
syncs = calls.get("fsync", 0) + calls.get("fdatasync", 0)

print()
print(f"window: {seconds:.0f} s; the daemon sent {sum(n for n, _ in sent.values())} calls "
      f"({meter_values} MeterValues), {ocpp_bytes:,} bytes of OCPP frames")
print(f"ocpp-chargepoint write_bytes: {written:,} bytes = {per_hour / 1e6:.2f} MB per hour "
      f"({written / max(meter_values, 1):,.0f} bytes per MeterValues)")
if calls:
    print(f"  syscalls in the window: {syncs} fsync/fdatasync, {calls.get('pwrite64', 0)} pwrite64, "
          f"{calls.get('write', 0)} write ({syncs / max(meter_values, 1):.2f} syncs per MeterValues)")
print(f"  OCPP payload sent: {ocpp_bytes * 3600 / seconds / 1e6:.3f} MB per hour; "
      f"write amplification {written / max(ocpp_bytes, 1):.0f}x")

paced = int(open(f"{tmp}/paced.out").read())
paced_x = int(open(f"{tmp}/paced-exclusive.out").read())
print()
print(f"SQLite baselines (python3 sqlite3, WAL, synchronous=FULL, one commit per sample: insert a "
      f"{len(baseline.ROW)}-byte row, delete the previous one):")
print(f"  paced, {paced_commits} commits in the same window: {paced:,} bytes = {paced * 3600 / seconds / 1e6:.2f} MB per hour "
      f"({paced / int(paced_commits):,.0f} per commit); with locking_mode=EXCLUSIVE: "
      f"{paced_x * 3600 / seconds / 1e6:.2f} MB per hour ({paced_x / int(paced_commits):,.0f} per commit)")
print(f"  ratio: the daemon over the paced baseline (the same samples, nothing else): {written / max(paced, 1):.2f}")
hour = 2 * 3600 // int(interval)
print(f"  {hour} commits at once (1 h of samples, WAL checkpoints included):")
for auto, page in [(True, 4096), (False, 4096), (True, 1024), (False, 1024)]:
    n = baseline.run(f"{tmp}/hour-{auto}-{page}.db", hour, autoincrement=auto, page_size=page)
    name = "AUTOINCREMENT (as the outbox)" if auto else "plain INTEGER PRIMARY KEY"
    print(f"    {name:<30} page {page:>4}: {n / 1e6:5.2f} MB per hour, {n / hour:>6,.0f} bytes per commit")
EOF
