#!/usr/bin/env bash
# Replay throughput of a long offline backlog (issue 5, bench/RESULTS.md). ocpp-make-backlog writes
# the database of a pile that charged on two connectors for BACKLOG_DAYS days (default 7) at
# MeterValueSampleInterval 60 s while its CSMS was unreachable (about 20,000 MeterValues); then
# ocpp-chargepoint (release build) replays it on loopback. In the same run, the round-trip bound:
# bench_ws_pingpong sends exactly the frames the CSMS received (every StartTransaction, MeterValues
# and StopTransaction, from its frame log) and answers each with the CSMS's own answer, one round
# trip at a time, between two processes that do nothing else. The figure is replay messages/s over
# bound messages/s; the target is at least 0.70, against the reference CSMS as it is.
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
# Printed per run: messages, drain time (first StartTransaction received to the answer to the last
# StopTransaction, as the peer records it), messages/s, ratio to the bound of the same placement,
# and the CPU time (utime + stime, /proc/PID/stat) of the charge point and of its peer per
# message, from the daemon's start to the drained outbox.
# Environment: BACKLOG_DAYS (7), BUILD_DIR (build/release), REPLAY_DIR (/tmp). Exits non-zero if a
# process dies or a backlog does not drain.
set -euo pipefail
cd "$(dirname "$0")/.."

BACKLOG_DAYS=${BACKLOG_DAYS:-7}
BUILD_DIR=${BUILD_DIR:-build/release}
REPLAY_DIR=${REPLAY_DIR:-/tmp}
BIN=$BUILD_DIR/bin
DRAIN_LIMIT_S=600

cmake --preset release -B "$BUILD_DIR" >/dev/null
# The build folder may be shared with other builds; a concurrent ninja there can make ours fail.
for attempt in 1 2 3 4 5; do
  if cmake --build "$BUILD_DIR" --target ocpp-chargepoint ocpp-csms-sim ocpp-cpctl ocpp-make-backlog bench_ws_pingpong; then
    break
  fi
  if [ "$attempt" = 5 ]; then
    echo "run_replay.sh: build failed" >&2
    exit 1
  fi
  echo "run_replay.sh: build failed (attempt $attempt), retrying in 20 s" >&2
  sleep 20
done

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
echo "storage:  $tmp on $(stat -f -c %T "$tmp") ($(df --output=source "$tmp" | tail -1))"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg)"
echo

"$BIN/ocpp-make-backlog" --output "$tmp/backlog.db" --days "$BACKLOG_DAYS" --charge-point-id REPLAY-CP-1 >"$tmp/backlog.json"
python3 - "$tmp/backlog.json" "$tmp/backlog.db" <<'EOF'
import json, os, sys
s = json.load(open(sys.argv[1]))
o = s["outbox"]
print(f"backlog:  {s['days']:g} days at {s['interval_s']} s, {o['events']} events ({o['start']} starts, "
      f"{o['meter']} MeterValues, {o['stop']} stops), database {os.path.getsize(sys.argv[2]):,} bytes")
EOF
expected=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["outbox"]["events"])' "$tmp/backlog.json")

# The placement of the current pass: taskset prefixes for the charge point (or the ping-pong
# client) and for its peer.
placement=
cp_cpus=
peer_cpus=

# replay RUN PEER_PID PORT: ocpp-chargepoint on a fresh copy of the backlog against the peer
# listening on PORT, until its outbox is empty. Sets cp_cpu and peer_cpu (ticks over the replay).
replay() {
  local run=$tmp/$1 peer_pid=$2 port=$3
  cp "$tmp/backlog.db" "$run/chargepoint.db"
  cat >"$run/chargepoint.json" <<EOF
{
  "charge_point_id": "REPLAY-CP-1",
  "ocpp_version": "1.6",
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
    require_alive "the peer of $1" "$peer_pid" "$run/peer.log"
    if "$BIN/ocpp-cpctl" --socket "$run/chargepoint.sock" --timeout 2 status --json 2>/dev/null |
      python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s["connected"] and s["registration"] == "Accepted" and s["outbox"] == 0 else 1)' 2>/dev/null; then
      drained=1
      break
    fi
    [ $(($(date +%s) - started)) -gt "$DRAIN_LIMIT_S" ] && break
    sleep 0.2
  done
  [ -n "$drained" ] || { echo "run_replay.sh: $1: the outbox did not drain in $DRAIN_LIMIT_S s" >&2; exit 1; }
  cp_cpu=$(($(cpu_ticks "$cp_pid") - cp_cpu0))
  peer_cpu=$(($(cpu_ticks "$peer_pid") - peer_cpu0))
  kill -TERM "$cp_pid"
  wait "$cp_pid" || true
}

# against_csms NAME CSMS_DIR: a replay against ocpp-csms-sim with its database in CSMS_DIR. The
# drain time comes from its frame log; the first run also writes the frames for the bound and
# the bare peer (calls.txt: the transaction CALLs in order; answers.txt: ACTION<tab>answer).
against_csms() {
  local name=$placement-$1 run=$tmp/$placement-$1
  mkdir -p "$run"
  taskset -c "$peer_cpus" "$BIN/ocpp-csms-sim" --ocpp-listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
    --database "$2/$name.db" --user b:b >"$run/peer.out" 2>"$run/peer.log" &
  local csms_pid=$!
  pids+=("$csms_pid")
  local port
  port=$(wait_for_line "$run/peer.out" 's/^listening ocpp=\([0-9]*\) http=[0-9]*$/\1/p' ocpp-csms-sim "$csms_pid" "$run/peer.log")
  [ -n "$port" ] || exit 1
  replay "$name" "$csms_pid" "$port"
  kill -TERM "$csms_pid"
  wait "$csms_pid" || true
  python3 - "$run/peer.log" "$placement" "$1" "$cp_cpu" "$peer_cpu" "$(getconf CLK_TCK)" "$tmp" "$expected" \
    >>"$tmp/results.jsonl" <<'EOF'
import json, os, re, sys
from datetime import datetime
log, placement, label, cp_ticks, peer_ticks, hz, tmp, expected = sys.argv[1:9]
line_re = re.compile(r'^(\S+) \S+\s+[^ ]+: (<-|->) (.*)$')
TX = ("StartTransaction", "MeterValues", "StopTransaction")
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
if missing or len(tx) != int(expected):
    sys.exit(f"{log}: {len(tx)} transaction messages received, {expected} queued; {len(missing)} calls unanswered")
seconds = (max(answers[c[0]][1] for c in tx) - tx[0][3]).total_seconds()
if not os.path.exists(f"{tmp}/calls.txt"):
    with open(f"{tmp}/calls.txt", "w") as f:
        f.writelines(c[2] + "\n" for c in tx)
    with open(f"{tmp}/answers.txt", "w") as f:
        f.writelines(f"{c[1]}\t{answers[c[0]][0]}\n" for c in calls)
print(json.dumps({"placement": placement, "label": label, "messages": len(tx),
                  "meter_values": sum(c[1] == "MeterValues" for c in tx), "seconds": seconds,
                  "cp_cpu_s": int(cp_ticks) / int(hz), "peer_cpu_s": int(peer_ticks) / int(hz),
                  "call_bytes": sum(len(c[2]) for c in tx), "answer_bytes": sum(len(answers[c[0]][0]) for c in tx)}))
EOF
}

# serve_bare LOG_PREFIX: bench_ws_pingpong serve with the recorded answers; sets bare_pid, bare_port.
serve_bare() {
  taskset -c "$peer_cpus" "$BIN/bench_ws_pingpong" serve "$tmp/answers.txt" >"$1.out" 2>"$1.log" &
  bare_pid=$!
  pids+=("$bare_pid")
  bare_port=$(wait_for_line "$1.out" 's/^listening \([0-9]*\)$/\1/p' "bench_ws_pingpong serve" "$bare_pid" "$1.log")
  [ -n "$bare_port" ] || exit 1
}

# The bound: the recorded transaction frames, one round trip at a time.
bound() {
  local run=$tmp/$placement-bound-$1
  mkdir -p "$run"
  serve_bare "$run/peer"
  taskset -c "$cp_cpus" "$BIN/bench_ws_pingpong" client "$bare_port" "$tmp/calls.txt" >"$run/client.out"
  wait "$bare_pid" || true
  python3 -c 'import json,sys; f=open(sys.argv[1]).read().split(); d=dict(zip(f[::2], f[1::2])); print(json.dumps({"placement": sys.argv[2], "label": "bound", "messages": int(d["frames"]), "seconds": float(d["seconds"])}))' \
    "$run/client.out" "$placement" >>"$tmp/results.jsonl"
}

# The charge point against the bare peer.
against_bare() {
  local run=$tmp/$placement-bare-peer
  mkdir -p "$run"
  serve_bare "$run/peer"
  replay "$placement-bare-peer" "$bare_pid" "$bare_port"
  wait "$bare_pid" || true  # it exits when the charge point has gone, and prints its figures
  python3 -c 'import json,sys; f=open(sys.argv[1]).read().split(); d=dict(zip(f[::2], f[1::2])); print(json.dumps({"placement": sys.argv[5], "label": "bare-peer", "messages": int(d["tx_messages"]), "seconds": float(d["seconds"]), "cp_cpu_s": int(sys.argv[2]) / int(sys.argv[4]), "peer_cpu_s": int(sys.argv[3]) / int(sys.argv[4])}))' \
    "$run/peer.out" "$cp_cpu" "$peer_cpu" "$(getconf CLK_TCK)" "$placement" >>"$tmp/results.jsonl"
}

mkdir -p "$tmp/csms-db"
[ -d /dev/shm ] && shm=$(mktemp -d /dev/shm/ocpp-replay.XXXXXX)
for placement in one-cpu two-cpus; do
  cp_cpus=0
  peer_cpus=$([ "$placement" = one-cpu ] && echo 0 || echo 1)
  # Each bound is measured next to a replay, so that load from other jobs shows as a spread.
  against_csms csms "$tmp/csms-db"
  bound 1
  if [ -n "$shm" ]; then
    against_csms csms-tmpfs "$shm"
  fi
  bound 2
  against_bare
  bound 3
done

python3 - "$tmp/results.jsonl" <<'EOF'
import json, sys
TARGET = 0.70
rows = [json.loads(l) for l in open(sys.argv[1])]
first = rows[0]
print()
print(f"frames: {first['messages']} calls of {first['call_bytes'] / first['messages']:.0f} bytes on average "
      f"({first['meter_values']} MeterValues), answers of {first['answer_bytes'] / first['messages']:.0f} bytes on average")
for placement in ("one-cpu", "two-cpus"):
    mine = [r for r in rows if r["placement"] == placement]
    bounds = sorted(r["messages"] / r["seconds"] for r in mine if r["label"] == "bound")
    bound_rate = bounds[len(bounds) // 2]
    print()
    print(f"{placement}: bound (bench_ws_pingpong, the same frames, {len(bounds)} times): median {bound_rate:,.0f} msg/s "
          f"({1e6 / bound_rate:.1f} us per round trip), range {bounds[0]:,.0f} to {bounds[-1]:,.0f}")
    print(f"  {'run':<11} {'messages':>8} {'drain s':>8} {'msg/s':>8} {'us/msg':>7} {'ratio':>6} {'target':>8} | "
          f"{'cp CPU us/msg':>13} {'peer CPU us/msg':>15}")
    for r in mine:
        if r["label"] == "bound":
            continue
        rate = r["messages"] / r["seconds"]
        ratio = rate / bound_rate
        print(f"  {r['label']:<11} {r['messages']:>8} {r['seconds']:>8.2f} {rate:>8,.0f} {1e6 / rate:>7.1f} {ratio:>6.3f} "
              f"{'met' if ratio >= TARGET else 'NOT met':>8} | {1e6 * r['cp_cpu_s'] / r['messages']:>13.1f} "
              f"{1e6 * r['peer_cpu_s'] / r['messages']:>15.1f}")
print()
print("target: the replay against the reference CSMS (run csms) at least 0.70 of the bound")
EOF
