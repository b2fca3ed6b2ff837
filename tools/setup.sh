#!/usr/bin/env bash
# Installs what the build and the tests need: Debian packages (apt-get) and the npm test peers.
# Idempotent and quiet when everything is already there. Both README commands call it.
# chromium (with a font to render text) is the real browser of the driver pages' test (tests/browser).
# systemd gives systemd-analyze, -sysusers and -tmpfiles to tests/packaging (it installs cleanly in a
# container without becoming its init: checked with mmdebstrap --include=systemd bookworm).
# libcurl moves firmware images and log archives over HTTP(S) off the event loop (chargepoint/transfer);
# libpq is the PostgreSQL backend of the server side, and postgresql gives the tests a throwaway cluster
# (initdb, pg_ctl).
# `setup.sh --fuzz` (tools/fuzz.sh) also installs clang 14 and its runtime libraries, which hold
# libFuzzer and the sanitizers for clang (libclang-rt-14-dev is only recommended by clang-14, and
# recommends are not installed here). `setup.sh --cross`: see below.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(
  build-essential cmake ninja-build ccache pkg-config git python3 openssl ca-certificates
  libwebsockets-dev rapidjson-dev libsqlite3-dev sqlite3 libssl-dev libboost-dev libmodbus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium fonts-dejavu-core
  systemd
  libcurl4-openssl-dev libpq-dev postgresql
)
# Node.js runs the independent test peers (npm package ocpp-rpc). A machine that already has a
# node with npm (e.g. from another repository) keeps it; otherwise Debian's nodejs and npm.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
if [ "${1:-}" = "--fuzz" ]; then
  packages+=(clang-14 libclang-rt-14-dev)
fi
# `setup.sh --cross` (tools/cross-build.sh): the sysroot maker, Debian's ARM cross compilers and
# qemu-user to run the ARM test programs (no binfmt_misc registration needed).
if [ "${1:-}" = "--cross" ]; then
  packages+=(mmdebstrap qemu-user g++-aarch64-linux-gnu g++-arm-linux-gnueabihf)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A cross build runs no npm test (they need the host's binaries).
[ "${1:-}" = "--cross" ] && exit 0

# The test peers, pinned by tests/interop/peer/package-lock.json. Reinstalled when the lock changes.
peer="$here/tests/interop/peer"
if [ -f "$peer/package-lock.json" ]; then
  stamp="$peer/node_modules/.lock-stamp"
  if ! cmp -s "$peer/package-lock.json" "$stamp" 2>/dev/null; then
    echo "setup: installing npm test peers in tests/interop/peer"
    (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$peer/package-lock.json" "$stamp"
  fi
fi

# The driver pages' browser test (playwright-core driving Debian's chromium), pinned by
# tests/browser/package-lock.json. Reinstalled when the lock changes.
browser="$here/tests/browser"
if [ -f "$browser/package-lock.json" ]; then
  stamp="$browser/node_modules/.lock-stamp"
  if ! cmp -s "$browser/package-lock.json" "$stamp" 2>/dev/null; then
    echo "setup: installing npm packages of the browser test in tests/browser"
    (cd "$browser" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    cp "$browser/package-lock.json" "$stamp"
  fi
fi
