#!/usr/bin/env bash
# Builds, from Debian packages alone, the base images deploy/docker/Dockerfile and nats.Dockerfile name, so the
# unchanged Dockerfiles and docker-compose.yml build and run where no image registry is reachable:
#   node:26-bookworm-slim  debootstrap'd bookworm (minbase) + Node from the npm registry's node-linux-<arch>
#                          package and npm from the npm package (both checked against the registry's integrity
#                          by `npm pack`), a `node` user (uid 1000) as in the official image
#   nats:2.9.10            debootstrap'd bookworm + Debian's nats-server, laid out like the official image
#                          (/nats-server, /nats-server.conf, ENTRYPOINT /nats-server)
# An image already present is kept unless --force is given or this script built it for other versions. Run as
# root with a running Docker engine (deploy/airgap/setup-docker.sh provides one) and npm on the host. Takes
# about half a minute per image. Needs a Debian mirror and the npm registry, nothing else.
#
# Environment:
#   ONAIR_DEBIAN_MIRROR   Debian mirror (default http://deb.debian.org/debian)
set -euo pipefail

NODE_MAJOR=26
NODE_VERSION=26.10.0
NPM_VERSION=11.21.2
NATS_VERSION=2.9.10
SUITE=bookworm
MIRROR="${ONAIR_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NODE_TAG="node:${NODE_MAJOR}-${SUITE}-slim"
NATS_TAG="nats:${NATS_VERSION}"

say() { echo "onair-airgap: $*" >&2; }
die() { say "$*"; exit 1; }

force=false
case "${1:-}" in
  --force) force=true ;;
  "") ;;
  *) die "usage: $0 [--force]" ;;
esac

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap needs it)"
docker info >/dev/null 2>&1 || die "no Docker engine answers; run deploy/airgap/setup-docker.sh first"
command -v npm >/dev/null 2>&1 || die "needs npm (Node.js) on the host to fetch Node and npm from the npm registry"
if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null; }
fi

case "$(dpkg --print-architecture)" in
  amd64) NODE_ARCH=x64 ;;
  arm64) NODE_ARCH=arm64 ;;
  *) die "no node-linux-* package for $(dpkg --print-architecture)" ;;
esac

# Not /tmp: it may be mounted noexec or nodev, which debootstrap cannot work in.
work="$(mktemp -d -p /var/tmp onair-airgap.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# needed <tag> <build id>: whether to build <tag>: with --force; when there is no such image; or when this script
# built it (ENV ONAIR_AIRGAP_BASE) for other versions than <build id>. An image from a registry is kept.
needed() {
  $force && return 0
  local env
  env="$(docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$1" 2>/dev/null)" || return 0
  grep -q '^ONAIR_AIRGAP_BASE=' <<<"$env" && ! grep -qxF "ONAIR_AIRGAP_BASE=$2" <<<"$env"
}
NODE_BUILD="node-$NODE_VERSION+npm-$NPM_VERSION"
NATS_BUILD="nats-server-$NATS_VERSION"

# debootstrap <dir> [extra packages]: a minimal bookworm, trimmed like Debian's -slim images (no docs, man pages,
# locales or apt lists).
rootfs() {
  local dir="$1" include="${2:-}"
  debootstrap --variant=minbase ${include:+--include="$include"} "$SUITE" "$dir" "$MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
  cat >"$dir/etc/dpkg/dpkg.cfg.d/docker-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
  echo 'APT::Install-Recommends "false";' >"$dir/etc/apt/apt.conf.d/docker-no-recommends"
  # The official image's sources: the release, its updates and security, whatever mirror debootstrap used.
  rm -f "$dir/etc/apt/sources.list"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  find "$dir/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
  find "$dir/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
  rm -rf "$dir"/usr/share/{man,info}/* "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin \
    "$dir"/var/cache/apt/archives/*.deb "$dir"/var/log/*.log "$dir"/tmp/*
  # The container's own resolver is written by the engine at run time.
  : >"$dir/etc/resolv.conf"
}

# import <dir> <tag> <--change ...>: the folder as a one-layer image.
import() {
  local dir="$1" tag="$2"
  shift 2
  tar --numeric-owner -C "$dir" -c . | docker import "$@" - "$tag" >/dev/null
  say "built $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

build_node() {
  local dir="$work/node"
  say "building $NODE_TAG (Node $NODE_VERSION, npm $NPM_VERSION)"
  # Node >= 25 links against libatomic.
  rootfs "$dir" libatomic1
  (cd "$work" && npm pack --silent "node-linux-$NODE_ARCH@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
  mkdir -p "$work/n" "$dir/usr/local/lib/node_modules/npm"
  tar -xzf "$work/node-linux-$NODE_ARCH-$NODE_VERSION.tgz" -C "$work/n"
  install -m 0755 "$work/n/package/bin/node" "$dir/usr/local/bin/node"
  cp -r "$work/n/package/include" "$dir/usr/local/"
  tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$dir/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
  chroot "$dir" groupadd --gid 1000 node
  chroot "$dir" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  [ "$(chroot "$dir" /usr/local/bin/node --version)" = "v$NODE_VERSION" ] || die "node does not run in the image"
  import "$dir" "$NODE_TAG" --change "ENV NODE_VERSION=$NODE_VERSION" --change "ENV ONAIR_AIRGAP_BASE=$NODE_BUILD" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'CMD ["node"]'
}

build_nats() {
  local dir="$work/nats"
  say "building $NATS_TAG from Debian's nats-server"
  rootfs "$dir" nats-server
  local version
  version="$(chroot "$dir" /usr/sbin/nats-server --version)"
  [ "$version" = "nats-server: v$NATS_VERSION" ] || die "Debian ships $version, expected v$NATS_VERSION: update NATS_VERSION"
  cp "$dir/usr/sbin/nats-server" "$dir/nats-server"
  cat >"$dir/nats-server.conf" <<'CONF'
# Client port on all interfaces, HTTP monitoring (/healthz, /varz) on 8222, as in the official image.
port: 4222
monitor_port: 8222
CONF
  import "$dir" "$NATS_TAG" --change "ENV ONAIR_AIRGAP_BASE=$NATS_BUILD" --change 'EXPOSE 4222 8222 6222' --change 'WORKDIR /' \
    --change 'ENTRYPOINT ["/nats-server"]' --change 'CMD ["--config", "nats-server.conf"]'
}

if needed "$NODE_TAG" "$NODE_BUILD"; then build_node; else say "$NODE_TAG is present"; fi
if needed "$NATS_TAG" "$NATS_BUILD"; then build_nats; else say "$NATS_TAG is present"; fi
