import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, type NatsFixture } from '@onair/testing';
import { ensureDemoRoom } from './demo-room.js';
import { RoomStore } from './room-store.js';

/** A logger whose JSON lines are kept for the test to read. */
function capturedLogger(): { log: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  const log = createLogger({ service: 'ingest', destination: out });
  return {
    log,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('ensureDemoRoom on a real nats-server', () => {
  let nats: NatsFixture;
  let store: RoomStore;

  beforeAll(async () => {
    nats = await startNatsFixture();
    store = await RoomStore.open(nats.kvm, { log: createLogger({ service: 'ingest', level: 'silent' }) });
  });

  afterAll(async () => {
    await nats?.stop();
  });

  it('creates the room once and logs its new key only at creation, with the room in the line', async () => {
    const { log, lines } = capturedLogger();
    const options = { room: 'demo', streamKey: '', rtmpApp: 'live' };
    expect(await ensureDemoRoom(store, options, log)).toBe('created');
    const created = lines().find((l) => typeof l['demoStreamKey'] === 'string');
    expect(created).toMatchObject({ room: 'demo', server: 'rtmp://<host>/live' });
    const key = created!['demoStreamKey'] as string;
    expect((await store.verifyStreamKey(key))?.id).toBe('demo');

    expect(await ensureDemoRoom(store, options, log)).toBe('exists');
    expect(lines().filter((l) => 'demoStreamKey' in l)).toHaveLength(1);
    expect((await store.verifyStreamKey(key))?.id).toBe('demo');
  });

  it('uses a configured key, and replaces the stored one when the configured key changes', async () => {
    const { log, lines } = capturedLogger();
    const first = 'fixed_0123456789abcdef0123456789abcdef';
    expect(await ensureDemoRoom(store, { room: 'fixed', streamKey: first, rtmpApp: 'live' }, log)).toBe('created');
    expect((await store.verifyStreamKey(first))?.id).toBe('fixed');
    expect(await ensureDemoRoom(store, { room: 'fixed', streamKey: first, rtmpApp: 'live' }, log)).toBe('exists');
    const second = 'fixed_fedcba9876543210fedcba9876543210-_';
    expect(await ensureDemoRoom(store, { room: 'fixed', streamKey: second, rtmpApp: 'live' }, log)).toBe('key-set');
    expect(await store.verifyStreamKey(first)).toBeUndefined();
    expect((await store.verifyStreamKey(second))?.id).toBe('fixed');
    expect(JSON.stringify(lines())).not.toContain('0123456789abcdef');
    expect(JSON.stringify(lines())).not.toContain('fedcba9876543210');
  });

  it('refuses a configured key that does not belong to the room or is too short', async () => {
    const log = createLogger({ service: 'ingest', level: 'silent' });
    await expect(
      ensureDemoRoom(store, { room: 'r1', streamKey: 'other_0123456789abcdef', rtmpApp: 'live' }, log),
    ).rejects.toThrow(/must start with "r1_"/);
    await expect(ensureDemoRoom(store, { room: 'r1', streamKey: 'r1_short', rtmpApp: 'live' }, log)).rejects.toThrow(
      /at least 32/,
    );
    expect(await store.get('r1')).toBeUndefined();
  });

  it('is safe when several instances start together', async () => {
    const log = createLogger({ service: 'ingest', level: 'silent' });
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => ensureDemoRoom(store, { room: 'race', streamKey: '', rtmpApp: 'live' }, log)),
    );
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'exists')).toHaveLength(2);
  });
});
