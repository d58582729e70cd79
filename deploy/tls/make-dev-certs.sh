#!/usr/bin/env bash
# Makes a development CA and one certificate per service for mTLS on internal gRPC, with Debian's openssl.
#
#   deploy/tls/make-dev-certs.sh [out-dir] [service...]
#
# out-dir defaults to .onair/tls; the services to ingest relay danmaku chat monitoring cli. For each service it
# writes <service>.crt and <service>.key (EC P-256, 1 year): subject CN=<service> (the name peers check), subject
# alternative names DNS:<service>, DNS:localhost, IP:127.0.0.1 and any in ONAIR_TLS_EXTRA_SANS (comma-separated, e.g.
# "DNS:chat.onair.svc.cluster.local"), usable as server and as client (extendedKeyUsage serverAuth, clientAuth).
# ca.crt / ca.key (10 years) are made once and kept: run it again to add services or renew their certificates.
# Keys are written 0600. Development only: keep ca.key away from production, where a real CA signs.
set -euo pipefail

out="${1:-.onair/tls}"
shift || true
services=("$@")
[ "${#services[@]}" -gt 0 ] || services=(ingest relay danmaku chat monitoring cli)

command -v openssl >/dev/null 2>&1 || { echo "make-dev-certs: openssl not found (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"
umask 077

if [ ! -s "$out/ca.key" ] || [ ! -s "$out/ca.crt" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=Onair development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
  echo "make-dev-certs: made the CA $out/ca.crt"
fi

for service in "${services[@]}"; do
  [[ "$service" =~ ^[a-z0-9][a-z0-9-]*$ ]] || { echo "make-dev-certs: bad service name '$service'" >&2; exit 1; }
  sans="DNS:$service,DNS:localhost,IP:127.0.0.1${ONAIR_TLS_EXTRA_SANS:+,$ONAIR_TLS_EXTRA_SANS}"
  ext="$(mktemp)"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=$sans" >"$ext"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$service" \
    -keyout "$out/$service.key" -out "$out/$service.csr" 2>/dev/null
  openssl x509 -req -in "$out/$service.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days 365 \
    -extfile "$ext" -out "$out/$service.crt" 2>/dev/null
  rm -f "$ext" "$out/$service.csr"
  echo "make-dev-certs: $out/$service.crt ($sans)"
done
chmod 0644 "$out"/*.crt
