#!/usr/bin/env bash
# Makes a development CA and one certificate per service for mTLS on internal gRPC, with Debian's openssl.
#
#   deploy/tls/make-dev-certs.sh [--keep] [--owner uid:gid] [out-dir] [service[=host,...]...]
#
# out-dir defaults to .onair/tls; the services to ingest relay danmaku chat monitoring cli. For each service it
# writes <service>.crt and <service>.key (EC P-256, 1 year): subject CN=<service> (the name peers check), subject
# alternative names DNS:<service>, DNS:<host> for each host listed after "=" (the replicas' host names, e.g.
# "relay=relay-origin,relay-edge-1"), DNS:localhost, IP:127.0.0.1 and any in ONAIR_TLS_EXTRA_SANS (comma-separated,
# e.g. "DNS:chat.onair.svc.cluster.local"), usable as server and as client (extendedKeyUsage serverAuth, clientAuth).
# ca.crt / ca.key (10 years) are made once and kept: run it again to add services or renew their certificates.
#
#   --keep           keep a service's certificate and key when they are there, signed by this CA, valid for 30 more
#                    days and naming the same alternative names; make the others (docker-compose.yml's dev-certs
#                    service runs this way on every `up`)
#   --owner uid:gid  give the services' keys and certificates to this user (the one the services run as, e.g.
#                    1000:1000 in the Onair images); ca.key stays with the caller
#
# Keys are written 0600. Development only: keep ca.key away from production, where a real CA signs.
set -euo pipefail

say() { echo "make-dev-certs: $*" >&2; }

keep=false
owner=''
while [ $# -gt 0 ]; do
  case "$1" in
    --keep) keep=true; shift ;;
    --owner)
      [[ "${2:-}" =~ ^[0-9]+:[0-9]+$ ]] || { say "--owner wants uid:gid, e.g. 1000:1000"; exit 1; }
      owner="$2"; shift 2 ;;
    --) shift; break ;;
    -*) say "unknown option $1"; exit 1 ;;
    *) break ;;
  esac
done

out="${1:-.onair/tls}"
shift || true
services=("$@")
[ "${#services[@]}" -gt 0 ] || services=(ingest relay danmaku chat monitoring cli)

command -v openssl >/dev/null 2>&1 || { say "openssl not found (apt-get install openssl)"; exit 1; }
mkdir -p "$out"
umask 077

if [ ! -s "$out/ca.key" ] || [ ! -s "$out/ca.crt" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -subj "/CN=Onair development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
  echo "make-dev-certs: made the CA $out/ca.crt"
fi

# current <service> <sans>: whether <service>'s certificate and key are there, signed by the CA, valid for 30 more
# days and name exactly <sans> (openssl prints IP:x as "IP Address:x").
current() {
  local crt="$out/$1.crt" want have
  [ -s "$crt" ] && [ -s "$out/$1.key" ] || return 1
  openssl verify -CAfile "$out/ca.crt" "$crt" >/dev/null 2>&1 || return 1
  openssl x509 -in "$crt" -noout -checkend $((30 * 86400)) >/dev/null || return 1
  want="$(sed 's/IP:/IPAddress:/g' <<<"$2" | tr -d ' ')"
  have="$(openssl x509 -in "$crt" -noout -ext subjectAltName 2>/dev/null | tail -n +2 | tr -d ' ')"
  [ "$have" = "$want" ]
}

name='[a-z0-9][a-z0-9-]*'
for arg in "${services[@]}"; do
  [[ "$arg" =~ ^$name(=$name(,$name)*)?$ ]] || { say "bad service '$arg' (want name or name=host,host)"; exit 1; }
  service="${arg%%=*}"
  hosts=''
  if [ "$service" != "$arg" ]; then
    IFS=, read -ra aliases <<<"${arg#*=}"
    for host in "${aliases[@]}"; do hosts+="DNS:$host,"; done
  fi
  sans="DNS:$service,${hosts}DNS:localhost,IP:127.0.0.1${ONAIR_TLS_EXTRA_SANS:+,$ONAIR_TLS_EXTRA_SANS}"
  if $keep && current "$service" "$sans"; then
    echo "make-dev-certs: kept $out/$service.crt"
  else
    ext="$(mktemp)"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=$sans" >"$ext"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$service" \
      -keyout "$out/$service.key" -out "$out/$service.csr" 2>/dev/null
    openssl x509 -req -in "$out/$service.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial -days 365 \
      -extfile "$ext" -out "$out/$service.crt" 2>/dev/null
    rm -f "$ext" "$out/$service.csr"
    echo "make-dev-certs: $out/$service.crt ($sans)"
  fi
  [ -z "$owner" ] || chown "$owner" "$out/$service.crt" "$out/$service.key"
done
chmod 0644 "$out"/*.crt
chmod 0755 "$out"
