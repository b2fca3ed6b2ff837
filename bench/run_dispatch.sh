#!/usr/bin/env bash
# Builds bench_dispatch (release preset), runs it 5 times per benchmark and prints, per message, the
# medians of validated+typed dispatch and of RapidJSON parse-only of the same bytes, their ratio and
# whether the target (dispatch at least 1/3 of parse-only speed) is met. The ratio is what to
# compare between runs: absolute speeds drift on a shared machine. Extra arguments go to the
# benchmark binary (e.g. --benchmark_filter=MeterValues).
set -euo pipefail
cd "$(dirname "$0")/.."

cmake --preset release >/dev/null
cmake --build --preset release --target bench_dispatch

json=$(mktemp)
trap 'rm -f "$json"' EXIT

echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:  $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "compiler: $("$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' build/release/CMakeCache.txt)" --version | head -1)"
echo

build/release/bin/bench_dispatch --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"

python3 - "$json" <<'EOF'
import json
import sys

TARGET = 1 / 3
runs = json.load(open(sys.argv[1]))["benchmarks"]

failed = [r for r in runs if r.get("error_occurred")]
for r in failed:
    print(f"ERROR {r['run_name']}: {r.get('error_message', '')}")

# run_name -> median run ("BM_Dispatch_MeterValues" -> {...})
median = {r["run_name"]: r for r in runs if r.get("aggregate_name") == "median" and not r.get("error_occurred")}

messages = [name[len("BM_Dispatch_"):] for name in median if name.startswith("BM_Dispatch_")]
print()
print(f"{'message':<18} {'bytes':>6} {'parse-only msg/s':>17} {'dispatch msg/s':>15} {'ratio':>6}  target 1/3")
for msg in messages:
    parse = median.get(f"BM_ParseOnly_{msg}")
    dispatch = median[f"BM_Dispatch_{msg}"]
    if parse is None:
        print(f"{msg:<18} no parse-only baseline in this run")
        continue
    ratio = dispatch["items_per_second"] / parse["items_per_second"]
    print(f"{msg:<18} {int(dispatch['frame_bytes']):>6} {parse['items_per_second']:>17,.0f} "
          f"{dispatch['items_per_second']:>15,.0f} {ratio:>6.3f}  {'met' if ratio >= TARGET else 'NOT met'}")

# Attribution: each stage's median time as a share of the dispatch median (same run).
stages = ["ParseFrame", "ValidateRequest", "FromJson", "Reply"]
if any(f"BM_Stage_{s}_{m}" in median for s in stages for m in messages):
    print()
    print("share of dispatch time per stage (medians, stages measured alone with hot data):")
    print(f"{'message':<18} " + " ".join(f"{s:>15}" for s in stages) + f" {'rest':>8}")
    for msg in messages:
        total = median[f"BM_Dispatch_{msg}"]["real_time"]
        shares = [median[f"BM_Stage_{s}_{msg}"]["real_time"] / total if f"BM_Stage_{s}_{msg}" in median else None
                  for s in stages]
        rest = 1 - sum(x for x in shares if x is not None)
        print(f"{msg:<18} " + " ".join(f"{x:>15.0%}" if x is not None else f"{'-':>15}" for x in shares)
              + f" {rest:>8.0%}")

sys.exit(1 if failed else 0)
EOF
