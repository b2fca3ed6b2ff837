#!/usr/bin/env bash
# Replay throughput of a long offline backlog (issue 5, issue 11; bench/RESULTS.md). ocpp-make-backlog
# writes the database of a pile that charged on two connectors for BACKLOG_DAYS days (default 7) at
# a 60 s sample interval while its CSMS was unreachable (about 20,000 meter samples), once as a 1.6
# pile and once as a 2.0.1 pile (--ocpp); then ocpp-chargepoint (release build), configured with the
# same ocpp_version, replays it on loopback. In the same run, the round-trip bound of each version:
# bench_ws_pingpong sends exactly the frames the CSMS received (1.6: every StartTransaction,
# MeterValues and StopTransaction; 2.0.1: every TransactionEvent; from its frame log) and answers
# each with the CSMS's own answer, one round trip at a time, between two processes that do nothing
# else. The figure is replay messages/s over bound messages/s of the same version; the target is at
# least 0.70, against the reference CSMS as it is. Between versions, the 2.0.1/1.6 ratio of each run.
#
# Runs, each from a fresh copy of the same backlog, the pile's database on disk (REPLAY_DIR):
#   csms         against ocpp-csms-sim, its database on disk too (the figure of the issue);
#   csms-tmpfs   against ocpp-csms-sim with its database on tmpfs (/dev/shm), where its fsyncs cost
#                nothing: the difference is what the CSMS's own per-message commits cost;
#   bare-peer    against bench_ws_pingpong serve, which answers each CALL with the CSMS's recorded
#                answer for its action and does nothing else: the charge point's own cost.
# Each run and the bound are measured in two CPU placements (taskset), because on this kind of
# virtual machine a wake-up on another, idle vCPU costs about 20 us, which an unpinned round trip
# pays or not as the scheduler places the two processes (the bound then varies threefold):
#   one-cpu      the charge point and its peer share CPU 0: a round trip is CPU work only;
#   two-cpus     the charge point on CPU 0, its peer on CPU 1: every message wakes the other CPU.
# Within a placement the two versions alternate run by run (csms 1.6, csms 2.0.1, bound 1.6, bound
# 2.0.1, ...), so that drift from other jobs on the machine hits both.
# Printed per version and run: messages, drain time (first transaction message received to the
# answer to the last one, as the peer records it), messages/s, ratio to the bound of the same
# placement and version, and the CPU time (utime + stime, /proc/PID/stat) of the charge point and
# of its peer per message, from the daemon's start to the drained outbox.
# Environment: BACKLOG_DAYS (7), BUILD_DIR (build/release), REPLAY_DIR (/tmp), VERSIONS ("1.6
# 2.0.1"); SKIP_BUILD=1 uses the binaries already in BUILD_DIR; OCPP_BUILD_LOCK (default
# /tmp/ocpp-build.lock when it exists) is held with flock(1) while building, never while measuring.
# Exits non-zero if a process dies or a backlog does not drain.
set -euo pipefail
cd "$(dirname "$0")/.."

BACKLOG_DAYS=${BACKLOG_DAYS:-7}
BUILD_DIR=${BUILD_DIR:-build/release}
REPLAY_DIR=${REPLAY_DIR:-/tmp}
VERSIONS=${VERSIONS:-1.6 2.0.1}
BIN=$BUILD_DIR/bin
DRAIN_LIMIT_S=600
if [ -z "${OCPP_BUILD_LOCK+set}" ] && [ -e /tmp/ocpp-build.lock ]; then OCPP_BUILD_LOCK=/tmp/ocpp-build.lock; fi
locked() { if [ -n "${OCPP_BUILD_LOCK:-}" ]; then flock "$OCPP_BUILD_LOCK" "$@"; else "$@"; fi; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  locked cmake --preset release -B "$BUILD_DIR" >/dev/null
  # The build folder may be shared with other builds; a concurrent ninja there can make ours fail.
  # An up-to-date tree is a no-op.
  for attempt in 1 2 3 4 5; do
    if locked cmake --build "$BUILD_DIR" --target ocpp-chargepoint ocpp-csms-sim ocpp-cpctl ocpp-make-backlog bench_ws_pingpong; then
      break
    fi
    if [ "$attempt" = 5 ]; then
      echo "run_replay.sh: build failed" >&2
      exit 1
    fi
    echo "run_replay.sh: build failed (attempt $attempt), retrying in 20 s" >&2
    sleep 20
  done
fi

tmp=$(mktemp -d "$REPLAY_DIR/ocpp-replay.XXXXXX")
shm=
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
  if [ -n "$shm" ]; then rm -rf "$shm"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_alive() {  # NAME PID LOG
  if ! kill -0 "$2" 2>/dev/null; then
    echo "run_replay.sh: $1 (pid $2) died; the end of its log:" >&2
    tail -n 20 "$3" >&2 || true
    exit 1
  fi
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# wait_for_line FILE SED_EXPRESSION NAME PID LOG: prints the first match of the expression in FILE.
wait_for_line() {
  local value=
  for _ in $(seq 100); do
    value=$(sed -n "$2" "$1" 2>/dev/null || true)
    if [ -n "$value" ]; then
      echo "$value"
      return
    fi
    require_alive "$3" "$4" "$5"
    sleep 0.1
  done
  echo "run_replay.sh: $3 did not say it listens" >&2
  exit 1
}

echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:  $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "compiler: $("$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")" --version | head -1), $(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt") build in $BUILD_DIR"
echo "libs:     libwebsockets $(pkg-config --modversion libwebsockets | tr -d -), SQLite $(sqlite3 --version | cut -d' ' -f1)"
echo "source:   $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo ' + uncommitted changes')"
echo "binary:   $BIN/ocpp-chargepoint built $(date -u -r "$BIN/ocpp-chargepoint" +%Y-%m-%dT%H:%M:%SZ)"
echo "storage:  $tmp on $(stat -f -c %T "$tmp") ($(df --output=source "$tmp" | tail -1))"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# One backlog per version, in $tmp/VERSION/; expected_VERSION holds its number of events.
declare -A expected
for v in $VERSIONS; do
  mkdir -p "$tmp/$v"
  "$BIN/ocpp-make-backlog" --output "$tmp/$v/backlog.db" --days "$BACKLOG_DAYS" --charge-point-id REPLAY-CP-1 \
    --ocpp "$v" >"$tmp/$v/backlog.json"
  python3 - "$tmp/$v/backlog.json" "$tmp/$v/backlog.db" "$v" <<'EOF'
import json, os, sys
s = json.load(open(sys.argv[1]))
o = s["outbox"]
update = f", {o['update']} updates" if o.get("update") else ""
print(f"backlog {sys.argv[3]}: {s['days']:g} days at {s['interval_s']} s, {o['events']} events ({o['start']} starts, "
      f"{o['meter']} meter samples{update}, {o['stop']} stops), database {os.path.getsize(sys.argv[2]):,} bytes")
EOF
  expected[$v]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["outbox"]["events"])' "$tmp/$v/backlog.json")
done
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (after writing the backlogs)"

# The placement of the current pass: taskset prefixes for the charge point (or the ping-pong
# client) and for its peer.
placement=
cp_cpus=
peer_cpus=
subprotocol() { [ "$1" = 2.0.1 ] && echo ocpp2.0.1 || echo ocpp1.6; }

# replay VERSION RUN PEER_PID PORT: ocpp-chargepoint on a fresh copy of the backlog of VERSION
# against the peer listening on PORT, until its outbox is empty. Sets cp_cpu and peer_cpu (ticks
# over the replay).
replay() {
  local v=$1 run=$tmp/$2 peer_pid=$3 port=$4
  cp "$tmp/$v/backlog.db" "$run/chargepoint.db"
  cat >"$run/chargepoint.json" <<EOF
{
  "charge_point_id": "REPLAY-CP-1",
  "ocpp_version": "$v",
  "csms_url": "ws://127.0.0.1:$port/",
  "security_profile": 0,
  "database": "$run/chargepoint.db",
  "control_socket": "$run/chargepoint.sock",
  "connectors": 2,
  "hal": {"driver": "sim"},
  "log": {"level": "warn"}
}
EOF
  local peer_cpu0 cp_cpu0 cp_pid started drained=
  peer_cpu0=$(cpu_ticks "$peer_pid")
  taskset -c "$cp_cpus" "$BIN/ocpp-chargepoint" --config "$run/chargepoint.json" >"$run/chargepoint.log" 2>&1 &
  cp_pid=$!
  pids+=("$cp_pid")
  cp_cpu0=$(cpu_ticks "$cp_pid")
  started=$(date +%s)
  while :; do
    require_alive ocpp-chargepoint "$cp_pid" "$run/chargepoint.log"
    require_alive "the peer of $2" "$peer_pid" "$run/peer.log"
    if "$BIN/ocpp-cpctl" --socket "$run/chargepoint.sock" --timeout 2 status --json 2>/dev/null |
      python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["connected"] and s["registration"] == "Accepted" and s["outbox"] == 0 else 1)' 2>/dev/null; then
      drained=1
      break
    fi
    [ $(($(date +%s) - started)) -gt "$DRAIN_LIMIT_S" ] && break
    sleep 0.2
  done
  [ -n "$drained" ] || { echo "run_replay.sh: $2: the outbox did not drain in $DRAIN_LIMIT_S s" >&2; exit 1; }
  cp_cpu=$(($(cpu_ticks "$cp_pid") - cp_cpu0))
  peer_cpu=$(($(cpu_ticks "$peer_pid") - peer_cpu0))
  kill -TERM "$cp_pid"
  wait "$cp_pid" || true
}

# against_csms VERSION NAME CSMS_DIR: a replay against ocpp-csms-sim with its database in CSMS_DIR.
# The drain time comes from its frame log; the first run of a version also writes the frames for
# the bound and the bare peer (VERSION/calls.txt: the transaction CALLs in order;
# VERSION/answers.txt: ACTION<tab>answer).
against_csms() {
  local v=$1 name=$placement-$v-$2 run=$tmp/$placement-$v-$2
  mkdir -p "$run"
  taskset -c "$peer_cpus" "$BIN/ocpp-csms-sim" --ocpp-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
    --database "$3/$name.db" --user b:b >"$run/peer.out" 2>"$run/peer.log" &
  local csms_pid=$!
  pids+=("$csms_pid")
  local port
  port=$(wait_for_line "$run/peer.out" 's/^listening ocpp=\([0-9]*\) http=[0-9]*$/\1/p' ocpp-csms-sim "$csms_pid" "$run/peer.log")
  [ -n "$port" ] || exit 1
  replay "$v" "$name" "$csms_pid" "$port"
  kill -TERM "$csms_pid"
  wait "$csms_pid" || true
  python3 - "$run/peer.log" "$placement" "$2" "$cp_cpu" "$peer_cpu" "$(getconf CLK_TCK)" "$tmp/$v" "${expected[$v]}" "$v" \
    >>"$tmp/results.jsonl" <<'EOF'
import json, os, re, sys
from datetime import datetime
log, placement, label, cp_ticks, peer_ticks, hz, vdir, expected, version = sys.argv[1:10]
line_re = re.compile(r'^(\S+) \S+\s+[^ ]+: (<-|->) (.*)$')
TX = ("TransactionEvent",) if version == "2.0.1" else ("StartTransaction", "MeterValues", "StopTransaction")
calls, answers = [], {}
for line in open(log, encoding="utf-8"):
    m = line_re.match(line.rstrip("\n"))
    if not m:
        continue
    at = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ")
    frame = json.loads(m.group(3))
    if m.group(2) == "<-" and frame[0] == 2:
        calls.append((frame[1], frame[2], m.group(3), at))
    elif m.group(2) == "->" and frame[0] in (3, 4):
        answers[frame[1]] = (m.group(3), at)
tx = [c for c in calls if c[1] in TX]
missing = [c for c in calls if c[0] not in answers]
errors = [c for c in tx if answers.get(c[0], ("",))[0].startswith("[4")]
if missing or errors or len(tx) != int(expected):
    sys.exit(f"{log}: {len(tx)} transaction messages received, {expected} queued; {len(missing)} calls unanswered, "
             f"{len(errors)} answered with a CALLERROR")
seconds = (max(answers[c[0]][1] for c in tx) - tx[0][3]).total_seconds()
if not os.path.exists(f"{vdir}/calls.txt"):
    with open(f"{vdir}/calls.txt", "w") as f:
        f.writelines(c[2] + "\n" for c in tx)
    with open(f"{vdir}/answers.txt", "w") as f:
        f.writelines(f"{c[1]}\t{answers[c[0]][0]}\n" for c in calls)
print(json.dumps({"version": version, "placement": placement, "label": label, "messages": len(tx),
                  "meter_values": sum(c[1] == "MeterValues" or '"MeterValuePeriodic"' in c[2] for c in tx),
                  "seconds": seconds,
                  "cp_cpu_s": int(cp_ticks) / int(hz), "peer_cpu_s": int(peer_ticks) / int(hz),
                  "call_bytes": sum(len(c[2]) for c in tx), "answer_bytes": sum(len(answers[c[0]][0]) for c in tx)}))
EOF
}

# serve_bare VERSION LOG_PREFIX: bench_ws_pingpong serve with the recorded answers of VERSION;
# sets bare_pid, bare_port.
serve_bare() {
  taskset -c "$peer_cpus" "$BIN/bench_ws_pingpong" serve "$tmp/$1/answers.txt" >"$2.out" 2>"$2.log" &
  bare_pid=$!
  pids+=("$bare_pid")
  bare_port=$(wait_for_line "$2.out" 's/^listening \([0-9]*\)$/\1/p' "bench_ws_pingpong serve" "$bare_pid" "$2.log")
  [ -n "$bare_port" ] || exit 1
}

# bound VERSION N: the recorded transaction frames of VERSION, one round trip at a time.
bound() {
  local v=$1 run=$tmp/$placement-$1-bound-$2
  mkdir -p "$run"
  serve_bare "$v" "$run/peer"
  taskset -c "$cp_cpus" "$BIN/bench_ws_pingpong" client "$bare_port" "$tmp/$v/calls.txt" "$(subprotocol "$v")" >"$run/client.out"
  wait "$bare_pid" || true
  python3 -c 'import json,sys; f=open(sys.argv[1]).read().split(); d=dict(zip(f[::2], f[1::2])); print(json.dumps({"version": sys.argv[3], "placement": sys.argv[2], "label": "bound", "messages": int(d["frames"]), "seconds": float(d["seconds"])}))' \
    "$run/client.out" "$placement" "$v" >>"$tmp/results.jsonl"
}

# against_bare VERSION: the charge point against the bare peer.
against_bare() {
  local v=$1 run=$tmp/$placement-$1-bare-peer
  mkdir -p "$run"
  serve_bare "$v" "$run/peer"
  replay "$v" "$placement-$v-bare-peer" "$bare_pid" "$bare_port"
  wait "$bare_pid" || true  # it exits when the charge point has gone, and prints its figures
  python3 -c 'import json,sys; f=open(sys.argv[1]).read().split(); d=dict(zip(f[::2], f[1::2])); print(json.dumps({"version": sys.argv[6], "placement": sys.argv[5], "label": "bare-peer", "messages": int(d["tx_messages"]), "seconds": float(d["seconds"]), "cp_cpu_s": int(sys.argv[2]) / int(sys.argv[4]), "peer_cpu_s": int(sys.argv[3]) / int(sys.argv[4])}))' \
    "$run/peer.out" "$cp_cpu" "$peer_cpu" "$(getconf CLK_TCK)" "$placement" "$v" >>"$tmp/results.jsonl"
}

mkdir -p "$tmp/csms-db"
[ -d /dev/shm ] && shm=$(mktemp -d /dev/shm/ocpp-replay.XXXXXX)
for placement in one-cpu two-cpus; do
  cp_cpus=0
  peer_cpus=$([ "$placement" = one-cpu ] && echo 0 || echo 1)
  echo "$placement: load $(cut -d' ' -f1-3 /proc/loadavg)"
  # Each bound is measured next to a replay, so that load from other jobs shows as a spread; the
  # versions alternate.
  for v in $VERSIONS; do against_csms "$v" csms "$tmp/csms-db"; done
  for v in $VERSIONS; do bound "$v" 1; done
  if [ -n "$shm" ]; then
    for v in $VERSIONS; do against_csms "$v" csms-tmpfs "$shm"; done
  fi
  for v in $VERSIONS; do bound "$v" 2; done
  for v in $VERSIONS; do against_bare "$v"; done
  for v in $VERSIONS; do bound "$v" 3; done
done
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg) (at the end)"

python3 - "$tmp/results.jsonl" <<'EOF'
import json, sys
TARGET = 0.70
rows = [json.loads(l) for l in open(sys.argv[1])]
versions = list(dict.fromkeys(r["version"] for r in rows))
placements = list(dict.fromkeys(r["placement"] for r in rows))

def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]

bound_rate = {}
rate = {}
for v in versions:
    first = next(r for r in rows if r["version"] == v and "call_bytes" in r)
    print()
    print(f"{v} frames: {first['messages']} calls of {first['call_bytes'] / first['messages']:.0f} bytes on average "
          f"({first['meter_values']} meter values), answers of {first['answer_bytes'] / first['messages']:.0f} bytes on average")
    for placement in placements:
        mine = [r for r in rows if r["placement"] == placement and r["version"] == v]
        bounds = sorted(r["messages"] / r["seconds"] for r in mine if r["label"] == "bound")
        b = bound_rate[v, placement] = median(bounds)
        print()
        print(f"{v} {placement}: bound (bench_ws_pingpong, the same frames, {len(bounds)} times): median {b:,.0f} msg/s "
              f"({1e6 / b:.1f} us per round trip), range {bounds[0]:,.0f} to {bounds[-1]:,.0f}")
        print(f"  {'run':<11} {'messages':>8} {'drain s':>8} {'msg/s':>8} {'us/msg':>7} {'ratio':>6} {'target':>8} | "
              f"{'cp CPU us/msg':>13} {'peer CPU us/msg':>15}")
        for r in mine:
            if r["label"] == "bound":
                continue
            x = rate[v, placement, r["label"]] = (r["messages"] / r["seconds"], r)
            ratio = x[0] / b
            print(f"  {r['label']:<11} {r['messages']:>8} {r['seconds']:>8.2f} {x[0]:>8,.0f} {1e6 / x[0]:>7.1f} {ratio:>6.3f} "
                  f"{'met' if ratio >= TARGET else 'NOT met':>8} | {1e6 * r['cp_cpu_s'] / r['messages']:>13.1f} "
                  f"{1e6 * r['peer_cpu_s'] / r['messages']:>15.1f}")

if "1.6" in versions and "2.0.1" in versions:
    print()
    print("2.0.1 against 1.6, same run (ratios of msg/s; > 1 means 2.0.1 is faster; CPU: 2.0.1 us/msg over 1.6 us/msg):")
    print(f"  {'placement':<9} {'run':<11} {'msg/s 2.0.1/1.6':>16} {'ratio-to-bound 2.0.1/1.6':>25} {'cp CPU/msg':>11} {'peer CPU/msg':>13}")
    for placement in placements:
        b16, b201 = bound_rate["1.6", placement], bound_rate["2.0.1", placement]
        print(f"  {placement:<9} {'bound':<11} {b201 / b16:>16.3f} {'':>25}")
        for label in ("csms", "csms-tmpfs", "bare-peer"):
            if ("1.6", placement, label) not in rate or ("2.0.1", placement, label) not in rate:
                continue
            (r16, x16), (r201, x201) = rate["1.6", placement, label], rate["2.0.1", placement, label]
            cpu = lambda x, k: x[k] / x["messages"]
            cp_ratio = cpu(x201, "cp_cpu_s") / cpu(x16, "cp_cpu_s") if x16["cp_cpu_s"] else float("nan")
            peer_ratio = cpu(x201, "peer_cpu_s") / cpu(x16, "peer_cpu_s") if x16["peer_cpu_s"] else float("nan")
            print(f"  {placement:<9} {label:<11} {r201 / r16:>16.3f} {(r201 / b201) / (r16 / b16):>25.3f} "
                  f"{cp_ratio:>11.2f} {peer_ratio:>13.2f}")
print()
print("target: the replay against the reference CSMS (run csms) at least 0.70 of the bound of its version")
EOF
