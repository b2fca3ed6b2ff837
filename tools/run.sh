#!/usr/bin/env bash
# Builds and runs the embedded default on loopback: the reference CSMS, and a charge point that
# plays one charging session in OCPP 1.6J and one in OCPP 2.0.1 against it. The charge point is the
# protocol-level demo client until the charge point runtime lands (see README.md).
# Usage: tools/run.sh [--once]   (--once: exit after the sessions instead of leaving the CSMS up)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./tools/setup.sh
export CCACHE_DIR="${CCACHE_DIR:-$PWD/.ccache}"
cmake --preset release >/dev/null
cmake --build --preset release --target ocpp-csms-sim ocpp-demo-client
bin=build/release/bin
state=build/run
mkdir -p "$state"

"$bin/ocpp-csms-sim" --ocpp-listen 127.0.0.1:9000 --http-listen 127.0.0.1:8080 --database "$state/csms.db" \
  --user demo:demo --log-level warn > "$state/csms.out" 2> "$state/csms.log" &
csms=$!
trap 'kill $csms 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$state/csms.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$state/csms.out" || { cat "$state/csms.log"; exit 1; }
echo "== reference CSMS: OCPP on ws://127.0.0.1:9000/<id>, HTTP API on http://127.0.0.1:8080 (user demo:demo)"

echo "== OCPP 1.6J session of charge point DEMO-CP-16"
"$bin/ocpp-demo-client" --csms-url ws://127.0.0.1:9000 --id DEMO-CP-16 --ocpp-version 1.6 --exit
echo "== OCPP 2.0.1 session of charging station DEMO-CP-201"
"$bin/ocpp-demo-client" --csms-url ws://127.0.0.1:9000 --id DEMO-CP-201 --ocpp-version 2.0.1 --exit

echo "== what the CSMS recorded (GET /api/transactions):"
python3 - <<'PY'
import base64, json, urllib.request
req = urllib.request.Request("http://127.0.0.1:8080/api/transactions",
                             headers={"Authorization": "Basic " + base64.b64encode(b"demo:demo").decode()})
for t in json.load(urllib.request.urlopen(req))[-2:]:
    print(f"  {t['charge_point_id']}: transaction {t['transaction_id']}, {t['id_tag']}, "
          f"{t['meter_stop_wh'] - t['meter_start_wh']} Wh, stopped ({t['stop_reason']})")
PY
if [ "${1:-}" = "--once" ]; then exit 0; fi
cat <<'TXT'
== The CSMS keeps running (Ctrl-C stops it). Try:
   build/release/bin/ocpp-demo-client --id MY-CP            # stays connected after its session
   curl -u demo:demo http://127.0.0.1:8080/api/charge-points/MY-CP
   curl -u demo:demo -X POST http://127.0.0.1:8080/api/charge-points/MY-CP/call \
        -d '{"action":"TriggerMessage","payload":{"requestedMessage":"Heartbeat"}}'
   Frames are logged in build/run/csms.log (run the CSMS with --log-level info to see them).
TXT
wait $csms
