#!/bin/sh
# Refreshes the OCPP JSON schemas from the npm package ocpp-rpc (see README.md).
#
#   schemas/refresh.sh [--check] [VERSION]
#
# VERSION defaults to 2.2.1, the version README.md records (keep the two in step). The package is
# fetched with `npm pack` into a temporary directory; lib/schemas/ocpp1_6.json, ocpp2_0_1.json and
# ocpp2_1.json are copied verbatim to v16/, v201/ and v21/, and the package licence to
# LICENSE.ocpp-rpc. With --check nothing is copied: the script only reports whether the files here
# match the package (exit 1 if not). Needs npm, tar and diff.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
version=${1:-2.2.1}

for tool in npm tar diff; do
  command -v "$tool" >/dev/null 2>&1 || { echo "refresh.sh: $tool is required" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

echo "Fetching ocpp-rpc@$version ..."
(cd "$work" && npm pack --silent "ocpp-rpc@$version" >/dev/null)
tarball=$(find "$work" -maxdepth 1 -name 'ocpp-rpc-*.tgz' | head -n 1)
tar -xzf "$tarball" -C "$work"
package="$work/package"

licence=$(find "$package" -maxdepth 1 -name 'LICENSE*' | head -n 1)
if [ -z "$licence" ]; then
  echo "refresh.sh: the package has no LICENSE file" >&2
  exit 1
fi

changed=0
# source-in-package destination-here
for pair in \
  "lib/schemas/ocpp1_6.json v16/ocpp1_6.json" \
  "lib/schemas/ocpp2_0_1.json v201/ocpp2_0_1.json" \
  "lib/schemas/ocpp2_1.json v21/ocpp2_1.json" \
  "${licence#"$package"/} LICENSE.ocpp-rpc"; do
  src="$package/${pair%% *}"
  dst="$here/${pair#* }"
  if [ ! -f "$src" ]; then
    echo "refresh.sh: ${pair%% *} is missing from ocpp-rpc@$version" >&2
    exit 1
  fi
  if [ -f "$dst" ] && cmp -s "$src" "$dst"; then
    echo "  unchanged  ${pair#* }"
    continue
  fi
  changed=1
  if [ -f "$dst" ]; then
    lines=$(diff "$dst" "$src" | grep -c '^[<>]' || true)
    echo "  changed    ${pair#* } ($lines lines differ)"
  else
    echo "  new        ${pair#* }"
  fi
  if [ "$check" -eq 0 ]; then
    mkdir -p "$(dirname "$dst")"
    cp "$src" "$dst"
  fi
done

if [ "$changed" -eq 0 ]; then
  echo "Schemas match ocpp-rpc@$version."
elif [ "$check" -eq 1 ]; then
  echo "Schemas differ from ocpp-rpc@$version (nothing copied: --check)."
  exit 1
else
  echo "Copied from ocpp-rpc@$version. Update the version in schemas/README.md, rebuild and run the"
  echo "schema tests (unit_schema); the typed messages are generated from these files too."
fi
