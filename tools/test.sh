#!/usr/bin/env bash
# Builds and runs every test: unit, integration (real sockets, TLS, SQLite) and interop (the
# independent ocpp-rpc peer). Usage: tools/test.sh [dev|asan]   (default dev)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset="${1:-dev}"
./tools/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset" -j2
