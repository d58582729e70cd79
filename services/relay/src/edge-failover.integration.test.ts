import { afterAll, describe, expect, it } from 'vitest';
import { onair } from '@onair/proto';
import { createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import { createApp } from './app.js';
import { hubFeeder } from './testing/hub-feeder.js';
import { testRelayConfig } from './testing/relay-config.js';
import type { Config } from './config.js';

// An edge relay naming two origins (RELAY_UPSTREAM=ipv4:a,b) over real gRPC: each origin in turn dies while the
// stream goes on, and the edge keeps serving it from the other.

const quiet = createLogger({ service: 'relay', level: 'silent' });

function edgeConfig(upstream: string): Config {
  return testRelayConfig({ upstream, follow: 'on-demand', upstreamPollMs: 100, windowSegments: 3 });
}

/** An origin stand-in serving `hub` over MediaService on `port` (0: a port the OS picks). */
async function startOrigin(hub: MediaHub, port = 0): Promise<{ server: GrpcServer; port: number }> {
  const server = createGrpcServer({ log: quiet, service: 'relay', roomStats: () => [] });
  server.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, quiet));
  return { server, port: await server.listen('127.0.0.1', port) };
}

describe('an edge relay with two origins', () => {
  const running: Array<{ stop(): Promise<unknown> }> = [];
  afterAll(async () => {
    for (const r of running.reverse()) await r.stop();
  });

  it('keeps serving the live stream when either origin dies, from the other', async () => {
    // Both origins follow the same ingest, so they hold the same stream: here, one hub.
    const hub = new MediaHub({ windowSize: 3 });
    const feed = hubFeeder(hub, { segmentMs: 1000 });
    feed.start('p1');
    feed.init('init');
    [0, 1, 2].forEach((seq) => feed.segment(seq));
    const origins = [await startOrigin(hub), await startOrigin(hub)];
    const edge = createApp(edgeConfig(`ipv4:${origins.map((o) => `127.0.0.1:${o.port}`).join(',')}`), quiet);
    await edge.start();
    running.push({ stop: () => Promise.all(origins.map((o) => o.server.stop(100))) }, edge);
    const playlist = async (): Promise<{ status: number; text: string }> => {
      const res = await fetch(`http://127.0.0.1:${edge.ports().httpPort}/hls/demo/source/index.m3u8`);
      return { status: res.status, text: await res.text() };
    };
    await waitFor(async () => (await playlist()).text.includes('seg-2.m4s'), { what: 'the edge serving' });

    // Every playlist the edge serves from now on must be live: no error, no ENDLIST.
    const broken = new Set<string>();
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { status, text } = await playlist();
        if (status !== 200 || text.includes('#EXT-X-ENDLIST')) broken.add(`${status}\n${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    // Whichever origin the edge's subscription is on, one of the two rounds kills it.
    for (const [round, index] of [0, 1].entries()) {
      const dying = origins[index]!;
      await dying.server.stop(0);
      const seq = 3 + round;
      feed.segment(seq);
      await waitFor(async () => (await playlist()).text.includes(`seg-${seq}.m4s`), {
        what: `the edge to serve seg-${seq} with origin ${index} gone`,
        timeoutMs: 15_000,
      });
      origins[index] = await startOrigin(hub, dying.port);
    }
    watching = false;
    await watch;
    expect([...broken]).toEqual([]);
  }, 60_000);
});
