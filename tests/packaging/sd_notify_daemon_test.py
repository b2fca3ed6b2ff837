"""ctest packaging_sd_notify_daemon: the real ocpp-chargepoint (simulated pile) against the
reference CSMS, started as systemd would start a Type=notify service with WatchdogSec=: with
NOTIFY_SOCKET naming a datagram socket this test binds, and WATCHDOG_USEC. Checks READY=1, watchdog
pings at about half the interval (counted over a generous window: machines are shared), a STATUS=
that reports the registration, and STOPPING=1 on SIGTERM.
Usage: sd_notify_daemon_test.py BIN_DIR"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

WATCHDOG_USEC = 1_000_000  # pings every 0.5 s


def main(bin_dir):
    folder = tempfile.mkdtemp(prefix="sd-notify-daemon-")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(os.path.join(folder, "notify"))
    notify.settimeout(0.2)
    csms = support.Csms(os.path.join(bin_dir, "ocpp-csms-sim"), folder)
    config = os.path.join(folder, "chargepoint.json")
    support.write_config(config, folder, "CP-SDNOTIFY", csms.ocpp_port)
    env = dict(os.environ, NOTIFY_SOCKET=os.path.join(folder, "notify"), WATCHDOG_USEC=str(WATCHDOG_USEC))
    daemon = subprocess.Popen([os.path.join(bin_dir, "ocpp-chargepoint"), "--config", config], env=env,
                              stderr=open(os.path.join(folder, "daemon.log"), "w"))
    messages = []  # (seconds since start, datagram)
    start = time.monotonic()
    try:
        failures = check_running(notify, messages, start)
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=20)
        collect(notify, messages, start, 1.0)
        if not any(m.startswith("STOPPING=1") for _, m in messages):
            failures.append("no STOPPING=1 after SIGTERM")
        if code != 0:
            failures.append(f"exit status {code} after SIGTERM")
    finally:
        if daemon.poll() is None:
            daemon.kill()
        csms.stop()
    for at, m in messages:
        print(f"{at:6.2f} s  {m!r}")
    if failures:
        print("FAIL: " + "; ".join(failures) + f" (logs in {folder})")
        return 1
    print("OK")
    return 0


def collect(notify, messages, start, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            messages.append((time.monotonic() - start, notify.recv(4096).decode()))
        except socket.timeout:
            pass


def check_running(notify, messages, start):
    failures = []
    # Registered within 15 s (a loaded machine), then 4 s more of watchdog pings to count.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not any("registration Accepted, connected" in m for _, m in messages):
        collect(notify, messages, start, 0.5)
    collect(notify, messages, start, 4.0)
    if not messages or not messages[0][1].startswith("READY=1"):
        failures.append("the first notification is not READY=1")
    if not any(m.startswith("STATUS=") and "registration Accepted, connected to the CSMS" in m for _, m in messages):
        failures.append("no STATUS= with the registration accepted")
    pings = [at for at, m in messages if m == "WATCHDOG=1"]
    span = messages[-1][0] - messages[0][0] if messages else 0
    # Half of 1 s is 0.5 s: expect about 2 per second. At least a third of that (a loaded machine
    # delays timers), and no more than 4 per second (a ping on every loop turn would be a bug).
    if not span / 0.5 / 3 <= len(pings) <= span * 4 + 2:
        failures.append(f"{len(pings)} watchdog pings in {span:.1f} s")
    return failures


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
