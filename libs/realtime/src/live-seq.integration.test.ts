import { jetstream, jetstreamManager } from '@onair/nats-kit';
import { createLogger } from '@onair/runtime';
import { startNatsFixture, waitFor, type NatsFixture } from '@onair/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoomMessage } from './frames.js';
import { PostQueue } from './post-queue.js';
import { RoomFanout } from './room-fanout.js';
import { framesOf } from './room-batch.js';
import { RoomLog } from './room-log.js';
import { streamBus } from './stream-bus.js';

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

describe('live frames and stored frames', () => {
  let fixture: NatsFixture;
  let roomLog: RoomLog;
  let fanout: RoomFanout;

  beforeAll(async () => {
    fixture = await startNatsFixture();
    roomLog = await RoomLog.open({
      nc: fixture.nc,
      stream: 'DANMAKU',
      subjectPrefix: 'danmaku.room',
      historySize: 10,
      retentionMs: 3_600_000,
      log,
    });
    const bus = streamBus({
      js: jetstream(fixture.nc),
      jsm: await jetstreamManager(fixture.nc),
      stream: 'DANMAKU',
      log,
    });
    fanout = new RoomFanout(bus, (room) => roomLog.subject(room), log);
  });

  afterAll(async () => {
    await fanout?.close();
    await fixture?.stop();
  });

  it('delivers each frame live exactly as since() reads it back, seq included', async () => {
    const live: string[] = [];
    await fanout.join('seq', { deliver: (frame) => live.push(...framesOf(frame)) });
    const joinedAt = await roomLog.lastSeq();
    for (let i = 0; i < 20; i++) await roomLog.append('seq', message('seq', `s${i}`), `s${i}`);
    await roomLog.appendEvent('seq', { v: 1, type: 'deleted', room: 'seq', id: 's3' });
    await waitFor(() => live.length === 21, { what: '21 live frames' });
    expect(live).toEqual((await roomLog.since('seq', joinedAt)).frames);
    // The history stream keeps the room's last 10 frames: the event and 9 messages.
    const history = (await roomLog.recent('seq', 10)) as RoomMessage[];
    expect(history.map((m) => m.seq)).toEqual(live.slice(11, 20).map((f) => (JSON.parse(f) as RoomMessage).seq));
  });

  it("stores a connection's posts pipelined: all in flight at once, stored in posting order", async () => {
    const count = 200;
    let inFlight = 0;
    let mostInFlight = 0;
    const reported: number[] = [];
    const seen = await roomLog.lastSeq();
    const queue = new PostQueue<number, unknown>(
      count,
      async (i) => {
        inFlight++;
        mostInFlight = Math.max(mostInFlight, inFlight);
        try {
          return await roomLog.append('pipe', message('pipe', `p${i}`), `p${i}`);
        } finally {
          inFlight--;
        }
      },
      (i) => reported.push(i),
    );
    for (let i = 0; i < count; i++) expect(queue.push(i)).toBe(true);
    await waitFor(() => reported.length === count, { what: 'every post reported' });
    expect(mostInFlight).toBe(count);
    expect(reported).toEqual([...Array(count).keys()]);
    const stored = (await roomLog.since('pipe', seen)).frames.map((f) => (JSON.parse(f) as RoomMessage).id);
    expect(stored).toEqual([...Array(count).keys()].map((i) => `p${i}`));
  });
});
