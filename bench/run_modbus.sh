#!/usr/bin/env bash
# The modbus driver's poll cycle, CPU use and the event loop's timer latency (bench/modbus_bench.cpp),
# release build. Usage: bench/run_modbus.sh [seconds per run (default 30)]
# BUILD_DIR (default build/release) is where the release preset builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-30}"
build_dir="${BUILD_DIR:-build/release}"
cmake --preset release -B "$build_dir" >/dev/null
cmake --build "$build_dir" --target bench_modbus >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$build_dir/bin/bench_modbus" --seconds "$seconds"
