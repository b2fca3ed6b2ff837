#!/usr/bin/env bash
# Makes the certificates of the TLS tests, fresh each run, in directory $1:
#   ca.pem/ca.key           the test root
#   server.pem/server.key   CN/SAN localhost and 127.0.0.1, signed by the root
#   wronghost.pem/.key      SAN other.example only, signed by the root
#   client.pem/client.key   a charge point certificate (CN = CP-TLS), signed by the root
#   rogue-ca.pem, rogue-server.pem/.key, rogue-client.pem/.key: the same under an untrusted root
set -euo pipefail
d="$1"
mkdir -p "$d"
cd "$d"
days=2
root() {  # name
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.pem" \
    -days $days -subj "/CN=$1" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    2>/dev/null
}
leaf() {  # name ca cn san usage
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$3" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\nbasicConstraints=CA:FALSE\n' "$4" "$5" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -out "$1.pem" -days $days \
    -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
root ca
root rogue-ca
leaf server ca localhost "DNS:localhost,IP:127.0.0.1" serverAuth
leaf wronghost ca other.example "DNS:other.example" serverAuth
leaf client ca CP-TLS "DNS:CP-TLS" clientAuth
leaf rogue-server rogue-ca localhost "DNS:localhost,IP:127.0.0.1" serverAuth
leaf rogue-client rogue-ca CP-TLS "DNS:CP-TLS" clientAuth
