#!/usr/bin/env bash
# Builds and runs every test: unit, integration (real sockets, TLS, SQLite) and interop (the
# independent ocpp-rpc peer). Usage: tools/test.sh [dev|asan]   (default dev)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
preset="${1:-dev}"
./tools/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
# The tests labelled "waits" (the SIGKILL harnesses: minutes of reconnect back-offs, little CPU) run
# beside the rest, so that they do not hold two of the two cores' test slots while they sleep.
# Test discovery (gtest PRE_TEST) rewrites its lists when ctest reads them: done once here, so that
# the two runs below only read them and neither sees a list the other is writing.
ctest --preset "$preset" -N >/dev/null
waits_log="build/$preset/ctest-waits.log"
ctest --preset "$preset" -L waits -j2 --output-on-failure >"$waits_log" 2>&1 &
waits_pid=$!
status=0
ctest --preset "$preset" -LE waits -j2 || status=$?
waits_status=0
wait "$waits_pid" || waits_status=$?
echo "--- the tests labelled \"waits\" ($waits_log) ---"
tail -n 40 "$waits_log"
if [ "$waits_status" -ne 0 ]; then cat "$waits_log"; fi
exit $(( status != 0 ? status : waits_status ))
