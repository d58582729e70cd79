import { randomBytes } from 'node:crypto';
import { startNats, startService } from '@onair/testing';
import { onCleanup } from './cleanup.mjs';

/** The room every run publishes to. */
const ROOM = 'bench';

/**
 * @typedef {object} OnairStack
 * @property {string} streamKey `bench_<32 hex digits>`.
 * @property {number} rtmpPort ingest's RTMP port.
 * @property {{ nats: number, ingest: number, origin: number, edge?: number }} pids
 * @property {{ ingest: number, origin: number, edge?: number }} grpcPorts the services' gRPC ports (MediaService).
 * @property {string} originHls `http://127.0.0.1:<origin httpPort>/hls/bench/`.
 * @property {string | undefined} edgeHls the same on the edge, when there is one.
 * @property {() => string[]} warnings the services' log lines at warn level or above so far, as "<service>: <msg>".
 * @property {() => Promise<void>} stop stops the services, then nats-server.
 */

/**
 * Starts the Onair path a player sees, as real processes on loopback, each on ports it bound itself (read from its
 * `started` line): nats-server with JetStream; ingest with the room `bench` and a fixed stream key and the given
 * rendition ladder (`INGEST_LADDER`); an origin relay following ingest; and, with `edge`, an edge relay following
 * the origin on demand (`RELAY_FOLLOW=on-demand`: it subscribes to the room on its first request, as an edge
 * does). Relays poll their upstream every 200 ms.
 * @param {{ ladder: string, edge: boolean }} options
 * @returns {Promise<OnairStack>}
 * @throws Error with the failing service's output.
 */
export async function startOnairStack({ ladder, edge }) {
  const streamKey = `${ROOM}_${randomBytes(16).toString('hex')}`;
  const nats = await startNats();
  const stops = [onCleanup(() => nats.stop())];
  const services = [];
  const start = async (name, env) => {
    const service = await startService(name, env, 30_000);
    stops.push(onCleanup(() => service.stop()));
    services.push({ name, service });
    return service;
  };
  const relayEnv = (upstreamGrpcPort) => ({
    RELAY_HOST: '127.0.0.1',
    RELAY_HTTP_PORT: '0',
    RELAY_GRPC_PORT: '0',
    RELAY_UPSTREAM: `127.0.0.1:${upstreamGrpcPort}`,
    RELAY_UPSTREAM_POLL_MS: '200',
  });
  const ingest = await start('ingest', {
    INGEST_HOST: '127.0.0.1',
    INGEST_RTMP_PORT: '0',
    INGEST_GRPC_PORT: '0',
    INGEST_HTTP_PORT: '0',
    INGEST_NATS_URL: nats.url,
    INGEST_DEMO_ROOM: ROOM,
    INGEST_DEMO_STREAM_KEY: streamKey,
    INGEST_LADDER: ladder,
  });
  const origin = await start('relay', relayEnv(ingest.port('grpcPort')));
  const edgeRelay = edge
    ? await start('relay', { ...relayEnv(origin.port('grpcPort')), RELAY_FOLLOW: 'on-demand' })
    : undefined;
  const hls = (relay) => `http://127.0.0.1:${relay.port('httpPort')}/hls/${ROOM}/`;
  return {
    streamKey,
    rtmpPort: ingest.port('rtmpPort'),
    pids: {
      nats: nats.process.child.pid,
      ingest: ingest.child.pid,
      origin: origin.child.pid,
      edge: edgeRelay?.child.pid,
    },
    grpcPorts: {
      ingest: ingest.port('grpcPort'),
      origin: origin.port('grpcPort'),
      edge: edgeRelay?.port('grpcPort'),
    },
    originHls: hls(origin),
    edgeHls: edgeRelay && hls(edgeRelay),
    warnings: () => services.flatMap(({ name, service }) => warningsOf(name, service.output())),
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}

/** pino lines at warn (40) or above in a service's output, as "<service>: <msg>". */
function warningsOf(name, output) {
  const lines = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line);
      if (entry.level >= 40) lines.push(`${name}: ${entry.msg}${entry.room ? ` (room ${entry.room})` : ''}`);
    } catch {
      // not a log line
    }
  }
  return lines;
}
