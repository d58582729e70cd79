#!/usr/bin/env bash
# Makes what the production overlay's secretGenerator reads, in overlays/production/secrets/ (kept out of git):
#   jwt-secret                      the secret viewer tokens are signed with (HS256), for danmaku and chat
#   ingest-admin-token              INGEST_ADMIN_TOKEN, which RoomsService callers send
#   monitoring-admin-token          MONITORING_ADMIN_TOKEN, which the dashboard's admin actions require
#   danmaku-service-token, chat-service-token
#                                   DANMAKU_SERVICE_TOKEN, CHAT_SERVICE_TOKEN, for gRPC calls that post or moderate
#   ca.crt, ca.key                  an internal CA (EC P-256, 10 years); only ca.crt goes into the cluster
#   <workload>.crt, <workload>.key  one certificate per workload, signed by that CA, for its Service's names
#   public.crt, public.key          RTMPS and HTTPS for the public host name, signed by the same CA: a stand-in
#                                   until you put a publicly trusted certificate there
# Tokens are 32 random bytes as hex, without a line break (they reach the services as environment variables).
# Files that exist are kept, so running it again changes nothing; delete one to make it anew.
# Usage: deploy/k8s/make-secrets.sh [--namespace onair] [--public-host live.example.com] [--out DIR]
set -euo pipefail

namespace=onair
public_host=live.example.com
out="$(dirname "$0")/overlays/production/secrets"
while [ $# -gt 0 ]; do
  case "$1" in
    --namespace) namespace="$2"; shift 2 ;;
    --public-host) public_host="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: $0 [--namespace NS] [--public-host HOST] [--out DIR]" >&2; exit 2 ;;
  esac
done
command -v openssl >/dev/null || { echo "make-secrets.sh: openssl is missing (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$out"
cd "$out"
umask 077

token() {
  [ -e "$1" ] && return
  openssl rand -hex 32 | tr -d '\n' >"$1"
  echo "made $1"
}

# A certificate signed by the CA: $1 file stem, $2 common name, $3 subjectAltName.
signed() {
  [ -e "$1.crt" ] && return
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -subj "/CN=$2" \
    -out "$1.csr" 2>/dev/null
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n%s\nsubjectAltName=%s\n' \
    'extendedKeyUsage=serverAuth,clientAuth' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -sha256 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
  echo "made $1.crt"
}

token jwt-secret
token ingest-admin-token
token monitoring-admin-token
token danmaku-service-token
token chat-service-token

if [ ! -e ca.crt ]; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt \
    -days 3650 -sha256 -subj "/CN=Onair internal CA" \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
  echo "made ca.crt (keep ca.key somewhere safe; the cluster never needs it)"
fi

for workload in ingest relay-origin relay-edge danmaku chat monitoring; do
  names="DNS:$workload,DNS:$workload.$namespace,DNS:$workload.$namespace.svc,DNS:$workload.$namespace.svc.cluster.local"
  # Monitoring polls itself on 127.0.0.1.
  names="$names,DNS:localhost,IP:127.0.0.1"
  signed "$workload" "$workload" "$names"
done
signed public "$public_host" "DNS:$public_host"
