"""ctest packaging_deb_install: tools/package-deb.sh packages this build's binaries (no rebuild),
the package is unpacked into a temporary root with dpkg-deb -x (no root rights, nothing installed
on the machine), and the daemon from that root, with the packaged configuration pointed at a
temporary folder, registers with the reference CSMS of this build. Also checks the package's
control data: the conffile, the files an integrator relies on, the library dependencies.
Usage: deb_install_test.py SOURCE_DIR BUILD_DIR"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import support  # noqa: E402

EXPECTED_FILES = [
    "usr/bin/ocpp-chargepoint", "usr/bin/ocpp-cpctl", "usr/bin/ocpp-offline-code",
    "usr/lib/systemd/system/ocpp-chargepoint.service", "usr/lib/sysusers.d/ocpp-chargepoint.conf",
    "usr/lib/tmpfiles.d/ocpp-chargepoint.conf", "etc/ocpp-chargepoint/chargepoint.json",
    "usr/share/ocpp/meters/eastron_sdm630.json", "usr/share/doc/ocpp-chargepoint/integration.md",
]


def package(source_dir, build_dir, folder):
    started = time.monotonic()
    out = subprocess.run([os.path.join(source_dir, "tools/package-deb.sh"), "--build-dir", build_dir,
                          "--output", folder], check=True, capture_output=True, text=True).stdout
    deb = out.strip().splitlines()[-1]
    print(f"packaged {os.path.basename(deb)}: {os.path.getsize(deb)} bytes in {time.monotonic() - started:.1f} s")
    return deb


def check_control(deb, root):
    failures = []
    control = subprocess.run(["dpkg-deb", "-f", deb], check=True, capture_output=True, text=True).stdout
    depends = next((l for l in control.splitlines() if l.startswith("Depends:")), "")
    for library in ("libwebsockets", "libsqlite3-0", "libssl3", "libmodbus5", "systemd"):
        if library not in depends:
            failures.append(f"Depends lacks {library}: {depends}")
    conffiles = subprocess.run(["dpkg-deb", "--ctrl-tarfile", deb], check=True, capture_output=True).stdout
    if b"conffiles" not in conffiles:
        failures.append("no conffiles")
    for path in EXPECTED_FILES:
        if not os.path.isfile(os.path.join(root, path)):
            failures.append(f"{path} is not in the package")
    return failures


def run_installed(bin_dir, root, folder):
    """The unpacked daemon against the reference CSMS until the CSMS lists it connected."""
    failures = []
    csms = support.Csms(os.path.join(bin_dir, "ocpp-csms-sim"), folder)
    config = os.path.join(folder, "chargepoint.json")
    support.write_config(config, folder, "CP-DEB-1", csms.ocpp_port,
                         base=os.path.join(root, "etc/ocpp-chargepoint/chargepoint.json"))
    daemon = subprocess.Popen([os.path.join(root, "usr/bin/ocpp-chargepoint"), "--config", config],
                              stderr=open(os.path.join(folder, "daemon.log"), "w"))
    try:
        started = time.monotonic()
        if csms.wait_connected("CP-DEB-1", timeout=20):
            print(f"registered with the CSMS after {time.monotonic() - started:.1f} s")
            status = subprocess.run([os.path.join(root, "usr/bin/ocpp-cpctl"), "--socket",
                                     os.path.join(folder, "control.sock"), "--json", "status"],
                                    capture_output=True, text=True, timeout=10)
            if status.returncode != 0 or json.loads(status.stdout).get("registration") != "Accepted":
                failures.append(f"ocpp-cpctl status: {status.stdout} {status.stderr}")
        else:
            failures.append("the CSMS never listed CP-DEB-1 as connected")
        daemon.send_signal(signal.SIGTERM)
        if daemon.wait(timeout=20) != 0:
            failures.append(f"exit status {daemon.returncode} after SIGTERM")
    finally:
        if daemon.poll() is None:
            daemon.kill()
        csms.stop()
    return failures


def main(source_dir, build_dir):
    for tool in ("dpkg-deb", "dpkg-shlibdeps"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} is not installed (Debian packages dpkg, dpkg-dev)")
            return 77
    folder = tempfile.mkdtemp(prefix="deb-install-")
    deb = package(source_dir, build_dir, folder)
    root = os.path.join(folder, "root")
    subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    failures = check_control(deb, root) + run_installed(os.path.join(build_dir, "bin"), root, folder)
    if failures:
        print("FAIL: " + "\n      ".join(failures) + f"\n(files in {folder})")
        return 1
    shutil.rmtree(folder)
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
