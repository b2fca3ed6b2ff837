#!/usr/bin/env python3
"""Independent check of the offline charging code's test vectors (docs/offline-code.md section 12).

Recomputes every vector in the spec from the spec's own definitions with the Python standard library
only (hmac, hashlib), without using the C++ implementation: key derivation (HKDF-SHA256, RFC 5869),
MAC input and truncation, packing, Damm check digit, expiry reconstruction, the verification steps,
the replay window and the lockout arithmetic. With --cli it also runs `ocpp-offline-code` on every
vector and compares what it prints and its exit code.

    vectors_check.py --spec docs/offline-code.md [--cli build/bin/ocpp-offline-code]

Exit code 0 when everything matches, 1 otherwise (each mismatch is printed).
"""
import argparse
import datetime
import hashlib
import hmac
import math
import os
import re
import struct
import subprocess
import sys
import tempfile

EPOCH = 1735689600  # 2025-01-01T00:00:00Z
HOUR = 3600
MAX_LIFE_HOURS = 169
CAP_WH = [None, 500, 1000, 2000, 5000, 10000, 20000, 50000]
HKDF_SALT = b"ocpp-offline-code/v1/hkdf-salt"
PILE_KEY_LABEL = b"ocpp-offline-code/v1/pile-key"
MAC_LABEL = b"ocpp-offline-code/v1/mac"

DAMM = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
    [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
    [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
    [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
    [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
    [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
    [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
    [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
]


# --- primitives -------------------------------------------------------------------------------

def hkdf_sha256(ikm, salt, info, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def damm_interim(digits):
    interim = 0
    for ch in digits:
        interim = DAMM[interim][int(ch)]
    return interim


# --- the spec, section by section -------------------------------------------------------------

def pile_key(master, cp_id, version):
    """Section 3.2."""
    cp = cp_id.encode()
    info = PILE_KEY_LABEL + b"\x00" + version.to_bytes(4, "big") + bytes([len(cp)]) + cp
    return hkdf_sha256(master, HKDF_SALT, info, 32)


def key_check_value(key, cp_id, version):
    """Section 3.3: the first 4 bytes of an HMAC under the pile key, bound to the id and version."""
    cp = cp_id.encode("ascii")
    msg = b"ocpp-offline-code/v1/key-check" + b"\x00" + struct.pack(">I", version) + bytes([len(cp)]) + cp
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:8]


def mac_input(cp_id, version, serial, expiry_hours, connector, cap_step):
    """Section 4.1."""
    cp = cp_id.encode()
    return (MAC_LABEL + b"\x00" + bytes([len(cp)]) + cp + version.to_bytes(4, "big") + serial.to_bytes(2, "big")
            + expiry_hours.to_bytes(4, "big") + bytes([connector, cap_step]))


def mac21(key, message):
    d = hmac.new(key, message, hashlib.sha256).digest()
    return int.from_bytes(d[:3], "big") >> 3


def expiry_hours_for(issued_at, valid_hours):
    """Section 2: ceil((t + 3600 H - EPOCH) / 3600)."""
    return -((EPOCH - issued_at - HOUR * valid_hours) // HOUR)


def cap_step_at_most(wh):
    steps = [i for i in range(1, 8) if CAP_WH[i] <= wh]
    return max(steps) if steps else None


def encode(key, cp_id, version, serial, expiry_hours, connector, cap_step):
    """Sections 4.1, 4.2, 4.4."""
    mac = mac21(key, mac_input(cp_id, version, serial, expiry_hours, connector, cap_step))
    payload = ((serial << 37) | ((expiry_hours % 512) << 28) | (connector << 25) | ((version % 2) << 24)
               | (cap_step << 21) | mac)
    assert payload < 2 ** 49
    digits = "%015d" % payload
    return digits + str(damm_interim(digits)), payload, mac


def reconstruct_expiry(e9, now, trusted):
    """Section 4.3."""
    n = max(0, (now - EPOCH) // HOUR)
    top = n + (192 if trusted else 480)
    e = top - ((top - e9) % 512)
    return e + 512 if e < 0 else e


def verify(typed, keys, cp_id, connector, now, trusted, tol=600):
    """Section 5. keys: {version: key bytes}. Returns (verdict, fields or None)."""
    digits = typed.replace(" ", "").replace("-", "")
    if len(digits) != 16 or not all(c in "0123456789" for c in digits):
        return "malformed", None
    if damm_interim(digits) != 0:
        return "typo", None
    payload = int(digits[:15])
    if payload >= 2 ** 49:
        return "malformed", None
    serial = payload >> 37
    e9 = (payload >> 28) & 0x1FF
    conn = (payload >> 25) & 0x7
    slot = (payload >> 24) & 0x1
    cap = (payload >> 21) & 0x7
    mac = payload & 0x1FFFFF
    candidates = [v for v in keys if v % 2 == slot]
    if not candidates:
        return "unknown_key_version", None
    version = max(candidates)
    expiry = reconstruct_expiry(e9, now, trusted)
    if not hmac.compare_digest(mac.to_bytes(3, "big"),
                               mac21(keys[version], mac_input(cp_id, version, serial, expiry, conn, cap)).to_bytes(3, "big")):
        return "bad_mac", None
    fields = {"key_version": version, "serial": serial, "expiry_hours": expiry, "connector": conn, "cap_step": cap}
    x = EPOCH + HOUR * expiry
    if conn != 0 and conn != connector:
        return "wrong_connector", fields
    if now >= x + tol:
        return "expired", fields
    if trusted and x > now + MAX_LIFE_HOURS * HOUR + tol:
        return "not_yet_valid", fields
    return "accepted", fields


class ReplayWindow:
    """Section 6, kept as a set so that it is checked against the rule, not against a bitmap."""
    WIDTH = 1024

    def __init__(self):
        self.highest = None
        self.used = set()

    def accept(self, serial):
        if self.highest is not None and serial <= self.highest - self.WIDTH:
            return "too_old"
        if serial in self.used:
            return "used"
        self.used.add(serial)
        self.highest = serial if self.highest is None else max(self.highest, serial)
        self.used = {s for s in self.used if s > self.highest - self.WIDTH}
        return "fresh"


# --- reading the spec -------------------------------------------------------------------------

def rfc3339(text):
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def format_time(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def read_vectors(spec_path):
    vectors = []
    with open(spec_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("vector "):
                continue
            parts = line.split()
            kind, fields = parts[1], {}
            for p in parts[2:]:
                k, _, v = p.partition("=")
                fields[k] = v.replace("_", " ") if k == "typed" else v
            vectors.append((kind, fields))
    return vectors


class Checker:
    def __init__(self, cli):
        self.cli = cli
        self.failures = 0
        self.checks = 0
        self.tmp = tempfile.TemporaryDirectory()

    def expect(self, what, got, want):
        self.checks += 1
        if got != want:
            self.failures += 1
            print("MISMATCH %s: got %r, spec says %r" % (what, got, want))

    def run_cli(self, *args):
        # In a cross build ctest hands over the emulator that runs target programs (qemu-user).
        emulator = os.environ.get("OCPP_TEST_EMULATOR", "").split()
        r = subprocess.run(emulator + [self.cli] + list(args), capture_output=True, text=True, timeout=30)
        return r.returncode, r.stdout, r.stderr

    def master_file(self, master_hex):
        path = os.path.join(self.tmp.name, "master.hex")
        # Grouped and on two lines, to exercise the "whitespace tolerated" rule.
        with open(path, "w") as f:
            f.write(" ".join(master_hex[i:i + 8] for i in range(0, 32, 8)) + "\n")
            f.write(" ".join(master_hex[i:i + 8] for i in range(32, 64, 8)) + "\n")
        return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--spec", required=True)
    ap.add_argument("--cli")
    opts = ap.parse_args()

    # The primitives against their RFCs first.
    okm = hkdf_sha256(b"\x0b" * 22, bytes(range(13)), bytes(range(0xF0, 0xFA)), 42).hex()
    assert okm == ("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"
                   "34007208d5b887185865"), "RFC 5869 test case 1"
    assert damm_interim("572") == 4

    c = Checker(opts.cli)
    vectors = read_vectors(opts.spec)
    if not vectors:
        print("no vectors found in", opts.spec)
        return 1
    master = None
    keys = {}  # (charge point id, version) -> key bytes
    codes = {}  # name -> code
    master_path = None
    for kind, v in vectors:
        if kind == "master":
            master = bytes.fromhex(v["secret"])
            if c.cli:
                master_path = c.master_file(v["secret"])
        elif kind == "key":
            cp, ver = v["charge_point_id"], int(v["version"])
            k = pile_key(master, cp, ver)
            keys[(cp, ver)] = k
            c.expect("key %s v%d" % (cp, ver), k.hex(), v["hex"])
            if c.cli:
                rc, out, _ = c.run_cli("derive-key", "--master-key-file", master_path, "--charge-point-id", cp,
                                       "--key-version", str(ver))
                c.expect("cli derive-key %s v%d" % (cp, ver), (rc, out.strip()), (0, v["hex"]))
            if "check" in v:
                c.expect("key check value %s v%d" % (cp, ver), key_check_value(k, cp, ver), v["check"])
                if c.cli:
                    rc, out, _ = c.run_cli("derive-key", "--master-key-file", master_path, "--charge-point-id", cp,
                                           "--key-version", str(ver), "--key-spec")
                    c.expect("cli derive-key --key-spec %s v%d" % (cp, ver), (rc, out.strip()),
                             (0, "%d:%s:%s" % (ver, v["hex"], v["check"])))
        elif kind == "code":
            cp, ver = v["charge_point_id"], int(v["version"])
            issued = rfc3339(v["issued_at"])
            hours = int(v["valid_hours"])
            cap_wh = v.get("cap_wh", "none")
            cap = 0 if cap_wh == "none" else cap_step_at_most(int(cap_wh))
            exp = expiry_hours_for(issued, hours)
            c.expect("%s expiry_hours" % v["name"], exp, int(v["expiry_hours"]))
            c.expect("%s expires_at" % v["name"], format_time(EPOCH + HOUR * exp), v["expires_at"])
            c.expect("%s cap_step" % v["name"], cap, int(v["cap_step"]))
            msg = mac_input(cp, ver, int(v["serial"]), exp, int(v["connector"]), cap)
            if "mac_input" in v:
                c.expect("%s mac_input" % v["name"], msg.hex(), v["mac_input"])
            code, payload, mac = encode(keys[(cp, ver)], cp, ver, int(v["serial"]), exp, int(v["connector"]), cap)
            c.expect("%s mac" % v["name"], mac, int(v["mac"]))
            c.expect("%s payload" % v["name"], payload, int(v["payload"]))
            c.expect("%s code" % v["name"], code, v["code"])
            codes[v["name"]] = v["code"]
            if c.cli:
                args = ["issue", "--master-key-file", master_path, "--charge-point-id", cp, "--key-version", str(ver),
                        "--connector", v["connector"], "--serial", v["serial"], "--valid-hours", str(hours),
                        "--now", v["issued_at"]]
                if cap_wh != "none":
                    args += ["--energy-cap-wh", cap_wh]
                rc, out, _ = c.run_cli(*args)
                c.expect("cli issue %s" % v["name"], (rc, out.strip()), (0, v["code"]))
        elif kind == "verify":
            cp = v["charge_point_id"]
            versions = [int(x) for x in v["keys"].split(",")]
            ring = {ver: keys[(cp, ver)] for ver in versions}
            typed = v["typed"] if "typed" in v else codes[v["code"]]
            now = rfc3339(v["now"])
            trusted = v["clock"] == "trusted"
            verdict, fields = verify(typed, ring, cp, int(v["connector"]), now, trusted)
            c.expect("verify %s" % v["name"], verdict, v["verdict"])
            if c.cli:
                # The CLI holds keys V and V-1 for --key-version V, as a pile does.
                top = max(versions)
                c.expect("vector %s keys expressible by the CLI" % v["name"], sorted(versions), sorted({top, top - 1} - {0}))
                args = ["verify", "--master-key-file", master_path, "--charge-point-id", cp, "--key-version", str(top),
                        "--connector", v["connector"], "--now", v["now"], "--json", typed]
                if not trusted:
                    args.insert(-1, "--clock-untrusted")
                rc, out, _ = c.run_cli(*args)
                c.expect("cli verify %s exit code" % v["name"], rc, 0 if verdict == "accepted" else 1)
                c.expect("cli verify %s reason" % v["name"], '"reason": "%s"' % verdict in out, True)
                if fields:
                    c.expect("cli verify %s expires_at" % v["name"],
                             '"expires_at": "%s"' % format_time(EPOCH + HOUR * fields["expiry_hours"]) in out, True)
        elif kind == "replay":
            w = ReplayWindow()
            for step in v["steps"].split(","):
                serial, _, want = step.partition(":")
                c.expect("replay serial %s" % serial, w.accept(int(serial)), want)
        elif kind == "security":
            p = 2.0 ** -int(v["mac_bits"])
            attempts = int(v["budget"]) + 366 * 24 * HOUR // int(v["refill_seconds"])
            c.expect("attempts per year", attempts, int(v["attempts_per_year"]))
            c.expect("expected years", "%.1f" % (2 ** int(v["mac_bits"]) / attempts), v["expected_years"])
            c.expect("P(1 year) %", "%.2f" % (100 * -math.expm1(attempts * math.log1p(-p))), v["p_1_year_percent"])
            c.expect("P(10 years) %", "%.1f" % (100 * -math.expm1(10 * attempts * math.log1p(-p))),
                     v["p_10_years_percent"])
        else:
            c.expect("vector kind", kind, "known")
    print("%d checks, %d mismatches (%d vectors from %s%s)" % (
        c.checks, c.failures, len(vectors), opts.spec, ", CLI " + opts.cli if opts.cli else ""))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
