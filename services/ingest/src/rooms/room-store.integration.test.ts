import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnairError, createLogger } from '@onair/runtime';
import { startNatsFixture, type NatsFixture } from '@onair/testing';
import { RoomStore } from './room-store.js';
import { hashStreamKey } from './stream-key.js';

describe('RoomStore on a real nats-server', () => {
  let nats: NatsFixture;
  let store: RoomStore;

  beforeAll(async () => {
    nats = await startNatsFixture();
    store = await RoomStore.open(nats.kvm, { log: createLogger({ service: 'ingest', level: 'silent' }) });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('creates a room with a hashed stream key that verifies', async () => {
    const { room, streamKey } = await store.create('studio-1', '  Studio One ');
    expect(room).toMatchObject({
      id: 'studio-1',
      title: 'Studio One',
      streamKeyHash: hashStreamKey(streamKey),
      record: false,
    });
    expect(JSON.stringify(await store.get('studio-1'))).not.toContain(streamKey);
    expect((await store.verifyStreamKey(streamKey))?.id).toBe('studio-1');
    expect(await store.verifyStreamKey(streamKey.slice(0, -1))).toBeUndefined();
    expect(await store.verifyStreamKey('nobody_abc')).toBeUndefined();
  });

  it('defaults the title to the id and lists rooms by id', async () => {
    await store.create('b-room', '');
    await store.create('a-room', 'A');
    const ids = (await store.list()).map((r) => [r.id, r.title]);
    expect(ids).toEqual([
      ['a-room', 'A'],
      ['b-room', 'b-room'],
      ['studio-1', 'Studio One'],
    ]);
  });

  it.each([
    { id: 'Bad Id', title: '', code: 'INVALID_ARGUMENT' },
    { id: '', title: '', code: 'INVALID_ARGUMENT' },
    { id: 'x_y', title: '', code: 'INVALID_ARGUMENT' },
    { id: 'long-title', title: 't'.repeat(201), code: 'INVALID_ARGUMENT' },
    { id: 'a-room', title: 'again', code: 'ALREADY_EXISTS' },
  ])('refuses $id / $code', async ({ id, title, code }) => {
    const err = await store.create(id, title).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnairError);
    expect((err as OnairError).code).toBe(code);
  });

  it('rotates a key: the old one stops working at once', async () => {
    const { streamKey: oldKey } = await store.create('rotating', 'R');
    const { streamKey: newKey, room } = await store.rotateStreamKey('rotating');
    expect(newKey).not.toBe(oldKey);
    expect(room.title).toBe('R');
    expect(await store.verifyStreamKey(oldKey)).toBeUndefined();
    expect((await store.verifyStreamKey(newKey))?.id).toBe('rotating');
    await expect(store.rotateStreamKey('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const badId of ['', 'UPPER', 'a_b'])
      await expect(store.rotateStreamKey(badId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('takes an operator-chosen key only when it fits the room', async () => {
    const chosen = `chosen_${'x'.repeat(32)}`;
    await store.create('chosen', 'C', chosen);
    expect((await store.verifyStreamKey(chosen))?.id).toBe('chosen');
    await expect(store.create('other', 'O', chosen)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.rotateStreamKey('chosen', 'chosen_short')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((await store.verifyStreamKey(chosen))?.id).toBe('chosen');
  });

  it('updates the title and the record setting, each left alone when not given', async () => {
    const { streamKey } = await store.create('updating', 'Before');
    expect(await store.update('updating', { record: true })).toMatchObject({ title: 'Before', record: true });
    expect(await store.update('updating', { title: ' After ' })).toMatchObject({ title: 'After', record: true });
    expect(await store.update('updating', { title: '', record: false })).toMatchObject({
      title: 'updating',
      record: false,
    });
    expect(await store.get('updating')).toMatchObject({ title: 'updating', record: false });
    expect((await store.verifyStreamKey(streamKey))?.id).toBe('updating');
  });

  it.each([
    { name: 'no change', id: 'updating', changes: {}, code: 'INVALID_ARGUMENT' },
    { name: 'a long title', id: 'updating', changes: { title: 't'.repeat(201) }, code: 'INVALID_ARGUMENT' },
    { name: 'a missing room', id: 'missing', changes: { record: true }, code: 'NOT_FOUND' },
    { name: 'a bad id', id: 'Bad Id', changes: { record: true }, code: 'NOT_FOUND' },
  ])('refuses an update with $name: $code', async ({ id, changes, code }) => {
    await expect(store.update(id, changes)).rejects.toMatchObject({ code });
  });

  it('reads a record stored before the record setting existed as not recorded', async () => {
    const kv = await nats.kvm.open('rooms');
    const old = { id: 'old-room', title: 'Old', createdAtMs: 1, streamKeyHash: hashStreamKey('old-room_k') };
    await kv.put('old-room', JSON.stringify(old));
    expect(await store.get('old-room')).toEqual({ ...old, record: false });
    expect(await store.update('old-room', { record: true })).toEqual({ ...old, record: true });
  });

  it('records new rooms when the store is opened with recordNewRooms', async () => {
    const log = createLogger({ service: 'ingest', level: 'silent' });
    const recording = await RoomStore.open(nats.kvm, { log, bucket: 'rooms-recorded', recordNewRooms: true });
    expect((await recording.create('rec', 'R')).room.record).toBe(true);
    expect((await recording.get('rec'))?.record).toBe(true);
  });
});
