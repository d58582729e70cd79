import { connectNats, type NatsConnection } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, waitFor, type NatsFixture } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomMessage } from './frames.js';
import { RoomLog, type RoomLogOptions } from './room-log.js';

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

const parse = (frames: readonly string[]) => frames.map((f) => JSON.parse(f) as { seq: number; id?: string });

/**
 * Posts `count` messages of `room` through `logs` in turn, each log's share pipelined (all its appends called at
 * once), with a message of another room between, and resolves to the ids in each log's call order.
 */
async function postAcross(logs: RoomLog[], room: string, count: number, prefix: string): Promise<string[][]> {
  const ids = logs.map(() => [] as string[]);
  const appends: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i++) {
    const which = i % logs.length;
    const id = `${prefix}-${i}`;
    ids[which]!.push(id);
    appends.push(logs[which]!.append(room, message(room, id), id));
    appends.push(logs[which]!.append('other', message('other', `${id}-other`), `${id}-other`));
  }
  await Promise.all(appends);
  return ids;
}

/** The ids of `frames` that came from each log's ids, in frame order. */
const byLog = (frames: readonly string[], ids: string[][]) =>
  ids.map((own) => parse(frames).flatMap((f) => (f.id !== undefined && own.includes(f.id) ? [f.id] : [])));

describe('RoomLog recovery', () => {
  let fixture: NatsFixture;
  let second: NatsConnection;
  let a: RoomLog;
  let b: RoomLog;
  const options = (nc: NatsConnection): RoomLogOptions => ({
    nc,
    stream: 'CHAT',
    subjectPrefix: 'chat.room',
    historySize: 20,
    retentionMs: 3_600_000,
    log,
  });

  beforeAll(async () => {
    fixture = await startNatsFixture();
    second = await connectNats({ servers: fixture.nats.url, name: 'second', log });
    a = await RoomLog.open(options(fixture.nc));
    b = await RoomLog.open(options(second));
  });

  afterAll(async () => {
    await second?.close();
    await fixture?.stop();
  });

  it('gives a client back exactly the 500 frames of its room stored while it was away, in order', async () => {
    const seen = (await a.append('away', message('away', 'seen'), 'seen')) as { seq: number };
    const ids = await postAcross([a, b], 'away', 250, 'x');
    await a.appendEvent('away', { v: 1, type: 'room_state', room: 'away', slowModeMs: 0 });
    ids.push(...(await postAcross([b, a], 'away', 250, 'y')));

    const recovered = await b.since('away', seen.seq);
    const frames = parse(recovered.frames);
    expect(frames).toHaveLength(501);
    expect(frames.filter((f) => f.id === undefined)).toEqual([
      expect.objectContaining({ type: 'room_state', room: 'away' }),
    ]);
    expect(frames.map((f) => f.seq)).toEqual([...frames.map((f) => f.seq)].sort((x, y) => x - y));
    expect(frames[0]!.seq).toBeGreaterThan(seen.seq);
    expect(new Set(frames.flatMap((f) => f.id ?? [])).size).toBe(500);
    expect(byLog(recovered.frames, ids)).toEqual(ids);
    expect(recovered).toMatchObject({ complete: true, truncated: false, lastSeq: frames.at(-1)!.seq });

    const rest = await a.since('away', frames[99]!.seq, 100);
    expect(parse(rest.frames).map((f) => f.seq)).toEqual(frames.slice(100, 200).map((f) => f.seq));
    expect(rest).toMatchObject({ complete: true, truncated: true, lastSeq: frames[199]!.seq });
    expect(await a.since('away', recovered.lastSeq)).toEqual({
      frames: [],
      complete: true,
      truncated: false,
      lastSeq: recovered.lastSeq,
    });
  });

  it('keeps the frames, their seqs and the recovery across a nats-server restart (file storage)', async () => {
    const seen = await a.lastSeq();
    const before = await postAcross([a, b], 'restart', 250, 'before');
    const stored = await a.since('restart', seen);
    await fixture.nats.restart();
    await waitFor(() => Promise.all([a.lastSeq(), b.lastSeq()]).then(() => true), {
      what: 'both connections back',
    });
    const after = await postAcross([b, a], 'restart', 250, 'after');
    const recovered = await a.since('restart', seen);
    expect(recovered.frames.slice(0, 250)).toEqual(stored.frames);
    expect(byLog(recovered.frames, [...before, ...after])).toEqual([...before, ...after]);
    expect(recovered.frames).toHaveLength(500);
    expect(recovered.complete).toBe(true);
  });

  it('says incomplete once the stream has dropped frames after the client seq', async () => {
    const short = await RoomLog.open({
      ...options(fixture.nc),
      stream: 'SHORT',
      subjectPrefix: 'short.room',
      retentionMs: 1000,
    });
    const seen = (await short.append('r', message('r', 'first'), 'first')) as { seq: number };
    await short.append('r', message('r', 'expires'), 'expires');
    await waitFor(async () => (await short.since('r', 0)).frames.length === 0, { what: 'messages to expire' });
    await short.append('r', message('r', 'fresh'), 'fresh');
    const recovered = await short.since('r', seen.seq);
    expect(parse(recovered.frames).map((f) => f.id)).toEqual(['fresh']);
    expect(recovered.complete).toBe(false);
    const fromFresh = await short.since('r', recovered.lastSeq - 1);
    expect(fromFresh.complete).toBe(true);
  });

  it('says incomplete for a seq beyond the stream, and stays where live frames continue', async () => {
    const last = await a.lastSeq();
    expect(await a.since('away', last + 1000)).toEqual({
      frames: [],
      complete: false,
      truncated: false,
      lastSeq: last,
    });
  });
});
