#!/usr/bin/env bash
# Issue 16: issuance and settlement per second through the server's store, SQLite and PostgreSQL
# (1 and 2 connections) beside bare libpq, same run. Release build.
# Usage: bench/run_store.sh [operations per connection (default 1000)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cmake --preset release >/dev/null
cmake --build --preset release --target bench_server_store >/dev/null
build/release/bin/bench_server_store "${1:-1000}"
