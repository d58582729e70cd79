import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kvm } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, waitFor, type NatsFixture } from '@onair/testing';
import { LiveRegistry } from './live-registry.js';

const log = createLogger({ service: 'ingest', level: 'silent' });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('LiveRegistry on a real nats-server', () => {
  let nats: NatsFixture;
  let kvm: Kvm;

  beforeAll(async () => {
    nats = await startNatsFixture();
    kvm = nats.kvm;
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('lets one publish hold a room, across registries (instances), until released', async () => {
    const a = await LiveRegistry.open(kvm, { log });
    const b = await LiveRegistry.open(kvm, { log });
    const lease = await a.acquire('room-1');
    expect(lease).toBeDefined();
    expect(await b.acquire('room-1')).toBeUndefined();
    expect(await b.get('room-1')).toEqual({ publishId: lease?.publishId, startedAtMs: lease?.startedAtMs });
    expect(await b.liveRooms()).toEqual(new Set(['room-1']));
    await lease?.release();
    expect(await b.get('room-1')).toBeUndefined();
    expect(await b.liveRooms()).toEqual(new Set());
    const again = await b.acquire('room-1');
    expect(again?.publishId).not.toBe(lease?.publishId);
    await again?.release();
  });

  it('lets a publish on another instance take a room over, naming that instance; the holder lets go', async () => {
    const bucket = 'live-takeover';
    const a = await LiveRegistry.open(kvm, { log, bucket, refreshMs: 200, grpcAddress: () => '10.0.0.1:50051' });
    const b = await LiveRegistry.open(kvm, { log, bucket, refreshMs: 200, grpcAddress: () => '10.0.0.2:50051' });
    const held = await a.acquire('room-t');
    expect((await b.get('room-t'))?.grpcAddress).toBe('10.0.0.1:50051');
    let lost = false;
    held?.onLost(() => (lost = true));
    const taken = await b.acquire('room-t', 'b0000000-0000-4000-8000-000000000001', log, true);
    expect(taken?.publishId).toBe('b0000000-0000-4000-8000-000000000001');
    await waitFor(() => lost, { timeoutMs: 3000, what: 'the holder to lose the room' });
    await held?.release(); // after losing: must not delete the new holder's entry
    expect(await a.get('room-t')).toMatchObject({ publishId: taken?.publishId, grpcAddress: '10.0.0.2:50051' });
    await taken?.release();
  });

  it('keeps a live entry past the bucket max age by refreshing it', async () => {
    const registry = await LiveRegistry.open(kvm, { log, bucket: 'live-refresh', ttlMs: 1000, refreshMs: 250 });
    const lease = await registry.acquire('room-2');
    await sleep(2500);
    expect(await registry.acquire('room-2')).toBeUndefined();
    expect((await registry.get('room-2'))?.publishId).toBe(lease?.publishId);
    await lease?.release();
  });

  it('frees a room whose publisher died (stale entry) after the max age', async () => {
    const registry = await LiveRegistry.open(kvm, { log, bucket: 'live-stale', ttlMs: 1000, refreshMs: 250 });
    const kv = await kvm.open('live-stale');
    await kv.put('room-3', JSON.stringify({ publishId: 'crashed', startedAtMs: 1 }));
    expect(await registry.acquire('room-3')).toBeUndefined();
    const lease = await waitFor(() => registry.acquire('room-3'), {
      timeoutMs: 5000,
      what: 'the stale entry to expire',
    });
    expect(lease.publishId).not.toBe('crashed');
    await lease.release();
  });

  it('reports a lease lost when another publish took the room over', async () => {
    const registry = await LiveRegistry.open(kvm, { log, bucket: 'live-lost', ttlMs: 1000, refreshMs: 100 });
    const lease = await registry.acquire('room-4');
    let lost = false;
    lease?.onLost(() => (lost = true));
    const kv = await kvm.open('live-lost');
    await kv.put('room-4', JSON.stringify({ publishId: 'other', startedAtMs: 2 }));
    await waitFor(() => lost, { timeoutMs: 3000, what: 'the lease to be lost' });
    await lease?.release();
    expect((await registry.get('room-4'))?.publishId).toBe('other');
  });

  it("puts a reconnect's timeline anchor at once, after a refresh in flight, and keeps it through refreshes", async () => {
    const registry = await LiveRegistry.open(kvm, { log, bucket: 'live-anchors', ttlMs: 1000, refreshMs: 250 });
    const lease = await registry.acquire('room-6');
    const first = { atMs: (lease?.startedAtMs ?? 0) + 9000, streamTimeMs: 7000 };
    const refreshed = lease?.refresh(); // the interval's put of the entry without the anchor
    await lease?.continueAt(first);
    await refreshed;
    expect((await registry.get('room-6'))?.anchors).toEqual([first]);
    const second = { atMs: first.atMs + 5000, streamTimeMs: 11_000 };
    await lease?.continueAt(second);
    await sleep(600);
    expect(await registry.get('room-6')).toMatchObject({ publishId: lease?.publishId, anchors: [first, second] });
    await lease?.release();
  });

  it('deletes the entry when released while a refresh is in flight', async () => {
    const registry = await LiveRegistry.open(kvm, { log, bucket: 'live-race' });
    const lease = await registry.acquire('room-5');
    const refreshed = lease?.refresh(); // what the interval does, then the publisher leaves before it settled
    await lease?.release();
    await refreshed;
    expect(await registry.get('room-5')).toBeUndefined();
    const again = await registry.acquire('room-5');
    expect(again).toBeDefined();
    await again?.release();
  });
});
