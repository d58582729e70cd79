# HAProxy for the scaled-out suite (deploy/compose/cluster.yml): Debian's haproxy package on the same Debian + Node
# base as the Onair images, so it builds where no image registry is reachable (deploy/airgap/build-base-images.sh)
# and the compose healthcheck can probe it with healthcheck.mjs. apt also trusts the build_ca bundle, for https
# mirrors behind a TLS-intercepting proxy. Runs as Debian's non-root `haproxy` user (every port is above 1024).
FROM node:26-bookworm-slim
RUN --mount=type=secret,id=build_ca \
    if [ -s /run/secrets/build_ca ]; then set -- -o Acquire::https::CAInfo=/run/secrets/build_ca; fi \
    && apt-get "$@" update \
    && DEBIAN_FRONTEND=noninteractive apt-get "$@" install -y --no-install-recommends haproxy \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
COPY deploy/docker/healthcheck.mjs /usr/local/lib/onair/healthcheck.mjs
COPY deploy/compose/haproxy.cfg /etc/haproxy/haproxy.cfg
USER haproxy
# SIGUSR1 is HAProxy's soft stop: it stops listening and exits once the open connections have closed.
STOPSIGNAL SIGUSR1
EXPOSE 1935 8080 8081 8082 8404
ENTRYPOINT ["haproxy", "-W", "-db", "-f", "/etc/haproxy/haproxy.cfg"]
