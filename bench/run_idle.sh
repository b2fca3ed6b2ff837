#!/usr/bin/env bash
# Idle footprint of ocpp-chargepoint (bench/RESULTS.md): peak RSS (VmHWM), RSS and thread count of
# the release build with two connectors and the simulated pile, connected to the reference CSMS over
# ws:// and idle for IDLE_SECONDS (default 20), beside two baselines measured in the same run,
# connected to the same CSMS and idle:
#   bare        bench_bare_ws_client: libwebsockets with OpenSSL initialised on the default vhost,
#               which lws 4.1 gives a client TLS context (SSL_CTX + system CA bundle) even for
#               ws://. This is the issue's baseline.
#   bare-noctx  bench_bare_ws_client --no-client-tls-context: OpenSSL initialised too, but
#               libwebsockets set up as ocpp-chargepoint sets it up for ws:// (explicit vhost, no
#               client TLS context). This is the like-for-like baseline.
# The figure that matters is the difference: libwebsockets and OpenSSL cost several MB on every
# side. Prints the table, the targets (at most 2 MiB above the baseline, at most 2 threads), the
# threads of each process by name, and the stripped sizes of the programs.
# Exits non-zero if a process died before it was measured.
set -euo pipefail
cd "$(dirname "$0")/.."

IDLE_SECONDS=${IDLE_SECONDS:-20}
BIN=build/release/bin

cmake --preset release >/dev/null
# build/release is shared with other builds; a concurrent ninja in the same folder can make ours
# fail, so try a few times before giving up.
for attempt in 1 2 3 4 5; do
  if cmake --build --preset release --target ocpp-chargepoint ocpp-csms-sim ocpp-cpctl bench_bare_ws_client; then
    break
  fi
  if [ "$attempt" = 5 ]; then
    echo "run_idle.sh: build failed" >&2
    exit 1
  fi
  echo "run_idle.sh: build failed (attempt $attempt), retrying in 20 s" >&2
  sleep 20
done

tmp=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Fails the run if a process we started is no longer there, with the end of its log.
require_alive() {  # NAME PID LOG
  if ! kill -0 "$2" 2>/dev/null; then
    echo "run_idle.sh: $1 (pid $2) died; the end of its log:" >&2
    tail -n 20 "$3" >&2 || true
    exit 1
  fi
}

echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:  $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "compiler: $("$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' build/release/CMakeCache.txt)" --version | head -1)"
echo "libs:     libwebsockets $(pkg-config --modversion libwebsockets), $(openssl version 2>/dev/null || echo 'OpenSSL ?')"
echo "source:   $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# The reference CSMS, on free ports; it prints "listening ocpp=PORT http=PORT" once it is up.
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
[ -n "$ocpp_port" ] || { echo "run_idle.sh: ocpp-csms-sim did not print its ports" >&2; exit 1; }

# ocpp-chargepoint: two connectors, the simulated pile, 1.6 over ws://, log level warn.
cat >"$tmp/chargepoint.json" <<EOF
{
  "charge_point_id": "IDLE-CP-1",
  "ocpp_version": "1.6",
  "csms_url": "ws://127.0.0.1:$ocpp_port/",
  "security_profile": 0,
  "database": "$tmp/chargepoint.db",
  "control_socket": "$tmp/chargepoint.sock",
  "connectors": 2,
  "hal": {"driver": "sim"},
  "log": {"level": "warn"}
}
EOF
"$BIN/ocpp-chargepoint" --config "$tmp/chargepoint.json" >"$tmp/chargepoint.log" 2>&1 &
cp_pid=$!
pids+=("$cp_pid")

# Connected and accepted, as the control socket reports it.
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
[ -n "$ok" ] || { echo "run_idle.sh: ocpp-chargepoint not connected and Accepted after 30 s" >&2; exit 1; }

# The baselines, connected to the same CSMS under charge point ids of their own.
start_bare() {  # NAME ID [OPTION]; sets bare_pid
  "$BIN/bench_bare_ws_client" "${@:3}" 127.0.0.1 "$ocpp_port" "$2" >"$tmp/$1.out" 2>"$tmp/$1.log" &
  bare_pid=$!
  pids+=("$bare_pid")
  local ok=
  for _ in $(seq 100); do
    if grep -qx connected "$tmp/$1.out"; then ok=1; break; fi
    require_alive "bench_bare_ws_client ($1)" "$bare_pid" "$tmp/$1.log"
    sleep 0.1
  done
  [ -n "$ok" ] || { echo "run_idle.sh: bench_bare_ws_client ($1) not connected after 10 s" >&2; exit 1; }
}
start_bare bare IDLE-BARE-1
bare_pid_default=$bare_pid
start_bare bare-noctx IDLE-BARE-2 --no-client-tls-context
bare_pid_noctx=$bare_pid

echo "all connected; idle for $IDLE_SECONDS s"
sleep "$IDLE_SECONDS"

require_alive ocpp-csms-sim "$csms_pid" "$tmp/csms.log"
require_alive ocpp-chargepoint "$cp_pid" "$tmp/chargepoint.log"
require_alive "bench_bare_ws_client (bare)" "$bare_pid_default" "$tmp/bare.log"
require_alive "bench_bare_ws_client (bare-noctx)" "$bare_pid_noctx" "$tmp/bare-noctx.log"
registered || { echo "run_idle.sh: ocpp-chargepoint is no longer connected and Accepted" >&2; exit 1; }

# Read all three together, right after the idle period.
cp "/proc/$cp_pid/status" "$tmp/cp.status"
cp "/proc/$bare_pid_default/status" "$tmp/bare.status"
cp "/proc/$bare_pid_noctx/status" "$tmp/bare-noctx.status"
threads_of() { for t in /proc/"$1"/task/*; do printf '%s(%s) ' "$(cat "$t/comm")" "${t##*/}"; done; }
cp_threads=$(threads_of "$cp_pid")
bare_threads="$(threads_of "$bare_pid_default")/ $(threads_of "$bare_pid_noctx")"

# Stripped sizes: strip a copy, never the build's binary.
cp "$BIN/ocpp-chargepoint" "$tmp/ocpp-chargepoint.stripped"
cp "$BIN/bench_bare_ws_client" "$tmp/bench_bare_ws_client.stripped"
strip "$tmp/ocpp-chargepoint.stripped" "$tmp/bench_bare_ws_client.stripped"

python3 - "$tmp/cp.status" "$tmp/bare.status" "$tmp/bare-noctx.status" \
  "$(stat -c %s "$tmp/ocpp-chargepoint.stripped")" "$(stat -c %s "$tmp/bench_bare_ws_client.stripped")" <<'EOF'
import sys

TARGET_KB = 2 * 1024   # at most 2 MB above the baseline, read as 2 MiB since /proc counts KiB ("kB")
TARGET_THREADS = 2

def status(path):
    fields = {}
    for line in open(path):
        key, _, value = line.partition(":")
        fields[key] = value.split()[0] if value.split() else ""
    return fields

cp, bare, noctx = status(sys.argv[1]), status(sys.argv[2]), status(sys.argv[3])
cp_size, bare_size = int(sys.argv[4]), int(sys.argv[5])

print()
print(f"{'':<14} {'chargepoint':>11} | {'bare':>6} {'cp-bare':>8} {'ratio':>5} | "
      f"{'bare-noctx':>10} {'cp-noctx':>8} {'ratio':>5}")
for key in ["VmHWM", "VmRSS", "RssAnon", "RssFile", "Threads"]:
    a, b, c = int(cp[key]), int(bare[key]), int(noctx[key])
    label = key if key == "Threads" else f"{key} (kB)"
    print(f"{label:<14} {a:>11,} | {b:>6,} {a - b:>+8,} {a / b:>5.2f} | {c:>10,} {a - c:>+8,} {a / c:>5.2f}")
print()
print(f"stripped size: ocpp-chargepoint {cp_size:,} bytes, bench_bare_ws_client {bare_size:,} bytes")
print()
for name, base in [("bare (the issue's baseline)", bare), ("bare-noctx (like for like)", noctx)]:
    diff = int(cp["VmHWM"]) - int(base["VmHWM"])
    print(f"target VmHWM <= {name} + 2 MiB: {'met' if diff <= TARGET_KB else 'NOT met'} ({diff / 1024:+.2f} MiB)")
threads = int(cp["Threads"])
print(f"target threads <= {TARGET_THREADS}: {'met' if threads <= TARGET_THREADS else 'NOT met'} ({threads})")
EOF
echo
echo "threads of ocpp-chargepoint, comm(tid): $cp_threads"
echo "threads of bench_bare_ws_client (bare / bare-noctx): $bare_threads"
