#!/usr/bin/env bash
# Issue 16: issuance and settlement per second
#  1. through the server's store: SQLite, PostgreSQL with 1 and 2 connections, beside bare libpq
#     doing the same statements (bench_server_store), same run;
#  2. through real ocpp-csms-sim processes: 1 instance on SQLite (baseline), 1 and 2 instances on one
#     PostgreSQL database (bench/csms_instances_bench.js), same run.
# Usage: bench/run_store.sh [operations per connection (default 1000)] [codes through the instances (default 400)]
# PRESET=dev reuses a dev build instead of building the release preset.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset="${PRESET:-release}"
if [ "$preset" = release ]; then
  cmake --preset release >/dev/null
  cmake --build --preset release --target bench_server_store ocpp-csms-sim >/dev/null
fi
"build/$preset/bin/bench_server_store" "${1:-1000}"
node bench/csms_instances_bench.js "$PWD/build/$preset/bin" "${2:-400}"
