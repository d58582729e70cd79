import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIVE_BUCKET } from '@onair/contracts';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, type NatsFixture } from '@onair/testing';
import { LiveLease } from './live-lease.js';
import { LiveRegistry } from './live-registry.js';
import { createRoomPublishGate } from './room-publish-gate.js';
import { RoomStore } from './room-store.js';

const log = createLogger({ service: 'ingest', level: 'silent' });

describe('the room publish gate writes the room record setting into the live entry (real nats-server)', () => {
  let nats: NatsFixture;
  let store: RoomStore;
  let live: LiveRegistry;

  beforeAll(async () => {
    nats = await startNatsFixture();
    store = await RoomStore.open(nats.kvm, { log });
    live = await LiveRegistry.open(nats.kvm, { log });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  const rawEntry = async (room: string): Promise<unknown> =>
    JSON.parse((await (await nats.kvm.open(LIVE_BUCKET)).get(room))?.string() ?? 'null');

  it('record:true for a recorded room, for the whole publish; a change applies from the next publish', async () => {
    await store.create('rec-room', 'R');
    await store.update('rec-room', { record: true });
    const gate = createRoomPublishGate(store, live);
    const first = await gate.acquire('rec-room', 'a0000000-0000-4000-8000-000000000001', log, false);
    expect(await rawEntry('rec-room')).toMatchObject({ publishId: first?.publishId, record: true });

    await store.update('rec-room', { record: false });
    expect(first).toBeInstanceOf(LiveLease);
    await (first as LiveLease).refresh();
    expect(await live.get('rec-room')).toMatchObject({ publishId: first?.publishId, record: true });
    await first?.release();

    const next = await gate.acquire('rec-room', 'a0000000-0000-4000-8000-000000000002', log, false);
    const entry = await rawEntry('rec-room');
    expect(entry).toMatchObject({ publishId: next?.publishId });
    expect(entry).not.toHaveProperty('record');
    await next?.release();
  });
});
