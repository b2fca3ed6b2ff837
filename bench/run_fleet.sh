#!/usr/bin/env bash
# The fleet's own cost (CPU and memory per simulated pile, idle and charging) and the reconnect
# storm of issue 16, with the release build: see bench/fleet_bench.py for what it measures and its
# environment (FLEET_NS, STORM_NS, IDLE_SECONDS, CHARGE_SECONDS, BIN_DIR). SKIP_BUILD=1 measures
# the binaries already built; the build holds OCPP_BUILD_LOCK (default /tmp/ocpp-build.lock when it
# exists) so that builds on a shared machine run one at a time; the measurement runs without it.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${OCPP_BUILD_LOCK+set}" ] && [ -e /tmp/ocpp-build.lock ]; then OCPP_BUILD_LOCK=/tmp/ocpp-build.lock; fi
locked() { if [ -n "${OCPP_BUILD_LOCK:-}" ]; then flock "$OCPP_BUILD_LOCK" "$@"; else "$@"; fi; }
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  locked cmake --preset release >/dev/null
  locked cmake --build --preset release --target ocpp-fleet ocpp-csms-sim
fi
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
exec python3 bench/fleet_bench.py "$@"
