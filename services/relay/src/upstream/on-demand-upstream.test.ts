import { afterEach, describe, expect, it } from 'vitest';
import { onair } from '@onair/proto';
import { createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers } from '@onair/media';
import { createLogger } from '@onair/runtime';
import { waitFor } from '@onair/testing';
import { RoomStreams } from '../hls/room-streams.js';
import { serveHls } from '../testing/hls-server.js';
import { llFeeder, LL_FIRST_MSN, LL_FIRST_PART } from '../testing/ll-feeder.js';
import { ViewerTracker } from '../viewers/viewer-tracker.js';
import { IDLE_REASON, OnDemandUpstream } from './on-demand-upstream.js';

const log = createLogger({ service: 'relay', level: 'silent' });

/** An origin (a MediaHub served over real gRPC) and an edge hub following it on demand. */
describe('OnDemandUpstream: an edge follows a room only while it is asked for', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function setup(idleMs = 60_000) {
    const origin = new MediaHub({ windowSize: 6 });
    const server: GrpcServer = createGrpcServer({ log, service: 'relay', roomStats: () => [] });
    server.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(origin, log));
    const port = await server.listen('127.0.0.1', 0);
    cleanups.push(() => server.stop(100));
    const edge = new MediaHub({ windowSize: 6 });
    const upstream = new OnDemandUpstream({
      address: `127.0.0.1:${port}`,
      hub: edge,
      log,
      firstRequestWaitMs: 2000,
      idleMs,
    });
    upstream.start();
    cleanups.push(() => upstream.stop());
    const feed = llFeeder(origin);
    feed.start();
    feed.init('source');
    feed.part('source');
    return { origin, edge, upstream, feed };
  }

  /** gRPC subscribers the origin's stream has now (its own HLS side does not listen in this setup). */
  const subscribers = (origin: MediaHub): number => origin.get('demo')?.listenerCount ?? 0;

  it('subscribes once however many requests ask at once, and serves the stream once it started', async () => {
    const { origin, edge, upstream } = await setup();
    expect(edge.get('demo')).toBeUndefined();
    await Promise.all([upstream.want('demo'), upstream.want('demo'), upstream.want('demo')]);
    expect(edge.get('demo')?.window('source')?.lastPart()?.partSequence).toBe(LL_FIRST_PART);
    expect(subscribers(origin)).toBe(1);
    expect(upstream.rooms).toEqual(['demo']);
  });

  it('answers a request for a room that is not live upstream without a stream, at once', async () => {
    const { edge, upstream } = await setup();
    const started = Date.now();
    await upstream.want('nobody');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(edge.get('nobody')).toBeUndefined();
    await waitFor(() => !upstream.rooms.includes('nobody'), { what: 'the subscription to finish' });
  });

  it('lets a room go once nobody asked for it for the idle time, unless a subscriber holds it', async () => {
    const { origin, edge, upstream } = await setup(300);
    await upstream.acquire('demo');
    await new Promise((r) => setTimeout(r, 700));
    expect(edge.get('demo')).toBeDefined();
    upstream.release('demo');
    const ended = await waitFor(() => (edge.get('demo') === undefined ? true : undefined), {
      timeoutMs: 3000,
      what: 'the idle room to be let go',
    });
    expect(ended).toBe(true);
    await waitFor(() => subscribers(origin) === 0, { what: 'the origin subscription to close' });
    await upstream.want('demo');
    expect(edge.get('demo')).toBeDefined();
  });

  it('keeps a room while players keep asking for it over HLS, then lets it go', async () => {
    const { edge, upstream } = await setup(300);
    const streams = new RoomStreams(edge, { lingerMs: 30_000, demand: upstream, noLingerReason: IDLE_REASON });
    const server = await serveHls({ streams, viewers: new ViewerTracker() });
    cleanups.push(() => server.close());
    expect((await server.get('/hls/demo/source/index.m3u8')).status).toBe(200);
    const followed = edge.get('demo');
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      expect((await server.get('/hls/demo/source/index.m3u8')).status).toBe(200);
    }
    expect(edge.get('demo')).toBe(followed);
    await waitFor(() => (edge.get('demo') === undefined ? true : undefined), {
      timeoutMs: 3000,
      what: 'the room to be let go once nobody asks',
    });
    expect((await server.get('/hls/demo/source/index.m3u8')).status).toBe(200);
  });

  it('serves LL-HLS on the first request, waking blocking requests on parts from upstream', async () => {
    const { edge, upstream, feed } = await setup();
    const streams = new RoomStreams(edge, { lingerMs: 30_000, demand: upstream, noLingerReason: IDLE_REASON });
    const server = await serveHls({ streams, viewers: new ViewerTracker() });
    cleanups.push(() => server.close());
    const first = await server.get('/hls/demo/source/index.m3u8');
    expect(first.status).toBe(200);
    expect(first.body).toContain(`URI="part-${LL_FIRST_PART}.m4s"`);
    const held = server.get(`/hls/demo/source/index.m3u8?_HLS_msn=${LL_FIRST_MSN}&_HLS_part=1`);
    await new Promise((r) => setTimeout(r, 50));
    feed.part('source');
    const answered = await held;
    expect(answered.status).toBe(200);
    expect(answered.body).toContain(`URI="part-${LL_FIRST_PART + 1}.m4s"`);
    const missing = await server.get('/hls/nobody/master.m3u8');
    expect(missing.status).toBe(404);
  });
});
