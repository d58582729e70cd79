import { createLogger } from '@onair/runtime';
import { startNatsFixture, type NatsFixture } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomMessage } from './frames.js';
import { RoomLog } from './room-log.js';

const log = createLogger({ service: 'test', level: 'silent' });

const message = (room: string, id: string): RoomMessage => ({
  v: 1,
  type: 'message',
  id,
  room,
  name: 'n',
  userId: 'u',
  text: `text of ${id}`,
  sentAtMs: 1,
});

const ids = (messages: unknown[]) => messages.map((m) => (m as { id?: string }).id);
const frames = (texts: readonly string[]) => texts.map((t) => JSON.parse(t) as Record<string, unknown>);

describe('RoomLog edits (RoomEditor)', () => {
  let fixture: NatsFixture;
  let roomLog: RoomLog;

  beforeAll(async () => {
    fixture = await startNatsFixture();
    roomLog = await RoomLog.open({
      nc: fixture.nc,
      stream: 'CHAT',
      subjectPrefix: 'chat.room',
      historySize: 3,
      retentionMs: 3_600_000,
      log,
    });
  });

  afterAll(async () => {
    await fixture?.stop();
  });

  const post = async (room: string, ...list: string[]) => {
    for (const id of list) await roomLog.append(room, message(room, id), `${room}:${id}`);
  };

  it('removes a message from history and recovery, whether the history still holds it or not', async () => {
    await post('edit', 'm1', 'm2', 'm3', 'm4');
    await post('other', 'm2');
    expect(ids(await roomLog.recent('edit', 10))).toEqual(['m2', 'm3', 'm4']);

    expect(await roomLog.remove('edit', 'm3')).toBe(true);
    expect(await roomLog.remove('edit', 'm1')).toBe(true);
    await roomLog.appendEvent('edit', { v: 1, type: 'deleted', room: 'edit', id: 'm3', seq: 999 });

    expect(ids(await roomLog.recent('edit', 10))).toEqual(['m2', 'm4']);
    const recovered = frames((await roomLog.since('edit', 0)).frames);
    expect(recovered.map((f) => f.id)).toEqual(['m2', 'm4', 'm3']);
    expect(recovered.at(-1)).toMatchObject({ type: 'deleted', id: 'm3' });
    expect(recovered.at(-1)!.seq).not.toBe(999);
    expect(ids(await roomLog.recent('other', 10))).toEqual(['m2']);

    expect(await roomLog.remove('edit', 'm3')).toBe(false);
    expect(await roomLog.remove('edit', 'nope')).toBe(false);
    expect(await roomLog.remove('empty', 'm2')).toBe(false);
  });

  it('purges a room from both streams, then takes messages again', async () => {
    await post('clear', 'c1', 'c2');
    await roomLog.appendEvent('clear', { v: 1, type: 'room_state', room: 'clear' });
    await roomLog.purge('clear');
    expect(await roomLog.recent('clear', 10)).toEqual([]);
    expect((await roomLog.since('clear', 0)).frames).toEqual([]);

    await roomLog.appendEvent('clear', { v: 1, type: 'cleared', room: 'clear' });
    await roomLog.appendMessage('clear', { ...message('clear', 'held'), seq: 5 });
    const recent = (await roomLog.recent('clear', 10)) as RoomMessage[];
    expect(ids(recent)).toEqual(['held']);
    const recovered = frames((await roomLog.since('clear', 0)).frames);
    expect(recovered.map((f) => f.type)).toEqual(['cleared', 'message']);
    expect(recent[0]!.seq).toBe(recovered[1]!.seq);
    expect(recent[0]!.seq).toBeGreaterThan(5);
  });

  it('stores an approved message once however often it is approved within the duplicate window', async () => {
    await roomLog.appendMessage('approve', message('approve', 'a1'));
    await roomLog.appendMessage('approve', message('approve', 'a1'));
    expect(ids(await roomLog.recent('approve', 10))).toEqual(['a1']);
  });
});
