"""What the packaging tests share: the reference CSMS on free ports, a charge point configuration
for a temporary folder, and waiting for the CSMS to list a charge point (docs/reference-csms.md)."""
import base64
import json
import os
import subprocess
import time
import urllib.request

USER = "pkgtest"
PASSWORD = "pkgtest-pw"


class Csms:
    """bin/ocpp-csms-sim on 127.0.0.1, ports picked by the kernel (port 0)."""

    def __init__(self, binary, folder):
        self.proc = subprocess.Popen(
            [binary, "--ocpp-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
             "--database", os.path.join(folder, "csms.db"), "--user", f"{USER}:{PASSWORD}"],
            stdout=subprocess.PIPE, stderr=open(os.path.join(folder, "csms.log"), "w"), text=True)
        line = self.proc.stdout.readline()  # "listening ocpp=PORT http=PORT"
        fields = dict(f.split("=") for f in line.split()[1:] if "=" in f)
        if "ocpp" not in fields:
            self.stop()
            raise RuntimeError(f"ocpp-csms-sim did not start: {line!r}")
        self.ocpp_port, self.http_port = int(fields["ocpp"]), int(fields["http"])

    def charge_points(self):
        request = urllib.request.Request(f"http://127.0.0.1:{self.http_port}/api/charge-points")
        token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        request.add_header("Authorization", "Basic " + token)
        with urllib.request.urlopen(request, timeout=5) as reply:
            return json.load(reply)

    def wait_connected(self, charge_point_id, timeout):
        """True once the CSMS lists the charge point as booted and connected."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(cp["id"] == charge_point_id and cp["connected"] for cp in self.charge_points()):
                return True
            time.sleep(0.2)
        return False

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def write_config(path, folder, charge_point_id, ocpp_port, base=None):
    """A configuration for the simulated pile with its files in `folder`; `base` (a configuration
    file, e.g. the packaged one) supplies every other key."""
    config = {"hal": {"driver": "sim"}, "connectors": 2}
    if base:
        with open(base) as f:
            config = json.load(f)
    config.update({
        "charge_point_id": charge_point_id,
        "csms_url": f"ws://127.0.0.1:{ocpp_port}/",
        "database": os.path.join(folder, "chargepoint.db"),
        "control_socket": os.path.join(folder, "control.sock"),
    })
    with open(path, "w") as f:
        json.dump(config, f)
