#!/usr/bin/env bash
# Issue 6: link restored -> settlements visible, beside link restored -> replay done, same run
# (bench/settlement_latency.py). Release build. Usage: bench/run_settlement.sh [sessions (default 20)]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cmake --preset release >/dev/null
cmake --build --preset release --target ocpp-csms-sim ocpp-chargepoint ocpp-cpctl >/dev/null
python3 bench/settlement_latency.py "$PWD/build/release/bin" "${1:-20}"
