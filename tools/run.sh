#!/usr/bin/env bash
# Builds and runs the embedded default on loopback: the reference CSMS and a simulated
# two-connector pile running ocpp-chargepoint (OCPP 1.6J). Plays one charging session so you can
# see it work, then leaves both running and tells you how to drive the pile yourself.
# Usage: tools/run.sh [--once]            (--once: exit after the demo session)
#        tools/run.sh --story [--once]    the offline-code story of the patent, step by step
#                                         (tools/story/story.sh)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target ocpp-csms-sim ocpp-chargepoint ocpp-cpctl
bin="$PWD/build/release/bin"
state="$PWD/build/run"
mkdir -p "$state"
if [ "${1:-}" = "--story" ]; then exec tools/story/story.sh "$bin" "$state" "${2:-}"; fi
cpctl() { "$bin/ocpp-cpctl" --socket "$state/chargepoint.sock" "$@"; }

"$bin/ocpp-csms-sim" --ocpp-listen 127.0.0.1:9000 --http-listen 127.0.0.1:8080 --database "$state/csms.db" \
  --user demo:demo --log-level warn > "$state/csms.out" 2> "$state/csms.log" &
csms=$!
pile=""
trap 'kill $pile $csms 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$state/csms.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$state/csms.out" || { cat "$state/csms.log"; exit 1; }

# The embedded default: simulated hardware, the reference CSMS on loopback.
cat > "$state/chargepoint.json" <<JSON
{
  "charge_point_id": "DEMO-PILE-1",
  "ocpp_version": "1.6",
  "csms_url": "ws://127.0.0.1:9000",
  "database": "$state/chargepoint.db",
  "control_socket": "$state/chargepoint.sock",
  "connectors": 2,
  "hal": {"driver": "sim", "state_file": "$state/sim-pile.json"},
  "ocpp_config": {"MeterValueSampleInterval": "10", "MeterValuesSampledData": "Energy.Active.Import.Register,Power.Active.Import"},
  "log": {"level": "info"}
}
JSON
"$bin/ocpp-chargepoint" --config "$state/chargepoint.json" 2> "$state/chargepoint.log" &
pile=$!
for _ in $(seq 100); do cpctl status --json 2>/dev/null | grep -q '"registration":"Accepted"' && break; sleep 0.1; done
echo "== reference CSMS on ws://127.0.0.1:9000, HTTP API on http://127.0.0.1:8080 (user demo:demo, an operator)"
echo "== simulated pile DEMO-PILE-1 with 2 connectors, registered:"
cpctl status

echo "== a demo session on connector 1: plug, card TAG-1, EV charges 5 s, stop"
cpctl plug 1 && cpctl present-id 1 TAG-1 && cpctl ev 1 charge
sleep 5
cpctl status | grep "connector 1"
cpctl stop 1
cpctl unplug 1
sleep 1
echo "== what the CSMS recorded (GET /api/transactions):"
python3 - <<'PY'
import base64, json, urllib.request
req = urllib.request.Request("http://127.0.0.1:8080/api/transactions",
                             headers={"Authorization": "Basic " + base64.b64encode(b"demo:demo").decode()})
for t in json.load(urllib.request.urlopen(req))[-1:]:
    print(f"  transaction {t['transaction_id']} of {t['charge_point_id']} connector {t['connector_id']}: "
          f"{t['id_tag']}, {t['meter_stop_wh'] - t['meter_start_wh']} Wh, stopped ({t['stop_reason']}), "
          f"{t['meter_values']} meter values, received {t['start_count']}x start / {t['stop_count']}x stop")
PY
if [ "${1:-}" = "--once" ]; then exit 0; fi
cat <<TXT
== Both keep running (Ctrl-C stops them). Drive the pile with ocpp-cpctl:
   alias cpctl='$bin/ocpp-cpctl --socket $state/chargepoint.sock'
   cpctl plug 2; cpctl present-id 2 MY-CARD; cpctl ev 2 charge; cpctl status; cpctl stop 2; cpctl unplug 2
   cpctl fault 1 GroundFailure; cpctl clear-fault 1
   curl -u demo:demo -X POST http://127.0.0.1:8080/api/charge-points/DEMO-PILE-1/call \\
        -d '{"action":"RemoteStartTransaction","payload":{"connectorId":2,"idTag":"REMOTE-1"}}'
   Logs: $state/chargepoint.log, $state/csms.log
TXT
wait $pile
