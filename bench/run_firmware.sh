#!/usr/bin/env bash
# Download and signature check of a 50 MB firmware image (issue 13): through the daemon's path
# (bench/firmware_bench.cpp: FirmwareUpdate, CurlTransfer, the SQLite store, the signature check
# off the loop) beside `curl` + `openssl dgst -sha256 -verify` of the same file from the same
# loopback server, and beside the same with `sync FILE` between them (the daemon flushes the image
# to disk before it takes its name), alternating, RUNS times each; wall time and peak RSS by /usr/bin/time, and the
# event loop's timer latency during the update. Release build.
# Usage: bench/run_firmware.sh [MB (default 50)] [RUNS (default 5)]
# BUILD_DIR (default build/release) is where the release preset builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mb="${1:-50}"
runs="${2:-5}"
build_dir="${BUILD_DIR:-build/release}"
cmake --preset release -B "$build_dir" >/dev/null
cmake --build "$build_dir" --target bench_firmware >/dev/null
bench="$PWD/$build_dir/bin/bench_firmware"

work="$(mktemp -d)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# The PKI and the signed image.
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 2 -subj /CN=BenchRoot 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout signer.key -out signer.csr -subj /CN=BenchSigner 2>/dev/null
openssl x509 -req -in signer.csr -CA root.pem -CAkey root.key -CAcreateserial -days 2 -out signer.pem 2>/dev/null
openssl x509 -in signer.pem -pubkey -noout > signer.pub
mkdir -p www
head -c "$((mb * 1024 * 1024))" /dev/urandom > www/image.bin
openssl dgst -sha256 -sign signer.key -out image.sig www/image.bin
base64 -w0 image.sig > image.sig.b64

python3 -m http.server 0 --bind 127.0.0.1 --directory www > server.log 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  port="$(sed -n 's/.*port \([0-9]*\).*/\1/p' server.log | head -1)"
  [ -n "$port" ] && break
  sleep 0.1
done
url="http://127.0.0.1:$port/image.bin"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "image: $mb MiB, $runs runs each, alternating"
base_t=(); base_m=(); sync_t=(); ours_t=(); ours_m=()
for i in $(seq "$runs"); do
  rm -f out.bin
  /usr/bin/time -f "%e %M" -o base.time sh -c \
    "curl -sf -o out.bin '$url' && openssl dgst -sha256 -verify signer.pub -signature image.sig out.bin >/dev/null"
  read -r t m < base.time
  base_t+=("$t"); base_m+=("$m")
  rm -f out.bin
  /usr/bin/time -f "%e %M" -o sync.time sh -c \
    "curl -sf -o out.bin '$url' && sync out.bin && openssl dgst -sha256 -verify signer.pub -signature image.sig out.bin >/dev/null"
  read -r t m < sync.time
  sync_t+=("$t")
  rm -rf state && mkdir -p state/certificates/ManufacturerRootCertificate && cp root.pem state/certificates/ManufacturerRootCertificate/
  /usr/bin/time -f "%e %M" -o ours.time "$bench" --state-dir "$work/state" --url "$url" --cert signer.pem \
    --signature image.sig.b64 > ours.json
  read -r t m < ours.time
  ours_t+=("$t"); ours_m+=("$m")
  echo "run $i: curl+openssl ${base_t[-1]} s ${base_m[-1]} KiB | curl+sync+openssl ${sync_t[-1]} s | bench_firmware ${t} s ${m} KiB $(cat ours.json)"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bt="$(median "${base_t[@]}")"; ot="$(median "${ours_t[@]}")"; st="$(median "${sync_t[@]}")"
bm="$(median "${base_m[@]}")"; om="$(median "${ours_m[@]}")"
echo "median: curl+openssl $bt s, peak RSS $bm KiB (largest process) | curl+sync+openssl $st s | bench_firmware $ot s, peak RSS $om KiB"
awk -v o="$ot" -v b="$bt" -v s="$st" 'BEGIN { printf "time ratio bench_firmware / (curl + openssl): %.2f; / (curl + sync + openssl): %.2f\n", o / b, o / s }'
