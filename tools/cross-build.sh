#!/usr/bin/env bash
# Cross-builds the release binaries and the unit tests for an ARM pile controller:
#   tools/cross-build.sh aarch64|armhf [--test|--configure-only]
# into build/cross-<arch>/ (binaries in build/cross-<arch>/bin). The target's libraries come from a
# Debian bookworm sysroot made with mmdebstrap in build/sysroot-<arch>/ (Debian's multiarch cannot
# install libwebsockets-dev of two architectures side by side), remade only when its package list
# changes. The compilers are Debian's g++-aarch64-linux-gnu / g++-arm-linux-gnueabihf, the toolchain
# files cmake/toolchain-<arch>.cmake. The test programs run under qemu-user through
# CMAKE_CROSSCOMPILING_EMULATOR: `ctest --test-dir build/cross-<arch>`, or --test here.
#
# Host packages come from `tools/setup.sh --cross`. The build runs under its own lock
# (/tmp/ocpp-cross.lock, not the host builds' /tmp/ocpp-build.lock), at nice 10, with
# OCPP_CROSS_JOBS (default 2) jobs. OCPP_CROSS_MIRROR overrides the Debian mirror. It is a unity
# build (CMake combines each target's sources by eight), as the dev and asan presets are: less than
# half the compile time from nothing; OCPP_UNITY_BUILD=OFF compiles every file alone.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() { echo "usage: tools/cross-build.sh aarch64|armhf [--test|--configure-only]" >&2; exit 2; }
[ $# -ge 1 ] || usage
arch="$1"; shift
run_tests=0 configure_only=0
for a in "$@"; do
  case "$a" in
    --test) run_tests=1 ;;
    --configure-only) configure_only=1 ;;
    *) usage ;;
  esac
done
case "$arch" in
  aarch64) debarch=arm64; triplet=aarch64-linux-gnu ;;
  armhf)   debarch=armhf; triplet=arm-linux-gnueabihf ;;
  *) echo "cross-build: unknown architecture '$arch' (aarch64 or armhf)" >&2; usage ;;
esac

# One cross build at a time, at low priority, beside (not behind) the host builds.
if [ "${OCPP_CROSS_LOCKED:-}" != 1 ]; then
  command -v flock >/dev/null || { echo "cross-build: flock (util-linux) is missing" >&2; exit 1; }
  echo "cross-build: waiting for /tmp/ocpp-cross.lock" >&2
  export OCPP_CROSS_LOCKED=1
  exec flock /tmp/ocpp-cross.lock nice -n 10 "$0" "$arch" "$@"
fi

"$here/tools/setup.sh" --cross
for tool in mmdebstrap "$triplet-g++" cmake ninja pkg-config; do
  command -v "$tool" >/dev/null || { echo "cross-build: $tool not found after tools/setup.sh --cross" >&2; exit 1; }
done

jobs="${OCPP_CROSS_JOBS:-2}"
# Paths under the source tree hashed relative to the build directory: another build directory of
# the same depth (packaging/yocto/check-recipe.sh's) reuses the compiled objects.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$here}"
mirror="${OCPP_CROSS_MIRROR:-http://deb.debian.org/debian}"
security="${OCPP_CROSS_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
sysroot="$here/build/sysroot-$arch"
builddir="$here/build/cross-$arch"

# The target's -dev packages (what CMakeLists.txt finds) plus the C and C++ runtime headers. Google
# Benchmark is left out: the benchmarks are not built for the target (OCPP_BUILD_BENCH=OFF).
packages=(
  libc6-dev libstdc++-12-dev
  libwebsockets-dev rapidjson-dev libsqlite3-dev libssl-dev libboost-dev libmodbus-dev
  libpq-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev
)
sources="deb $mirror bookworm main
deb $mirror bookworm-updates main
deb $security bookworm-security main"
want="$(printf 'arch=%s\npackages=%s\nsources=%s\n' "$debarch" "${packages[*]}" "$sources")"

if [ ! -f "$sysroot/.ocpp-sysroot" ] || [ "$(cat "$sysroot/.ocpp-sysroot")" != "$want" ]; then
  echo "cross-build: making the $debarch sysroot in $sysroot (mmdebstrap, Debian bookworm)"
  rm -rf "$sysroot" "$sysroot.new"
  mkdir -p "$here/build"
  # extract: the packages and their dependencies are unpacked, no maintainer script runs, so no
  # emulation is needed and the tree is only a place to compile against and load libraries from.
  if ! mmdebstrap --quiet --variant=extract --architectures="$debarch" \
         --include="$(IFS=,; echo "${packages[*]}")" bookworm "$sysroot.new" "$sources"; then
    rm -rf "$sysroot.new"
    echo "cross-build: mmdebstrap failed to make the $debarch sysroot (network? mirror $mirror)" >&2
    exit 1
  fi
  # Absolute symbolic links would point into the build host's root: make them relative.
  while IFS= read -r -d '' link; do
    target="$(readlink "$link")"
    case "$target" in
      /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$sysroot.new$target")" "$link" ;;
    esac
  done < <(find "$sysroot.new" -type l -print0)
  printf '%s' "$want" > "$sysroot.new/.ocpp-sysroot"
  mv "$sysroot.new" "$sysroot"
fi
# qemu-user looks a path up under its -L prefix (the sysroot) before the host's: the device nodes
# mmdebstrap makes there would shadow the host's, and its /dev/ptmx, outside any devpts mount,
# fails with ENODEV, so every test on a pseudo-terminal (Modbus RTU) failed under emulation. The
# sysroot is only compiled against and loaded from: it needs no /dev.
rm -rf "$sysroot/dev"

# Warnings are errors, except two flow-analysis warnings that GCC 12 gives at -O2 for library code
# inlined into ours, differently per target: -Wnull-dereference inside RapidJSON's AddMember
# (aarch64, not amd64) and -Wmaybe-uninitialized on moving a std::optional<std::string>. They are
# still printed. The dev preset (-O0, every warning an error) is where the project's code is held
# to the whole list.
no_error="-Wno-error=null-dereference -Wno-error=maybe-uninitialized"
echo "cross-build: configuring $builddir"
cmake -G Ninja -S "$here" -B "$builddir" \
  -DCMAKE_TOOLCHAIN_FILE="$here/cmake/toolchain-$arch.cmake" \
  -DOCPP_SYSROOT="$sysroot" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS="$no_error" \
  -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_C_FLAGS_RELEASE="-O2 -DNDEBUG" \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_UNITY_BUILD="${OCPP_UNITY_BUILD:-ON}" \
  -DOCPP_WARNINGS_AS_ERRORS=ON -DOCPP_BUILD_TESTS=ON -DOCPP_BUILD_BENCH=OFF >/dev/null
if [ "$configure_only" = 1 ]; then
  echo "cross-build: configured $builddir (--configure-only: not built)"
  exit 0
fi
echo "cross-build: building with $jobs jobs"
cmake --build "$builddir" -j "$jobs"
echo "cross-build: done: $builddir/bin"

if [ "$run_tests" = 1 ]; then
  ctest --test-dir "$builddir" -j "$jobs" --output-on-failure --timeout 600
fi
