#!/usr/bin/env bash
# Installs the system programs Onair runs: ffmpeg and nats-server; with --with-test-tools also what the tests
# use: promtool (Debian's prometheus package), openssl (the mTLS tests' certificates, deploy/tls/make-dev-certs.sh),
# chromium, VLC (playing a recording's VOD headless: its programs and base plugins, with the HLS and MP4 demuxers and
# the avcodec decoder), and OBS Studio with what it needs to publish headless (Xvfb and xauth for xvfb-run, Mesa's
# DRI drivers for llvmpipe software GL, obs-plugins for x264 and RTMP).
# Uses apt when run as root; otherwise says what to install and exits 1.
set -euo pipefail

# True when the Debian package $1 is installed (for packages that put no program on PATH).
installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }

packages=()
command -v ffmpeg >/dev/null 2>&1 || packages+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || packages+=(ffmpeg)
command -v nats-server >/dev/null 2>&1 || packages+=(nats-server)
if [ "${1:-}" = "--with-test-tools" ]; then
  command -v promtool >/dev/null 2>&1 || packages+=(prometheus)
  command -v openssl >/dev/null 2>&1 || packages+=(openssl)
  command -v chromium >/dev/null 2>&1 || packages+=(chromium)
  command -v vlc >/dev/null 2>&1 || packages+=(vlc-bin)
  installed vlc-plugin-base || packages+=(vlc-plugin-base)
  command -v obs >/dev/null 2>&1 || packages+=(obs-studio)
  installed obs-plugins || packages+=(obs-plugins)
  command -v xvfb-run >/dev/null 2>&1 || packages+=(xvfb)
  command -v xauth >/dev/null 2>&1 || packages+=(xauth)
  installed libgl1-mesa-dri || packages+=(libgl1-mesa-dri)
fi
[ ${#packages[@]} -eq 0 ] && exit 0

mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "onair: missing programs; please install the Debian/Ubuntu packages: ${packages[*]}" >&2
  echo "       e.g. sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
  exit 1
fi
echo "onair: installing ${packages[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
