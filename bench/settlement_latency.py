#!/usr/bin/env python3
"""Issue 6, measured: the time from the link's return to the settlements being visible through the
server's API, beside the time the pile takes to replay the same sessions (its outbox drained), in
the same run. The ratio settled/replayed shows what the server side adds.

N offline sessions with codes from POST /api/offline-codes are charged on a simulated pile
(release binaries) while its link to the reference CSMS is cut (tools/story/link_proxy.py); then
the link is restored and both times are taken from that instant, polling every 5 ms.
Usage: settlement_latency.py BIN_DIR [SESSIONS]   (run by bench/run_settlement.sh)"""
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

BIN = sys.argv[1]
SESSIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 20
HERE = os.path.dirname(os.path.abspath(__file__))
PROXY = os.path.join(HERE, "..", "tools", "story", "link_proxy.py")
AUTH = "Basic " + base64.b64encode(b"bench:bench").decode()


def api(method, path, body=None):
    req = urllib.request.Request("http://127.0.0.1:18080" + path, method=method,
                                 data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": AUTH, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        raise SystemExit(f"{method} {path}: HTTP {e.code} {e.read().decode()}")


def cpctl(sock, *args):
    out = subprocess.run([os.path.join(BIN, "ocpp-cpctl"), "--socket", sock, *map(str, args), "--json"],
                         capture_output=True, text=True, timeout=20)
    return json.loads(out.stdout.strip().splitlines()[-1])


def wait(pred, what, seconds=60, step=0.05):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if pred():
            return
        time.sleep(step)
    raise SystemExit(f"timed out waiting for {what}")


def main():
    d = tempfile.mkdtemp(prefix="ocpp-bench-settle-")
    procs = []
    try:
        procs.append(subprocess.Popen([os.path.join(BIN, "ocpp-csms-sim"), "--ocpp-listen", "127.0.0.1:19000",
                                       "--http-listen", "127.0.0.1:18080", "--database", f"{d}/csms.db",
                                       "--master-key-file", f"{d}/master.key", "--user", "bench:bench",
                                       "--offline-code-rate-limit", "100000", "--log-level", "warn"],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
        procs[-1].stdout.readline()  # "listening ..."
        proxy = subprocess.Popen([sys.executable, PROXY, "19001", "19000"], stdout=subprocess.PIPE, text=True)
        procs.append(proxy)
        proxy.stdout.readline()
        sock = f"{d}/cp.sock"
        config = {
            "charge_point_id": "BENCH-PILE", "ocpp_version": "1.6", "csms_url": "ws://127.0.0.1:19001",
            "database": f"{d}/cp.db", "control_socket": sock, "connectors": 2,
            "hal": {"driver": "sim", "state_file": f"{d}/pile.json", "meter_speedup": 100},
            # Reconnect at once: the figure is the replay, not the back-off wait.
            "ocpp_config": {"MeterValueSampleInterval": "0", "OfflineThreshold": "0",
                            "RetryBackOffWaitMinimum": "0", "RetryBackOffRandomRange": "0"},
            "offline_code": {"allow_plaintext_key_provisioning": True}, "log": {"level": "info"},
        }
        with open(f"{d}/cp.json", "w") as f:
            json.dump(config, f)
        procs.append(subprocess.Popen([os.path.join(BIN, "ocpp-chargepoint"), "--config", f"{d}/cp.json"],
                                      stderr=open(f"{d}/cp.log", "w")))
        wait(lambda: os.path.exists(sock) and cpctl(sock, "status").get("offline_codes", {}).get("key_version") == 1,
             "the pile's key")
        # The server learns the connectors from their StatusNotifications.
        wait(lambda: any(c.get("connector_id") == 2 for c in api("GET", "/api/charge-points/BENCH-PILE").get("connectors", [])),
             "the statuses")
        proxy.send_signal(signal.SIGUSR1)
        wait(lambda: not cpctl(sock, "status")["connected"], "the pile to be offline")
        for i in range(SESSIONS):
            connector = 1 + i % 2
            code = api("POST", "/api/offline-codes", {"charge_point_id": "BENCH-PILE", "connector_id": connector})["code"]
            cpctl(sock, "plug", connector)
            cpctl(sock, "enter-code", connector, code)
            cpctl(sock, "ev", connector, "charge")
            time.sleep(0.05)
            cpctl(sock, "stop", connector)
            cpctl(sock, "unplug", connector)
        waiting = cpctl(sock, "status")["outbox"]
        proxy.send_signal(signal.SIGUSR2)
        t0 = time.monotonic()
        replayed = settled = connected = None
        while replayed is None or settled is None:
            now = time.monotonic()
            if replayed is None:
                s = cpctl(sock, "status")
                if connected is None and s["connected"]:
                    connected = now - t0
                if s["connected"] and s["outbox"] == 0:
                    replayed = now - t0
            if settled is None and len(api("GET", "/api/settlements")) == SESSIONS:
                settled = now - t0
            if now - t0 > 120:
                print(open(f"{d}/cp.log").read()[-1500:])
                print("proxy exit code:", proxy.poll())
                raise SystemExit(f"timed out: connected {connected}, replayed {replayed}, settled {settled}, "
                                 f"{len(api('GET', '/api/settlements'))} settlements, status {cpctl(sock, 'status')}")
            time.sleep(0.005)
        print(f"sessions {SESSIONS}, outbox events replayed {waiting}; each poll spawns ocpp-cpctl (about 10 ms)")
        print(f"link restored -> pile reconnected:               {connected * 1000:8.0f} ms")
        print(f"link restored -> outbox drained (replay):        {replayed * 1000:8.0f} ms")
        print(f"link restored -> all settlements visible (API):  {settled * 1000:8.0f} ms")
        print(f"ratio settled / replayed:                        {settled / replayed:8.2f}")
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
