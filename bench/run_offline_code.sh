#!/usr/bin/env bash
# Offline-code verification on the pile (bench/offline_code_bench.cpp), release build. Prints each
# benchmark and the ratio of the whole accept path to one durable SQLite commit on the same disk.
# Usage: bench/run_offline_code.sh [repetitions (default 5)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
reps="${1:-5}"
cmake --preset release >/dev/null
cmake --build --preset release --target bench_offline_code >/dev/null
out="$(mktemp)"
build/release/bin/bench_offline_code --benchmark_repetitions="$reps" --benchmark_report_aggregates_only=true \
  --benchmark_format=json > "$out"
python3 - "$out" <<'PY'
import json, sys
runs = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
def us(name):
    b = runs[name]
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b["time_unit"]]
    return b["real_time"] * scale
for name in runs:
    print(f"{name:32s} median {us(name):10.2f} us")
accept, commit = us("BM_PileAccept/iterations:2000"), us("BM_SqliteFullCommit/iterations:2000")
print(f"accept path / one durable commit: {accept / commit:.2f}")
print(f"verify alone / accept path:       {us('BM_Verify') / accept:.4f}")
PY
rm -f "$out"
