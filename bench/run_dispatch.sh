#!/usr/bin/env bash
# Builds bench_dispatch (release preset), runs it 5 times per benchmark and prints, per message, the
# medians of validated+typed dispatch and of RapidJSON parse-only of the same bytes, their ratio and
# whether the target (dispatch at least 1/3 of parse-only speed) is met. The ratio is what to
# compare between runs: absolute speeds drift on a shared machine. Extra arguments go to the
# benchmark binary (e.g. --benchmark_filter=MeterValues, --benchmark_enable_random_interleaving=true
# to interleave the repetitions of all benchmarks so that drift hits both sides of each ratio).
# The charging station's side of 2.0.1 is printed the same way: each exchange (the station's
# TransactionEvent CALL rendered and sent, the CSMS's CALLRESULT taken) against RapidJSON writing
# the same CALL and parsing the same answer, and the rendering alone against the writing alone.
# Environment: REPETITIONS (5); SKIP_BUILD=1 runs the binary already in build/release;
# OCPP_BUILD_LOCK (default /tmp/ocpp-build.lock when it exists) is held with flock(1) while building.
set -euo pipefail
cd "$(dirname "$0")/.."

REPETITIONS=${REPETITIONS:-5}
if [ -z "${OCPP_BUILD_LOCK+set}" ] && [ -e /tmp/ocpp-build.lock ]; then OCPP_BUILD_LOCK=/tmp/ocpp-build.lock; fi
locked() { if [ -n "${OCPP_BUILD_LOCK:-}" ]; then flock "$OCPP_BUILD_LOCK" "$@"; else "$@"; fi; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  locked cmake --preset release >/dev/null
  locked cmake --build --preset release --target bench_dispatch
fi

json=$(mktemp)
trap 'rm -f "$json"' EXIT

echo "date:     $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine:  $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "compiler: $("$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' build/release/CMakeCache.txt)" --version | head -1)"
echo "source:   $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
echo "load:     $(cut -d' ' -f1-3 /proc/loadavg)"
echo

build/release/bin/bench_dispatch --benchmark_repetitions="$REPETITIONS" --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"

echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

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
cv = {r["run_name"]: r for r in runs if r.get("aggregate_name") == "cv" and not r.get("error_occurred")}

def table(title, measured, baseline, what, base_what):
    messages = [name[len(measured):] for name in median if name.startswith(measured)]
    if not messages:
        return []
    print()
    print(title)
    print(f"{'message':<24} {'bytes':>6} {base_what + ' msg/s':>17} {what + ' msg/s':>17} {'ratio':>6} {'cv':>11}  target 1/3")
    for msg in messages:
        base = median.get(baseline + msg)
        lib = median[measured + msg]
        if base is None:
            print(f"{msg:<24} no {base_what} baseline in this run")
            continue
        ratio = lib["items_per_second"] / base["items_per_second"]
        spread = "/".join(f"{100 * cv[n + msg]['cpu_time']:.1f}%" if n + msg in cv else "-" for n in (baseline, measured))
        print(f"{msg:<24} {int(lib['frame_bytes']):>6} {base['items_per_second']:>17,.0f} "
              f"{lib['items_per_second']:>17,.0f} {ratio:>6.3f} {spread:>11}  {'met' if ratio >= TARGET else 'NOT met'}")
    return messages

messages = table("inbound CALL: validated+typed dispatch against parse-only of the same bytes",
                 "BM_Dispatch_", "BM_ParseOnly_", "dispatch", "parse-only")
exchanges = table("station's TransactionEvent round: rpc::call + its CALLRESULT against RapidJSON write + parse "
                  "(bytes: the CALL)", "BM_Exchange_", "BM_WriteParse_", "exchange", "write+parse")
table("station's TransactionEvent rendering: to_json + schema + serialize_call against RapidJSON write",
      "BM_Render_", "BM_WriteOnly_", "render", "write-only")
if exchanges:
    print()
    print("the answer's part, derived (exchange - render, and write+parse - write-only; medians, ns; a difference")
    print("of two medians, which means nothing when their cv is large):")
    for msg in exchanges:
        names = [f"BM_{k}_{msg}" for k in ("Exchange", "Render", "WriteParse", "WriteOnly")]
        if all(n in median for n in names):
            ex, re_, wp, wo = (median[n]["cpu_time"] for n in names)
            print(f"  {msg:<22} library {ex - re_:>7.0f}  baseline {wp - wo:>7.0f}  ratio {(wp - wo) / (ex - re_):.3f}")

# Attribution: each stage's median time as a share of the dispatch median (same run).
stages = ["ParseFrame", "ValidateRequest", "FromJson", "Reply"]
if any(f"BM_Stage_{s}_{m}" in median for s in stages for m in messages):
    print()
    print("share of dispatch CPU time per stage (medians, stages measured alone with hot data):")
    print(f"{'message':<24} " + " ".join(f"{s:>15}" for s in stages) + f" {'rest':>8}")
    for msg in messages:
        if not any(f"BM_Stage_{s}_{msg}" in median for s in stages):
            continue
        total = median[f"BM_Dispatch_{msg}"]["cpu_time"]
        shares = [median[f"BM_Stage_{s}_{msg}"]["cpu_time"] / total if f"BM_Stage_{s}_{msg}" in median else None
                  for s in stages]
        rest = 1 - sum(x for x in shares if x is not None)
        print(f"{msg:<24} " + " ".join(f"{x:>15.0%}" if x is not None else f"{'-':>15}" for x in shares)
              + f" {rest:>8.0%}")

sys.exit(1 if failed else 0)
EOF
