# NATS with JetStream for docker-compose.yml: the nats-server binary of the official image, on the same Debian +
# Node base as the Onair images so the compose healthcheck can probe http://127.0.0.1:8222/healthz (the official
# image is FROM scratch and has nothing to probe with). Runs as the non-root `node` user; JetStream data in /data.
FROM nats:2.9.10 AS nats

FROM node:26-bookworm-slim
COPY --from=nats /nats-server /usr/local/bin/nats-server
COPY deploy/docker/healthcheck.mjs /usr/local/lib/onair/healthcheck.mjs
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
# nats-server shuts down gracefully on both, but exits 1 after SIGTERM and 0 after SIGINT.
STOPSIGNAL SIGINT
EXPOSE 4222 8222
ENTRYPOINT ["nats-server"]
CMD ["--jetstream", "--store_dir", "/data", "--http_port", "8222"]
