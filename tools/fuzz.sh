#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and runs every fuzz target of tests/fuzz
# on its seed corpus for a bounded time, one after the other. A crash, a broken property, a
# timeout or running out of memory fails the run; the input that did it is saved under
# build/fuzz/crashes/<target>/ and the command to replay it is printed. .ci/run calls this after
# the dev and asan suites.
#
# Usage: tools/fuzz.sh [--ci] [TARGET...]   (default: every target with a corpus in tests/fuzz/corpus;
#                                         `baseline`, which only copies its input, is for bench/RESULTS.md)
#   --ci            what .ci/run does: a fixed number of inputs per target (about 10 s each here,
#                   CI_RUNS below), so that a run explores the same inputs on any machine and a
#                   finding reproduces; FUZZ_TIME then only caps a much slower machine
#   FUZZ_TIME=30    seconds per target (libFuzzer -max_total_time)
#   FUZZ_SEED=1     libFuzzer -seed, fixed so that a run can be repeated; printed with each target
#   FUZZ_RSS_MB=2048  libFuzzer -rss_limit_mb
#   FUZZ_BUILD=0    skip the build (the binaries in build/fuzz/bin are used as they are)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ci=0
if [ "${1:-}" = --ci ]; then
  ci=1
  shift
fi
seconds="${FUZZ_TIME:-30}"
if [ "$ci" = 1 ]; then seconds="${FUZZ_TIME:-60}"; fi
# Inputs per target in --ci runs: about 10 s at the rates of bench/RESULTS.md (Fuzzing).
declare -A CI_RUNS=([rpc_v16]=40000 [rpc_v201]=35000 [messages_v16]=50000 [messages_v201]=50000
  [config_file]=30000 [control_socket]=10000 [csms_http]=15000 [offline_code]=50000 [modbus_meter]=60000
  [can_power_stage]=5000 [baseline]=100000)
seed="${FUZZ_SEED:-1}"
rss_mb="${FUZZ_RSS_MB:-2048}"
seeds_root=tests/fuzz/corpus
out=build/fuzz

if [ "${FUZZ_BUILD:-1}" != 0 ]; then
  ./tools/setup.sh --fuzz
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz
fi

if (($#)); then
  targets=("$@")
else
  targets=()
  for dir in "$seeds_root"/*/; do targets+=("$(basename "$dir")"); done
fi

failed=()
for t in "${targets[@]}"; do
  bin="$out/bin/fuzz_$t"
  [ -x "$bin" ] || { echo "fuzz: no target $t ($bin)" >&2; exit 2; }
  # New inputs go to the first folder, the build's; the committed seeds are only read.
  work="$out/corpus/$t"
  crashes="$out/crashes/$t"
  log="$out/logs/$t.log"
  mkdir -p "$work" "$crashes" "$(dirname "$log")"
  extra=()
  # csms_http keeps one CSMS for the whole run, whose sessions, codes and throttles grow on purpose:
  # libFuzzer's leak check after each input that allocates more than it frees would scan the whole
  # heap every time (about 40 times slower).
  if [ "$t" = csms_http ]; then extra+=(-detect_leaks=0); fi
  if [ "$ci" = 1 ]; then extra+=(-runs="${CI_RUNS[$t]:-20000}"); fi
  echo "fuzz: $t for ${seconds} s at most, -seed=$seed${extra[*]:+ ${extra[*]}}"
  folders=("$work")
  if [ -d "$seeds_root/$t" ]; then folders+=("$seeds_root/$t"); fi  # the baseline target has no seeds
  status=0
  "$bin" -max_total_time="$seconds" -seed="$seed" -rss_limit_mb="$rss_mb" -timeout=20 -print_final_stats=1 \
    "${extra[@]}" -artifact_prefix="$crashes/" "${folders[@]}" >"$log" 2>&1 || status=$?
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
  last="$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || true)"
  echo "fuzz: $t: ${execs:-?} executions, ${rate:-?} exec/s, ${last:-no coverage line}"
  if [ "$status" -ne 0 ]; then
    failed+=("$t")
    grep -E 'ERROR:|violated|SUMMARY|Test unit written' "$log" | head -20 >&2 || true
    echo "fuzz: $t FAILED (exit $status); log $log; replay with: $bin $crashes/<file>" >&2
    echo "fuzz: a fixed crash goes to tests/fuzz/regressions/$t/ (replayed by ctest: fuzz_replay_$t)" >&2
  fi
done

if ((${#failed[@]})); then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no failure"
