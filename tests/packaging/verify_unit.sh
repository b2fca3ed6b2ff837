#!/usr/bin/env bash
# ctest packaging_systemd_verify: the unit, the sysusers.d and the tmpfiles.d files as systemd reads
# them. `systemd-analyze verify` exits 0 on many errors (a value it cannot parse is a warning), so
# any output at all fails the test. The security exposure must stay at 2.0 or below.
# Usage: verify_unit.sh PACKAGING_DIR DAEMON_BINARY. Exit 77 (ctest SKIP_RETURN_CODE): no systemd.
set -u
pkg="$1" daemon="$2"
for tool in systemd-analyze systemd-sysusers systemd-tmpfiles; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed (Debian package systemd)"; exit 77; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failed=0

# ExecStart must name an executable that exists: the built daemon stands in for /usr/bin's.
sed "s|^ExecStart=/usr/bin/ocpp-chargepoint |ExecStart=$daemon |" "$pkg/systemd/ocpp-chargepoint.service" \
  > "$tmp/ocpp-chargepoint.service"
grep -q "^ExecStart=$daemon " "$tmp/ocpp-chargepoint.service" || { echo "FAIL: no ExecStart=/usr/bin/ocpp-chargepoint line"; exit 1; }
out="$(systemd-analyze verify "$tmp/ocpp-chargepoint.service" 2>&1)"
if [ -n "$out" ]; then
  echo "FAIL: systemd-analyze verify said:"; echo "$out"; failed=1
fi

# --offline (systemd >= 250) reads the file without asking a running systemd.
if out="$(systemd-analyze security --offline=true --no-pager "$tmp/ocpp-chargepoint.service" 2>&1)"; then
  score="$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')"
  echo "systemd-analyze security: exposure $score"
  if [ -z "$score" ] || ! awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
    echo "FAIL: exposure '${score}' is above 2.0"; failed=1
  fi
else
  echo "note: systemd-analyze security --offline not supported here; exposure not checked"
fi

# The user and the folder, made in an empty root as the package's postinst makes them.
mkdir -p "$tmp/root/etc" "$tmp/root/var/lib"
if ! out="$(systemd-sysusers --root="$tmp/root" "$pkg/systemd/ocpp-chargepoint.sysusers.conf" 2>&1)" ||
   ! grep -q '^ocpp-chargepoint:x:[0-9]*:[0-9]*:.*:/var/lib/ocpp-chargepoint:' "$tmp/root/etc/passwd" ||
   ! grep -q '^dialout:x:[0-9]*:.*ocpp-chargepoint' "$tmp/root/etc/group"; then
  echo "FAIL: systemd-sysusers: $out"; failed=1
fi
if ! out="$(systemd-tmpfiles --root="$tmp/root" --create "$pkg/systemd/ocpp-chargepoint.tmpfiles.conf" 2>&1)" ||
   [ "$(stat -c %a "$tmp/root/var/lib/ocpp-chargepoint" 2>/dev/null)" != 750 ]; then
  echo "FAIL: systemd-tmpfiles: $out"; failed=1
fi
[ "$failed" = 0 ] && echo "OK: unit, sysusers.d and tmpfiles.d files"
exit "$failed"
