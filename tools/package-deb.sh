#!/usr/bin/env bash
# Makes the Debian package of the charge point (docs/integration.md):
#   tools/package-deb.sh                 amd64, from a release build of its own (build/package-amd64,
#                                        configured with the install prefix /usr)
#   tools/package-deb.sh aarch64|armhf   from the cross build build/cross-ARCH (tools/cross-build.sh)
#   tools/package-deb.sh --build-dir DIR [--output DIR]
#                                        the host's architecture, from the binaries of an existing
#                                        build (the ctest of tests/packaging packages the dev build)
# Prints the path of the .deb (build/ocpp-chargepoint_VERSION_ARCH.deb unless --output) last.
#
# A hand-made tree packed with dpkg-deb rather than CPack: the project's install() rules also
# install the protocol library, its headers and the reference CSMS, none of which belong on a pile
# controller, and the package needs maintainer scripts and a conffile either way.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { echo "usage: tools/package-deb.sh [amd64|aarch64|armhf] [--build-dir DIR] [--output DIR]" >&2; exit 2; }
arch="" build_dir="" output="$here/build"
while [ $# -gt 0 ]; do
  case "$1" in
    amd64|aarch64|armhf) arch="$1" ;;
    --build-dir) [ $# -ge 2 ] || usage; build_dir="$(cd "$2" && pwd)"; shift ;;
    --output) [ $# -ge 2 ] || usage; mkdir -p "$2"; output="$(cd "$2" && pwd)"; shift ;;
    *) usage ;;
  esac
  shift
done
for tool in dpkg-deb dpkg-shlibdeps readelf; do
  command -v "$tool" >/dev/null || { echo "package-deb: $tool not found (Debian packages dpkg, dpkg-dev, binutils: tools/setup.sh)" >&2; exit 1; }
done

host_arch="$(dpkg --print-architecture)"
strip_tool=strip
if [ -n "$build_dir" ]; then
  [ -z "$arch" ] || [ "$arch" = "$host_arch" ] || { echo "package-deb: --build-dir packages the host's architecture ($host_arch)" >&2; exit 2; }
  debarch="$host_arch"
elif [ -z "$arch" ] || [ "$arch" = amd64 ]; then
  [ "$host_arch" = amd64 ] || { echo "package-deb: an amd64 package is built on an amd64 host" >&2; exit 1; }
  debarch=amd64
  build_dir="$here/build/package-amd64"
  # The release preset's flags, installed under /usr: the daemon looks its meter maps up in the
  # data folder of the prefix it was configured with, so the binaries must be built for /usr.
  # Warnings are not errors here, as in the release preset: GCC 12 at -O2 reports
  # -Wmaybe-uninitialized false positives that -O0 does not.
  flock /tmp/ocpp-build.lock cmake -G Ninja -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
    -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DOCPP_WARNINGS_AS_ERRORS=OFF -DOCPP_BUILD_TESTS=OFF -DOCPP_BUILD_BENCH=OFF >/dev/null
  flock /tmp/ocpp-build.lock cmake --build "$build_dir" -j2 --target ocpp-chargepoint ocpp-cpctl ocpp-offline-code
else
  case "$arch" in
    aarch64) debarch=arm64; triplet=aarch64-linux-gnu ;;
    armhf) debarch=armhf; triplet=arm-linux-gnueabihf ;;
  esac
  build_dir="$here/build/cross-$arch"
  if [ ! -x "$build_dir/bin/ocpp-chargepoint" ]; then
    echo "package-deb: no cross build in $build_dir (missing bin/ocpp-chargepoint): run tools/cross-build.sh $arch first" >&2
    exit 1
  fi
  command -v "$triplet-strip" >/dev/null && strip_tool="$triplet-strip" || strip_tool=""
fi

programs=(ocpp-chargepoint ocpp-cpctl ocpp-offline-code)
for p in "${programs[@]}"; do
  [ -x "$build_dir/bin/$p" ] || { echo "package-deb: $build_dir/bin/$p is missing (build it first)" >&2; exit 1; }
done
prefix="$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)"
if [ "$prefix" != /usr ]; then
  # Only matters for the modbus driver's meter models given by name (docs/configuration.md).
  echo "package-deb: warning: $build_dir was configured with the install prefix '${prefix:-?}', not /usr:" \
       "its daemon finds meter models by name only with hal.meter_dir set to /usr/share/ocpp/meters" >&2
fi

# The Debian packages of the shared libraries the programs link. On the host, dpkg-shlibdeps (with
# the versions the symbols need). A cross build's sysroot holds no shlibs files (mmdebstrap
# --variant=extract), so there each NEEDED soname is looked up in the host's own copy of the
# library: Debian names a library's package the same on every architecture; no versions then.
runtime_depends() {
  if [ "$debarch" = "$host_arch" ]; then
    printf 'Source: ocpp-chargepoint\n\nPackage: ocpp-chargepoint\nArchitecture: any\n' > "$stage/debian/control"
    (cd "$stage" && dpkg-shlibdeps -O "${programs[@]/#/-edebian/ocpp-chargepoint/usr/bin/}") |
      sed -n 's/^shlibs:Depends=//p'
    return
  fi
  local sonames so path real candidate package packages=()
  sonames="$(for p in "${programs[@]}"; do readelf -d "$root/usr/bin/$p"; done |
             sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u)"
  for so in $sonames; do
    path="$(ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ {print $NF; exit}')"
    package=""
    if [ -n "$path" ]; then
      # The link ldconfig names, the file it points to, or that file without /usr: with merged
      # /usr, dpkg knows some libraries only by their /lib path.
      real="$(readlink -f "$path")"
      for candidate in "$path" "$real" "${real#/usr}"; do
        package="$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1)" && [ -n "$package" ] && break
      done
    fi
    [ -n "$package" ] || { echo "package-deb: cannot tell which Debian package holds $so (install its amd64 copy)" >&2; exit 1; }
    packages+=("$package")
  done
  printf '%s\n' "${packages[@]}" | sort -u | paste -sd, - | sed 's/,/, /g'
}

version="$(sed -n 's/^project(ocpp-chargepoint VERSION \([0-9.]*\).*/\1/p' "$here/CMakeLists.txt")"
stage="$output/deb-$debarch"
# dpkg-shlibdeps expects the tree under debian/PACKAGE beside a debian/control.
root="$stage/debian/ocpp-chargepoint"
rm -rf "$stage"
mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/ocpp/meters" "$root/usr/lib/systemd/system" \
         "$root/usr/lib/sysusers.d" "$root/usr/lib/tmpfiles.d" "$root/etc/ocpp-chargepoint" \
         "$root/usr/share/doc/ocpp-chargepoint"
for p in "${programs[@]}"; do
  install -m 0755 "$build_dir/bin/$p" "$root/usr/bin/$p"
  [ -z "$strip_tool" ] || "$strip_tool" --strip-unneeded "$root/usr/bin/$p"
done
install -m 0644 "$here"/hal/modbus/meters/*.json "$root/usr/share/ocpp/meters/"
pkg="$here/packaging"
install -m 0644 "$pkg/systemd/ocpp-chargepoint.service" "$root/usr/lib/systemd/system/"
install -m 0644 "$pkg/systemd/ocpp-chargepoint.sysusers.conf" "$root/usr/lib/sysusers.d/ocpp-chargepoint.conf"
install -m 0644 "$pkg/systemd/ocpp-chargepoint.tmpfiles.conf" "$root/usr/lib/tmpfiles.d/ocpp-chargepoint.conf"
install -m 0644 "$pkg/config/chargepoint.json" "$root/etc/ocpp-chargepoint/chargepoint.json"
install -m 0644 "$here/docs/integration.md" "$here/docs/configuration.md" "$root/usr/share/doc/ocpp-chargepoint/"
for script in postinst prerm postrm; do
  install -m 0755 "$pkg/debian/$script" "$root/DEBIAN/$script"
done
# deb-conffiles(5): dpkg keeps the integrator's edits of the configuration across upgrades.
echo /etc/ocpp-chargepoint/chargepoint.json > "$root/DEBIAN/conffiles"

depends="$(runtime_depends)"
cat > "$root/DEBIAN/control" <<EOF
Package: ocpp-chargepoint
Version: $version
Architecture: $debarch
Maintainer: ${OCPP_DEB_MAINTAINER:-OCPP charge point integrator <integrator@example.invalid>}
Section: net
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends, systemd
Description: OCPP 1.6J / 2.0.1 charge point daemon for pile controllers
 ocpp-chargepoint runs a charging pile against an OCPP CSMS: connector state
 machines, transactions kept in SQLite, offline charging codes, Modbus and
 CAN hardware drivers. ocpp-cpctl talks to it over its control socket;
 ocpp-offline-code makes and checks offline charging codes.
EOF

deb="$output/ocpp-chargepoint_${version}_${debarch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
