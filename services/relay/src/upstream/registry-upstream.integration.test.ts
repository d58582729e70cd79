import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onair } from '@onair/proto';
import { LIVE_BUCKET, encodeLiveEntry, type LiveEntry } from '@onair/contracts';
import { createGrpcServer, type GrpcServer } from '@onair/grpc-kit';
import { MediaHub, mediaServiceHandlers } from '@onair/media';
import type { KV } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, waitFor, type NatsFixture } from '@onair/testing';
import { hubFeeder } from '../testing/hub-feeder.js';
import { RegistryUpstream } from './registry-upstream.js';

// RegistryUpstream against a real nats-server's "live" bucket and two real MediaService servers standing for ingest
// replicas, each fed like ingest's segmenter feeds its hub.

const log = createLogger({ service: 'relay', level: 'silent' });
const TTL_MS = 3000;

interface Replica {
  readonly hub: MediaHub;
  readonly server: GrpcServer;
  readonly address: string;
}

async function startReplica(): Promise<Replica> {
  const hub = new MediaHub({ windowSize: 6 });
  const server = createGrpcServer({ log, service: 'ingest', roomStats: () => [] });
  server.addService(onair().media.v1.MediaService.service, mediaServiceHandlers(hub, log));
  return { hub, server, address: `127.0.0.1:${await server.listen('127.0.0.1', 0)}` };
}

describe('RegistryUpstream', () => {
  let nats: NatsFixture;
  let kv: KV;
  let a: Replica;
  let b: Replica;
  const hub = new MediaHub({ windowSize: 6 });
  let upstream: RegistryUpstream;

  const put = (room: string, entry: LiveEntry): Promise<number> => kv.put(room, encodeLiveEntry(entry));

  beforeAll(async () => {
    nats = await startNatsFixture();
    kv = await nats.kvm.create(LIVE_BUCKET, { history: 1, ttl: TTL_MS });
    [a, b] = await Promise.all([startReplica(), startReplica()]);
    upstream = new RegistryUpstream({ natsUrl: nats.nats.url, fallbackAddress: a.address, sweepMs: 100, hub, log });
    await upstream.start();
  });

  afterAll(async () => {
    await upstream?.stop();
    await Promise.all([a?.server.stop(100), b?.server.stop(100)]);
    await nats?.stop();
  });

  it('is ready over an empty bucket, then follows each room from the ingest its entry names', async () => {
    await waitFor(() => upstream.ready, { what: 'ready' });
    hubFeeder(a.hub, { room: 'on-a' }).start('pub-a');
    hubFeeder(b.hub, { room: 'on-b' }).start('pub-b');
    await put('on-a', { publishId: 'pub-a', startedAtMs: 1, grpcAddress: a.address });
    await put('on-b', { publishId: 'pub-b', startedAtMs: 1, grpcAddress: b.address });
    await waitFor(() => hub.get('on-a') && hub.get('on-b'), { what: 'both rooms in the hub' });
    expect(upstream.upstreams.sort()).toEqual([a.address, b.address].sort());
  });

  it('follows a room whose entry names no ingest from the fallback', async () => {
    hubFeeder(a.hub, { room: 'legacy' }).start('pub-legacy');
    await put('legacy', { publishId: 'pub-legacy', startedAtMs: 1 });
    await waitFor(() => hub.get('legacy')?.info.publishId === 'pub-legacy', { what: 'the room from the fallback' });
  });

  it('moves a room to the ingest its entry names next, waiting there until its stream starts', async () => {
    await put('on-a', { publishId: 'moved', startedAtMs: 2, grpcAddress: b.address });
    // The entry comes first (ingest takes the lock, then its pipeline starts): NOT_FOUND there is retried.
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.get('on-a')?.info.publishId).toBe('pub-a');
    hubFeeder(b.hub, { room: 'on-a' }).start('moved');
    await waitFor(() => hub.get('on-a')?.info.publishId === 'moved', { what: 'the stream from B' });
    await put('on-b', { publishId: 'pub-b', startedAtMs: 1, grpcAddress: b.address });
    await put('legacy', { publishId: 'pub-legacy', startedAtMs: 1 });
    expect(upstream.rooms.sort()).toEqual(['legacy', 'on-a', 'on-b']);
  });

  it("lets a deleted room's call bring its last segments and StreamEnded before the room ends", async () => {
    const feed = hubFeeder(a.hub, { room: 'ending' });
    feed.start('pub-ending');
    feed.init('init');
    feed.segment(0);
    await put('ending', { publishId: 'pub-ending', startedAtMs: 1, grpcAddress: a.address });
    const stream = await waitFor(() => hub.get('ending'), { what: 'the room in the hub' });
    const seen: string[] = [];
    stream.listen((e) => seen.push(e.event === 'streamEnded' ? `streamEnded ${e.streamEnded.reason}` : e.event));
    // The delete overtakes the publish's last events, as at the end of a publish on ingest: they come after it.
    await kv.delete('ending');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.get('ending')).toBe(stream);
    feed.segment(1, 1000);
    a.hub.end('ending', 'FCUnpublish');
    await waitFor(() => hub.get('ending') === undefined, { what: 'the room to end' });
    expect(seen.slice(-3)).toEqual(['part', 'segmentEnd', 'streamEnded FCUnpublish']);
    expect(upstream.rooms).not.toContain('ending');
  });

  it('ends a room whose key is deleted, and one whose entry outlived the max age', async () => {
    await kv.delete('on-b');
    // Its call stays live (B still has the room): it ends once the 2 s given for a StreamEnded have passed.
    await waitFor(() => hub.get('on-b') === undefined, { timeoutMs: 5000, what: 'on-b to end' });
    expect(b.hub.get('on-b')).toBeDefined();
    const refresh = setInterval(() => void put('legacy', { publishId: 'pub-legacy', startedAtMs: 1 }), 500);
    try {
      await waitFor(() => hub.get('on-a') === undefined, { timeoutMs: TTL_MS + 2000, what: 'on-a to expire' });
      expect(hub.get('legacy')).toBeDefined();
      expect(upstream.rooms).toEqual(['legacy']);
      expect(upstream.upstreams).toEqual([a.address]);
    } finally {
      clearInterval(refresh);
    }
  });
});
