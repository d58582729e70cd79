#!/usr/bin/env bash
# Makes `docker compose` usable on a Debian machine that reaches Debian's package repositories but no image
# registry: installs the engine (Debian's docker.io: dockerd, containerd, runc, docker-init) when dockerd is
# missing, starts dockerd when no engine answers (as a background process when there is no systemd), and,
# when `docker compose` or `docker buildx` is missing, unpacks the docker-compose and docker-buildx debs of
# Debian trixie into Docker's CLI plugin folder. Packages are fetched and verified by apt (signed indexes),
# never from GitHub. Run as root. Idempotent: does nothing when everything is already there.
#
# Environment:
#   ONAIR_DEBIAN_MIRROR   Debian mirror (default http://deb.debian.org/debian)
#   ONAIR_DOCKERD_LOG     where a dockerd started here logs (default /var/log/onair-dockerd.log)
set -euo pipefail

MIRROR="${ONAIR_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
DOCKERD_LOG="${ONAIR_DOCKERD_LOG:-/var/log/onair-dockerd.log}"
PLUGIN_DIR=/usr/local/lib/docker/cli-plugins
tmp=""
trap '[ -z "$tmp" ] || rm -rf "$tmp"' EXIT

say() { echo "onair-airgap: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (it installs packages and starts dockerd)"
command -v apt-get >/dev/null 2>&1 || die "needs apt-get (Debian or Ubuntu)"
export DEBIAN_FRONTEND=noninteractive

install_engine() {
  command -v dockerd >/dev/null 2>&1 && return
  say "installing the Docker engine (Debian's docker.io)"
  apt-get update -qq
  # policy-rc.d may forbid starting services during the install; start_engine starts it below.
  apt-get install -y -qq --no-install-recommends docker.io iptables >/dev/null
}

engine_up() { docker info >/dev/null 2>&1; }

start_engine() {
  engine_up && return
  if [ -d /run/systemd/system ] && systemctl start docker 2>/dev/null && engine_up; then return; fi
  say "starting dockerd in the background (log: $DOCKERD_LOG)"
  nohup dockerd >"$DOCKERD_LOG" 2>&1 &
  for _ in $(seq 1 60); do
    engine_up && return
    sleep 0.5
  done
  tail -n 20 "$DOCKERD_LOG" >&2 || true
  die "dockerd did not answer within 30 s"
}

install_plugins() {
  local missing=()
  docker compose version >/dev/null 2>&1 || missing+=(docker-compose)
  docker buildx version >/dev/null 2>&1 || missing+=(docker-buildx)
  [ ${#missing[@]} -eq 0 ] && return
  say "installing ${missing[*]} from Debian trixie into $PLUGIN_DIR"
  tmp="$(mktemp -d)"
  mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/debs"
  echo "deb $MIRROR trixie main" >"$tmp/sources.list"
  local opts=(
    -o "Dir::Etc::SourceList=$tmp/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache=$tmp/cache" -o Dir::State::status=/dev/null
    -o APT::Sandbox::User=root
  )
  apt-get "${opts[@]}" update -qq
  (cd "$tmp/debs" && apt-get "${opts[@]}" download -qq "${missing[@]}")
  mkdir -p "$PLUGIN_DIR"
  for deb in "$tmp"/debs/*.deb; do
    dpkg-deb -x "$deb" "$tmp/x"
  done
  install -m 0755 "$tmp"/x/usr/libexec/docker/cli-plugins/docker-* "$PLUGIN_DIR/"
}

install_engine
start_engine
install_plugins
say "$(docker compose version), engine $(docker version --format '{{.Server.Version}}')"
