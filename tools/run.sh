#!/usr/bin/env bash
# Builds and runs the embedded default on loopback: the reference CSMS and a simulated
# two-connector pile running ocpp-chargepoint. Plays one charging session so you can see it work,
# then leaves both running and tells you how to drive the pile yourself.
# Usage: tools/run.sh [--ocpp 1.6|2.0.1] [--once]          (--once: exit after the demo session)
#        tools/run.sh --story [--ocpp 1.6|2.0.1] [--once]  the offline-code story of the patent,
#                                                          step by step (tools/story/story.sh)
# The pile speaks OCPP 1.6J unless --ocpp 2.0.1 is given.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
story=""
once=""
ocpp="1.6"
while [ $# -gt 0 ]; do
  case "$1" in
    --story) story=1 ;;
    --once) once="--once" ;;
    --ocpp)
      ocpp="${2:-}"
      shift
      [ "$ocpp" = "1.6" ] || [ "$ocpp" = "2.0.1" ] || { echo "run.sh: --ocpp takes 1.6 or 2.0.1, got \"$ocpp\"" >&2; exit 2; }
      ;;
    *) echo "run.sh: unknown argument $1 (usage: tools/run.sh [--story] [--ocpp 1.6|2.0.1] [--once])" >&2; exit 2 ;;
  esac
  shift
done
./tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target ocpp-csms-sim ocpp-chargepoint ocpp-cpctl ocpp-offline-code
bin="$PWD/build/release/bin"
state="$PWD/build/run"
mkdir -p "$state"
if [ -n "$story" ]; then exec tools/story/story.sh "$bin" "$state" "$once" "$ocpp"; fi
cpctl() { "$bin/ocpp-cpctl" --socket "$state/chargepoint.sock" "$@"; }

# A lab PKI for the firmware and certificate demo, made once (docs/reference-csms.md "Firmware, logs
# and certificates"): a manufacturer's firmware signer and a CA for the piles' certificates, and a
# demo image the CSMS serves at http://127.0.0.1:8080/firmware/demo-firmware.bin.
pki="$state/pki"
if [ ! -f "$pki/ca.pem" ]; then
  mkdir -p "$pki"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=Demo Firmware Signer" \
    -keyout "$pki/fw.key" -out "$pki/fw.pem" 2>/dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/CN=Demo Charge Point CA" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
  chmod 600 "$pki/fw.key" "$pki/ca.key"
fi
mkdir -p "$state/csms-files"
[ -f "$state/csms-files/demo-firmware.bin" ] || head -c 1048576 /dev/urandom > "$state/csms-files/demo-firmware.bin"

"$bin/ocpp-csms-sim" --ocpp-listen 127.0.0.1:9000 --http-listen 127.0.0.1:8080 --database "$state/csms.db" \
  --user demo:demo --files-dir "$state/csms-files" \
  --firmware-signing-key "$pki/fw.key" --firmware-signing-cert "$pki/fw.pem" --ca-cert "$pki/ca.pem" --ca-key "$pki/ca.key" \
  --log-level warn > "$state/csms.out" 2> "$state/csms.log" &
csms=$!
pile=""
trap 'kill $pile $csms 2>/dev/null || true; wait 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$state/csms.out" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$state/csms.out" || { cat "$state/csms.log"; exit 1; }

# The embedded default: simulated hardware, the reference CSMS on loopback. The link is plain ws://
# on loopback, so the demo pile accepts certificates and signed firmware over it (a lab setting).
# The same settings by each version's own names (1.6 configuration keys, 2.0.1 device-model variables).
if [ "$ocpp" = "2.0.1" ]; then
  ocpp_config='{"SampledDataCtrlr.TxUpdatedInterval": "10", "SampledDataCtrlr.TxUpdatedMeasurands": "Energy.Active.Import.Register,Power.Active.Import"}'
else
  ocpp_config='{"MeterValueSampleInterval": "10", "MeterValuesSampledData": "Energy.Active.Import.Register,Power.Active.Import"}'
fi
# One database per version: a pile keeps its transactions and settings across runs of the demo.
db="$state/chargepoint.db"
[ "$ocpp" = "2.0.1" ] && db="$state/chargepoint-v201.db"
cat > "$state/chargepoint.json" <<JSON
{
  "charge_point_id": "DEMO-PILE-1",
  "ocpp_version": "$ocpp",
  "csms_url": "ws://127.0.0.1:9000",
  "database": "$db",
  "control_socket": "$state/chargepoint.sock",
  "connectors": 2,
  "hal": {"driver": "sim", "state_file": "$state/sim-pile.json"},
  "ocpp_config": $ocpp_config,
  "security": {"allow_plaintext_management": true},
  "log": {"level": "info"}
}
JSON
"$bin/ocpp-chargepoint" --config "$state/chargepoint.json" 2> "$state/chargepoint.log" &
pile=$!
for _ in $(seq 100); do cpctl status --json 2>/dev/null | grep -q '"registration":"Accepted"' && break; sleep 0.1; done
echo "== reference CSMS on ws://127.0.0.1:9000, HTTP API on http://127.0.0.1:8080 (user demo:demo, an operator)"
echo "== simulated pile DEMO-PILE-1 with 2 connectors, OCPP $ocpp, registered:"
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
if [ -n "$once" ]; then exit 0; fi
if [ "$ocpp" = "2.0.1" ]; then
  remote_start='{"action":"RequestStartTransaction","payload":{"evseId":2,"remoteStartId":1,"idToken":{"idToken":"REMOTE-1","type":"Central"}}}'
else
  remote_start='{"action":"RemoteStartTransaction","payload":{"connectorId":2,"idTag":"REMOTE-1"}}'
fi
cat <<TXT
== Both keep running (Ctrl-C stops them). Drive the pile with ocpp-cpctl:
   alias cpctl='$bin/ocpp-cpctl --socket $state/chargepoint.sock'
   cpctl plug 2; cpctl present-id 2 MY-CARD; cpctl ev 2 charge; cpctl status; cpctl stop 2; cpctl unplug 2
   cpctl fault 1 GroundFailure; cpctl clear-fault 1
   curl -u demo:demo -X POST http://127.0.0.1:8080/api/charge-points/DEMO-PILE-1/call \\
        -d '$remote_start'
   Firmware, logs and certificates (docs/reference-csms.md); the pile trusts the demo signer (and
   the demo CA) first:
   api=http://127.0.0.1:8080/api/charge-points/DEMO-PILE-1
   python3 -c 'import json; print(json.dumps({"use": "ManufacturerRootCertificate", "pem": open("$pki/fw.pem").read()}))' \\
     | curl -u demo:demo -X POST \$api/install-certificate -d @-
   curl -u demo:demo -X POST \$api/update-firmware -d '{"file": "demo-firmware.bin"}'
   curl -u demo:demo -X POST \$api/get-log -d '{"log_type": "DiagnosticsLog"}'; curl -u demo:demo \$api/uploads
   python3 -c 'import json; print(json.dumps({"use": "CSMSRootCertificate", "pem": open("$pki/ca.pem").read()}))' \\
     | curl -u demo:demo -X POST \$api/install-certificate -d @-; curl -u demo:demo -X POST \$api/sign-certificate
   curl -u demo:demo \$api     # "operations": what the pile reported
   Logs: $state/chargepoint.log, $state/csms.log
TXT
wait $pile
