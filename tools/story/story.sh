#!/usr/bin/env bash
# The patent's story, played on the embedded default (tools/run.sh --story): the reference CSMS
# (server side), the simulated pile (equipment side) and the driver's API calls (user side), with a
# link between pile and CSMS that can be cut. Each step is printed as it happens.
# Called by tools/run.sh with the release binaries built; arguments: BIN_DIR STATE_DIR [--once]
# [OCPP_VERSION] (1.6 by default, or 2.0.1).
set -euo pipefail
bin="$1"
state="$2"
once="${3:-}"
ocpp="${4:-1.6}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
rm -rf "$state/story" && mkdir -p "$state/story"
dir="$state/story"
cp_id="STORY-PILE-1"
api="http://127.0.0.1:8080"
step=0
say() { step=$((step + 1)); printf '\n== %d. %s\n' "$step" "$*"; }
cpctl() { "$bin/ocpp-cpctl" --socket "$dir/chargepoint.sock" "$@"; }
status_field() { cpctl status --json | python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
wait_until() {  # wait_until SECONDS DESCRIPTION PYTHON-EXPRESSION-ON-d
  local end=$((SECONDS + $1))
  until [ "$(status_field "$3" 2>/dev/null)" = "True" ]; do
    if [ $SECONDS -ge $end ]; then echo "timed out waiting for $2" >&2; tail -20 "$dir/chargepoint.log" >&2; exit 1; fi
    sleep 0.2
  done
}
http() { python3 "$here/http_call.py" "$@"; }

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true' EXIT

say "The server: the reference CSMS with the offline-code side (master key created 0600 on first start, tariff 0.30 EUR/kWh)"
"$bin/ocpp-csms-sim" --ocpp-listen 127.0.0.1:9000 --http-listen 127.0.0.1:8080 --database "$dir/csms.db" \
  --master-key-file "$dir/master.key" --tariff-per-kwh 0.30 --currency EUR --user driver:driver:driver \
  --log-level warn > "$dir/csms.out" 2> "$dir/csms.log" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$dir/csms.out" 2>/dev/null && break; sleep 0.1; done
ls -l "$dir/master.key" | awk '{print "   master key file: " $1 " " $NF}'

say "The network between pile and server (a TCP link the story can cut)"
python3 "$here/link_proxy.py" 9001 9000 > "$dir/link.out" &
link=$!
pids+=($link)
for _ in $(seq 50); do grep -q listening "$dir/link.out" 2>/dev/null && break; sleep 0.1; done

say "The pile $cp_id boots (OCPP $ocpp), registers, and the server provisions its offline-code key"
# The same settings by each version's names (1.6 configuration keys, 2.0.1 device-model variables).
if [ "$ocpp" = "2.0.1" ]; then
  ocpp_config='{"SampledDataCtrlr.TxUpdatedInterval": "10", "OCPPCommCtrlr.OfflineThreshold": "2"}'
  replayed_as="an idToken of type KeyCode, each event marked offline"
else
  ocpp_config='{"MeterValueSampleInterval": "10", "OfflineThreshold": "2"}'
  replayed_as="its idTag"
fi
cat > "$dir/chargepoint.json" <<JSON
{
  "charge_point_id": "$cp_id",
  "ocpp_version": "$ocpp",
  "csms_url": "ws://127.0.0.1:9001",
  "database": "$dir/chargepoint.db",
  "control_socket": "$dir/chargepoint.sock",
  "connectors": 2,
  "resume_transactions_after_power_loss": true,
  "hal": {"driver": "sim", "state_file": "$dir/sim-pile.json", "start_energy_wh": 1200000, "meter_speedup": 60},
  "ocpp_config": $ocpp_config,
  "offline_code": {"allow_plaintext_key_provisioning": true, "driver_page_url": "$api"},
  "log": {"level": "info"}
}
JSON
start_pile() {
  "$bin/ocpp-chargepoint" --config "$dir/chargepoint.json" 2>> "$dir/chargepoint.log" &
  pile=$!
  pids+=($pile)
}
start_pile
wait_until 20 "the key" "d['registration'] == 'Accepted' and d['offline_codes']['key_version'] >= 1"
echo "   registration $(status_field "d['registration']"), offline-code key version $(status_field "d['offline_codes']['key_version']")"
echo "   the QR code on connector 1 points to $(status_field "d['connectors'][0]['qr_url']")"

say "The link is cut: the pile is offline"
kill -USR1 "$link"
wait_until 30 "the pile to notice" "not d['connected']"
echo "   pile connected: $(status_field "d['connected']")"
echo "   the driver scans the QR code and opens $api/c/$cp_id/1: HTTP $(http GET "$api/c/$cp_id/1" --status)"

say "The driver asks the server for an offline code for connector 1 (POST /api/offline-codes)"
answer="$(http POST "$api/api/offline-codes" "{\"charge_point_id\":\"$cp_id\",\"connector_id\":1}" --user driver:driver)"
code="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["code"])' "$answer")"
echo "   code $code, $(python3 -c 'import json,sys; print("valid until", json.loads(sys.argv[1])["expires_at"])' "$answer")"

say "The driver plugs in and types the code on the pile's keypad"
cpctl plug 1
cpctl enter-code 1 "$code"
cpctl ev 1 charge
sleep 2
cpctl status | grep "connector 1" || true

say "The pile's controller is killed mid-session (a power cut of the controller) and restarts"
kill -9 "$pile"
wait "$pile" 2>/dev/null || true
sleep 1
start_pile
wait_until 20 "the restart" "d['connectors'][0]['transaction'] is not None"
echo "   transaction resumed: $(status_field "d['connectors'][0]['transaction']")"

say "The driver charges on, then stops at the pile"
sleep 3
cpctl stop 1
cpctl unplug 1
echo "   the meter's register reads $(status_field "round(d['connectors'][0]['meter_wh'])") Wh; $(status_field "d['outbox']") charging events wait for the link"

say "The link is restored: the pile replays the session with the code as $replayed_as"
kill -USR2 "$link"
wait_until 60 "the replay" "d['connected'] and d['outbox'] == 0"
echo "   outbox empty, connected again"

say "The server settles the session with the driver, exactly once (GET /api/settlements)"
for _ in $(seq 50); do
  settlements="$(http GET "$api/api/settlements" --user driver:driver)"
  [ "$settlements" != "[]" ] && break
  sleep 0.2
done
python3 - "$settlements" <<'PY'
import json, sys
for s in json.loads(sys.argv[1]):
    print(f"   code {s['code']} at {s['charge_point_id']} connector {s['connector_id']}, transaction {s['transaction_id']}: "
          f"{s['energy_wh'] / 1000:.3f} kWh, {s['amount']} {s['currency']} ({s['started_at']} - {s['stopped_at']})")
PY
echo
echo "   the driver's page: $api/me (user driver, password driver)"
if [ "$once" = "--once" ]; then exit 0; fi
echo "== Everything keeps running (Ctrl-C stops). Logs in $dir."
wait
