import { readFileSync } from 'node:fs';
import { createRoomsClient } from '@onair/cli';
import { startNats, startService } from '@onair/testing';
import { onCleanup } from '../ll-hls/cleanup.mjs';
import { pinToCpu } from '../ll-hls/proc.mjs';

/**
 * What ingest keeps of each rendition for MediaService subscribers: `segments` complete segments of about
 * `segmentMs` each (INGEST_WINDOW_SEGMENTS, INGEST_SEGMENT_TARGET_MS; their defaults, set here so that the report can
 * name them).
 */
export const INGEST_WINDOW = { segments: 1, segmentMs: 2000 };

/** The Node.js options ingest ships with (its package.json's `onair.nodeArgs`), which startService runs it with. */
export const INGEST_NODE_ARGS = JSON.parse(
  readFileSync(new URL('../../services/ingest/package.json', import.meta.url), 'utf8'),
).onair.nodeArgs;

/**
 * @typedef {object} OnairStack
 * @property {number} rtmpPort ingest's RTMP port.
 * @property {string} grpcAddress ingest's gRPC "127.0.0.1:<port>" (RoomsService, MediaService, Telemetry).
 * @property {number} ingestPid
 * @property {Array<{ room: string, streamKey: string }>} rooms the rooms created, with their stream keys.
 * @property {() => Promise<{ pid: number, playlistUrl: (room: string, rendition: string) => string }>} startRelay
 *   starts an origin relay following every live room of ingest (`RELAY_FOLLOW=all`, upstream polled every 200 ms),
 *   pinned to the side CPU; playlistUrl gives a rendition's media playlist on it.
 * @property {() => string[]} warnings ingest's and the relay's log lines at warn level or above, as "<service>:
 *   <msg> (room <room>)".
 * @property {() => Promise<void>} stop stops the services, then nats-server.
 */

/**
 * Starts what a passthrough publish needs, from the services' dist/, on loopback ports each binds itself:
 * nats-server with JetStream pinned to `sideCpu`, ingest with `ladder` (`INGEST_LADDER`) pinned to `cpu` (every
 * thread, and the children it starts later), and `rooms` rooms `cost-0`…, created through RoomsService as the
 * `onair` CLI does.
 * @param {{ ladder: string, rooms: number, cpu: number, sideCpu: number }} options
 * @returns {Promise<OnairStack>}
 * @throws Error with the failing service's output.
 */
export async function startOnairStack({ ladder, rooms, cpu, sideCpu }) {
  const nats = await startNats();
  const stops = [onCleanup(() => nats.stop())];
  pinToCpu(nats.process.child.pid, sideCpu);
  const services = [];
  const start = async (name, env) => {
    const service = await startService(name, env, 30_000);
    stops.push(onCleanup(() => service.stop()));
    services.push({ name, service });
    return service;
  };
  const ingest = await start('ingest', {
    INGEST_HOST: '127.0.0.1',
    INGEST_RTMP_PORT: '0',
    INGEST_GRPC_PORT: '0',
    INGEST_HTTP_PORT: '0',
    INGEST_NATS_URL: nats.url,
    INGEST_LADDER: ladder,
    INGEST_WINDOW_SEGMENTS: String(INGEST_WINDOW.segments),
    INGEST_SEGMENT_TARGET_MS: String(INGEST_WINDOW.segmentMs),
    INGEST_MAX_CONNECTIONS: String(Math.max(256, rooms + 16)),
  });
  pinToCpu(ingest.child.pid, cpu);
  const grpc = `127.0.0.1:${ingest.port('grpcPort')}`;
  const client = createRoomsClient(grpc);
  const created = [];
  try {
    for (let i = 0; i < rooms; i++) {
      const res = await client.create(`cost-${i}`, `ingest cost ${i}`);
      created.push({ room: `cost-${i}`, streamKey: res.streamKey });
    }
  } finally {
    client.close();
  }
  return {
    rtmpPort: ingest.port('rtmpPort'),
    grpcAddress: grpc,
    ingestPid: ingest.child.pid,
    rooms: created,
    async startRelay() {
      const relay = await start('relay', {
        RELAY_HOST: '127.0.0.1',
        RELAY_HTTP_PORT: '0',
        RELAY_GRPC_PORT: '0',
        RELAY_UPSTREAM: grpc,
        RELAY_FOLLOW: 'all',
        RELAY_UPSTREAM_POLL_MS: '200',
      });
      pinToCpu(relay.child.pid, sideCpu);
      const base = `http://127.0.0.1:${relay.port('httpPort')}/hls`;
      return { pid: relay.child.pid, playlistUrl: (room, rendition) => `${base}/${room}/${rendition}/index.m3u8` };
    },
    warnings: () =>
      services.flatMap(({ name, service }) =>
        service
          .logs()
          .filter((entry) => entry.level >= 40)
          .map((entry) => `${name}: ${entry.msg}${entry.room ? ` (room ${entry.room})` : ''}`),
      ),
    async stop() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
