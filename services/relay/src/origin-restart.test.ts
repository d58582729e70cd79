import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { onair } from '@onair/proto';
import { createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { MediaHub, NOT_READY, mediaServiceHandlers } from '@onair/media';
import { createLogger, type Logger } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import { createApp } from './app.js';
import { hubFeeder } from './testing/hub-feeder.js';
import { testRelayConfig } from './testing/relay-config.js';
import type { Config } from './config.js';

// ingest → origin relay → edge relay, in-process over real gRPC; the origin restarts while ingest is away.

const quiet = createLogger({ service: 'relay', level: 'silent' });

/** A logger whose JSON lines are kept for the test to read. */
function recordingLogger(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n'))
        if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger({ service: 'relay', level: 'info', destination }), lines };
}

function relayConfig(upstream: string, grpcPort: number): Config {
  return testRelayConfig({ upstream, grpcPort, follow: 'all', upstreamPollMs: 100, windowSegments: 3 });
}

/** An ingest stand-in serving `hub` over MediaService on `port` (0: a port the OS picks). */
async function startIngest(hub: MediaHub, port = 0): Promise<{ server: GrpcServer; port: number }> {
  const server = createGrpcServer({ log: quiet, service: 'ingest', roomStats: () => [] });
  server.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, quiet));
  return { server, port: await server.listen('127.0.0.1', port) };
}

describe('an origin relay restarting', () => {
  const running: Array<{ stop(): Promise<unknown> }> = [];
  afterAll(async () => {
    for (const r of running.reverse()) await r.stop();
  });

  it('leaves its edges serving the live stream, then feeds them again', async () => {
    const ingestHub = new MediaHub({ windowSize: 3 });
    let ingest = await startIngest(ingestHub);
    const feed = hubFeeder(ingestHub, { segmentMs: 1000 });
    feed.start('p1');
    feed.init('init');
    [0, 1, 2].forEach((seq) => feed.segment(seq));

    let origin = createApp(relayConfig(`127.0.0.1:${ingest.port}`, 0), quiet);
    await origin.start();
    // The restarted origin and ingest come back on the ports the first ones bound, as a restarted service would.
    const originConfig = relayConfig(`127.0.0.1:${ingest.port}`, origin.ports().grpcPort);
    const edgeLogs = recordingLogger();
    const edge = createApp(relayConfig(`127.0.0.1:${origin.ports().grpcPort}`, 0), edgeLogs.log);
    await edge.start();
    running.push({ stop: () => ingest.server.stop(100) }, { stop: () => origin.stop() }, edge);
    const playlist = async (): Promise<{ status: number; text: string }> => {
      const res = await fetch(`http://127.0.0.1:${edge.ports().httpPort}/hls/demo/source/index.m3u8`);
      return { status: res.status, text: await res.text() };
    };
    await waitFor(async () => (await playlist()).text.includes('seg-2.m4s'), { what: 'the edge serving' });

    // Every playlist the edge serves from now on must be live: no 404, no ENDLIST.
    const broken = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { status, text } = await playlist();
        if (status !== 200 || text.includes('#EXT-X-ENDLIST')) broken.add(`${status}\n${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    await origin.stop();
    await ingest.server.stop(100);
    const restartedAt = edgeLogs.lines.length;
    origin = createApp(originConfig, quiet);
    await origin.start();
    // The edge re-subscribes to the restarted origin, which has not heard from ingest: it must hear "not ready"
    // (and keep its stream), not "the room is not live" (and end it).
    await waitFor(
      () =>
        edgeLogs.lines
          .slice(restartedAt)
          .some(
            (l) =>
              (l.msg === 'subscription broken' && l.code === 14 && l.details === NOT_READY) ||
              l.msg === 'subscription closed',
          ),
      { what: 'the edge to hear from the restarted origin' },
    );
    expect([...broken]).toEqual([]);

    ingest = await startIngest(ingestHub, ingest.port);
    feed.segment(3);
    await waitFor(async () => (await playlist()).text.includes('seg-3.m4s'), {
      what: 'the edge to follow the restarted origin',
      timeoutMs: 30_000,
    });
    watching = false;
    await watch;
    expect([...broken]).toEqual([]);
  }, 60_000);
});
