#!/usr/bin/env bash
# Idle wake-ups and CPU of ocpp-chargepoint (issue 15, bench/RESULTS.md): the release build with two
# connectors and the simulated pile, connected to the reference CSMS over ws://, Accepted and idle,
# beside a bare libwebsockets client connected to the same CSMS that only pings at the daemon's
# WebSocketPingInterval (bench_bare_ws_client --no-client-tls-context --ping-interval 60), in the
# same run. Over WAKEUP_SECONDS (default 60) it reads, for each process, before and after:
#   voluntary_ctxt_switches   (/proc/PID/status): each is the thread going to sleep and being woken,
#                             i.e. one wake-up; summed over the process's threads;
#   utime + stime             (/proc/PID/stat, clock ticks: 10 ms resolution);
#   sum_exec_runtime          (/proc/PID/task/*/schedstat, ns: the same CPU time, precisely).
# Prints wake-ups per second, CPU in percent of one core, and the ratios against the baseline.
# Environment: WAKEUP_SECONDS (60); SKIP_BUILD=1 measures the binaries already in build/release;
# CHARGEPOINT=PATH measures another ocpp-chargepoint binary (e.g. a copy built before a change);
# BIN_DIR (build/release/bin) for the CSMS, ocpp-cpctl and the baseline; OCPP_VERSION (1.6); OCPP_BUILD_LOCK as in run_idle.sh (held while building, never while measuring).
# Exits non-zero if a process died or the pile lost its registration during the measurement.
set -euo pipefail
cd "$(dirname "$0")/.."

WAKEUP_SECONDS=${WAKEUP_SECONDS:-60}
OCPP_VERSION=${OCPP_VERSION:-1.6}
PING_INTERVAL=60  # the daemon's default WebSocketPingInterval (settings.cpp), given to the baseline
BIN=${BIN_DIR:-build/release/bin}
CHARGEPOINT=${CHARGEPOINT:-$BIN/ocpp-chargepoint}
if [ -z "${OCPP_BUILD_LOCK+set}" ] && [ -e /tmp/ocpp-build.lock ]; then OCPP_BUILD_LOCK=/tmp/ocpp-build.lock; fi
locked() { if [ -n "${OCPP_BUILD_LOCK:-}" ]; then flock "$OCPP_BUILD_LOCK" "$@"; else "$@"; fi; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  locked cmake --preset release >/dev/null
  locked cmake --build --preset release --target ocpp-chargepoint ocpp-csms-sim ocpp-cpctl bench_bare_ws_client
fi

tmp=$(mktemp -d)
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
    echo "run_wakeups.sh: $1 (pid $2) died; the end of its log:" >&2
    tail -n 20 "$3" >&2 || true
    exit 1
  fi
}

echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:  $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "libs:     libwebsockets $(pkg-config --modversion libwebsockets)"
echo "source:   $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
echo "binary:   $CHARGEPOINT built $(date -u -r "$CHARGEPOINT" +%Y-%m-%dT%H:%M:%SZ)"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (at the start)"

"$BIN/ocpp-csms-sim" --ocpp-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 --database "$tmp/csms.db" --user b:b \
  >"$tmp/csms.out" 2>"$tmp/csms.log" &
csms_pid=$!
pids+=("$csms_pid")
ocpp_port=
for _ in $(seq 100); do
  ocpp_port=$(sed -n 's/^listening ocpp=\([0-9]*\) http=[0-9]*$/\1/p' "$tmp/csms.out")
  [ -n "$ocpp_port" ] && break
  require_alive ocpp-csms-sim "$csms_pid" "$tmp/csms.log"
  sleep 0.1
done
[ -n "$ocpp_port" ] || { echo "run_wakeups.sh: ocpp-csms-sim did not print its ports" >&2; exit 1; }

cat >"$tmp/chargepoint.json" <<JSON
{
  "charge_point_id": "WAKE-CP-1",
  "ocpp_version": "$OCPP_VERSION",
  "csms_url": "ws://127.0.0.1:$ocpp_port/",
  "security_profile": 0,
  "database": "$tmp/chargepoint.db",
  "control_socket": "$tmp/chargepoint.sock",
  "connectors": 2,
  "hal": {"driver": "sim"},
  "log": {"level": "warn"}
}
JSON
"$CHARGEPOINT" --config "$tmp/chargepoint.json" >"$tmp/chargepoint.log" 2>&1 &
cp_pid=$!
pids+=("$cp_pid")
registered() {
  "$BIN/ocpp-cpctl" --socket "$tmp/chargepoint.sock" --timeout 2 status --json 2>/dev/null |
    python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["connected"] is True and s["registration"] == "Accepted" else 1)' \
    2>/dev/null
}
ok=
for _ in $(seq 150); do
  if registered; then ok=1; break; fi
  require_alive ocpp-chargepoint "$cp_pid" "$tmp/chargepoint.log"
  sleep 0.2
done
[ -n "$ok" ] || { echo "run_wakeups.sh: ocpp-chargepoint not connected and Accepted after 30 s" >&2; exit 1; }

subprotocol=ocpp1.6
[ "$OCPP_VERSION" = 2.0.1 ] && subprotocol=ocpp2.0.1
"$BIN/bench_bare_ws_client" --no-client-tls-context --subprotocol "$subprotocol" --ping-interval "$PING_INTERVAL" \
  127.0.0.1 "$ocpp_port" WAKE-BARE-1 >"$tmp/bare.out" 2>"$tmp/bare.log" &
bare_pid=$!
pids+=("$bare_pid")
ok=
for _ in $(seq 100); do
  if grep -qx connected "$tmp/bare.out"; then ok=1; break; fi
  require_alive bench_bare_ws_client "$bare_pid" "$tmp/bare.log"
  sleep 0.1
done
[ -n "$ok" ] || { echo "run_wakeups.sh: bench_bare_ws_client not connected after 10 s" >&2; exit 1; }

# Let the start-up settle (the boot's status notifications, the first answers), then sample all
# three processes together, idle, and again WAKEUP_SECONDS later.
sleep 3
sample() {  # TAG: one line per process: NAME VOLUNTARY NONVOLUNTARY TICKS SCHED_NS
  for name in cp:$cp_pid bare:$bare_pid csms:$csms_pid; do
    local pid=${name##*:} vol=0 nonvol=0 ns=0 t
    for t in /proc/"$pid"/task/*; do
      vol=$((vol + $(sed -n 's/^voluntary_ctxt_switches:\s*//p' "$t/status")))
      nonvol=$((nonvol + $(sed -n 's/^nonvoluntary_ctxt_switches:\s*//p' "$t/status")))
      ns=$((ns + $(cut -d' ' -f1 "$t/schedstat")))
    done
    # utime and stime are fields 14 and 15; the command name (field 2) has no blank here.
    local ticks
    ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    echo "${name%%:*} $vol $nonvol $ticks $ns"
  done >"$tmp/$1"
}
sample before
start_ns=$(date +%s%N)
echo "all connected; idle for $WAKEUP_SECONDS s"
sleep "$WAKEUP_SECONDS"
sample after
end_ns=$(date +%s%N)
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (at the end)"

require_alive ocpp-csms-sim "$csms_pid" "$tmp/csms.log"
require_alive ocpp-chargepoint "$cp_pid" "$tmp/chargepoint.log"
require_alive bench_bare_ws_client "$bare_pid" "$tmp/bare.log"
registered || { echo "run_wakeups.sh: the pile is no longer connected and Accepted" >&2; exit 1; }
rss() { sed -n 's/^VmRSS:\s*//p' "/proc/$1/status"; }
echo "VmRSS:    cp $(rss "$cp_pid"), bare $(rss "$bare_pid")"

python3 - "$tmp/before" "$tmp/after" "$(( (end_ns - start_ns) / 1000 ))" "$(getconf CLK_TCK)" <<'PY'
import sys
before_f, after_f, elapsed_us, hz = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
secs = elapsed_us / 1e6
def read(path):
    return {f[0]: [int(x) for x in f[1:]] for f in (l.split() for l in open(path))}
b, a = read(before_f), read(after_f)
rows = {}
for name in ("cp", "bare", "csms"):
    vol, nonvol, ticks, ns = (a[name][i] - b[name][i] for i in range(4))
    rows[name] = {"wake/s": vol / secs, "nonvol/s": nonvol / secs,
                  "cpu% (ticks)": 100.0 * ticks / hz / secs, "cpu% (schedstat)": 100.0 * ns / 1e9 / secs,
                  "wake-ups": vol, "ticks": ticks, "ns": ns}
print(f"\nover {secs:.1f} s (voluntary context switches = wake-ups; CPU in % of one core):")
print(f"{'':<20}{'wake-ups':>10}{'wake/s':>10}{'nonvol/s':>10}{'ticks':>7}{'cpu% ticks':>12}{'cpu% sched':>12}")
labels = {"cp": "ocpp-chargepoint", "bare": "bare client (ping)", "csms": "ocpp-csms-sim"}
for name, r in rows.items():
    print(f"{labels[name]:<20}{r['wake-ups']:>10}{r['wake/s']:>10.2f}{r['nonvol/s']:>10.2f}{r['ticks']:>7}"
          f"{r['cpu% (ticks)']:>12.3f}{r['cpu% (schedstat)']:>12.4f}")
cp, bare = rows["cp"], rows["bare"]
def ratio(x, y):
    return f"{x / y:.2f}" if y else "inf (baseline 0)"
print(f"\nratio cp / bare: wake-ups {ratio(cp['wake-ups'], bare['wake-ups'])}, CPU (schedstat) {ratio(cp['ns'], bare['ns'])}")
print(f"target wake-ups <= 2/s: {'met' if cp['wake/s'] <= 2 else 'NOT met'} ({cp['wake/s']:.2f}/s)")
print(f"target CPU < 0.1 %: {'met' if cp['cpu% (schedstat)'] < 0.1 else 'NOT met'} ({cp['cpu% (schedstat)']:.4f} %)")
PY
