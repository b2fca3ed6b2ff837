#!/usr/bin/env bash
# Stripped sizes of ocpp-chargepoint and ocpp-cpctl for the pile controllers' architectures
# (bench/RESULTS.md, "Binary size on ARM"): the cross builds build/cross-aarch64 and build/cross-armhf
# (tools/cross-build.sh) beside the amd64 release build (build/release) as the comparison, each
# stripped with its own architecture's strip into a temporary folder. Also the dynamic libraries each
# program needs (readelf), which a target image must have. Builds nothing: run the three builds
# first, or give SIZE_DIRS="arch=dir ..." to measure other ones.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dirs="${SIZE_DIRS:-amd64=build/release aarch64=build/cross-aarch64 armhf=build/cross-armhf}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

strip_for() {
  case "$1" in
    amd64) echo strip ;;
    aarch64) echo aarch64-linux-gnu-strip ;;
    armhf) echo arm-linux-gnueabihf-strip ;;
    *) echo "run_sizes: unknown architecture $1" >&2; exit 1 ;;
  esac
}

printf '%-8s %-18s %12s %12s  %s\n' arch program unstripped stripped "NEEDED"
for entry in $dirs; do
  arch="${entry%%=*}" dir="${entry#*=}"
  for prog in ocpp-chargepoint ocpp-cpctl; do
    bin="$dir/bin/$prog"
    if [ ! -x "$bin" ]; then
      printf '%-8s %-18s %12s\n' "$arch" "$prog" "missing ($bin)"
      continue
    fi
    "$(strip_for "$arch")" -o "$tmp/$arch-$prog" "$bin"
    needed="$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"
    printf '%-8s %-18s %12d %12d  %s\n' "$arch" "$prog" "$(stat -c %s "$bin")" "$(stat -c %s "$tmp/$arch-$prog")" "$needed"
  done
  grep -m1 -E '^CMAKE_CXX_FLAGS_RELEASE:' "$dir/CMakeCache.txt" 2>/dev/null | sed "s/^/$arch: /" || true
done
