import { createLogger } from '@onair/runtime';
import { describe, expect, it } from 'vitest';
import type { RoomMessage } from './frames.js';
import { joinFrames } from './join-frames.js';
import { accepted } from './result.js';
import type { RecoveredFrames } from './room-log.js';

const log = createLogger({ service: 'test', level: 'silent' });

const frame = (seq: number) => `{"seq":${seq},"v":1,"type":"message","text":"m${seq}"}`;

const recovered = (seqs: number[], extra: Partial<RecoveredFrames> = {}): RecoveredFrames => ({
  frames: seqs.map(frame),
  complete: true,
  truncated: false,
  lastSeq: seqs.at(-1) ?? 0,
  ...extra,
});

const parse = (frames: readonly string[]) => frames.map((f) => JSON.parse(f) as Record<string, unknown>);

describe('joinFrames', () => {
  it('gives a viewer without since the history (with the last seq it covers), or nothing', async () => {
    const message = { v: 1, type: 'message', id: 'a', room: 'r', name: 'n', userId: 'u', text: 't', sentAtMs: 1 };
    const history = () => Promise.resolve(accepted([{ ...message, seq: 41 } as RoomMessage]));
    const since = () => Promise.reject(new Error('not called'));
    const withHistory = await joinFrames({ since, history, maxRecoveredBytes: 1000, log })('r');
    expect(withHistory.lastSeq).toBe(41);
    expect(parse(withHistory.frames)).toEqual([{ v: 1, type: 'history', messages: [{ ...message, seq: 41 }] }]);
    expect(await joinFrames({ since, history: undefined, maxRecoveredBytes: 1000, log })('r')).toEqual({
      frames: [],
      lastSeq: 0,
    });
  });

  it('gives a viewer with since the frames it missed, then a recovered frame', async () => {
    let asked: unknown;
    const since = (room: string, afterSeq: number) => {
      asked = [room, afterSeq];
      return Promise.resolve(recovered([11, 15]));
    };
    const join = await joinFrames({ since, history: undefined, maxRecoveredBytes: 1000, log })('r', 10);
    expect(asked).toEqual(['r', 10]);
    expect(join.lastSeq).toBe(15);
    expect(parse(join.frames).map((f) => f.seq ?? f.type)).toEqual([11, 15, 'recovered']);
    expect(parse(join.frames).at(-1)).toEqual({ v: 1, type: 'recovered', complete: true, count: 2 });
  });

  it.each([
    ['the stream dropped frames', recovered([12], { complete: false }), 12],
    ['the read stopped at its bound', recovered([11, 12], { truncated: true }), 12],
  ])('says incomplete when %s', async (_why, read, lastSeq) => {
    const join = await joinFrames({
      since: () => Promise.resolve(read),
      history: undefined,
      maxRecoveredBytes: 1000,
      log,
    })('r', 10);
    expect(join.lastSeq).toBe(lastSeq);
    expect(parse(join.frames).at(-1)).toMatchObject({ type: 'recovered', complete: false });
  });

  it('sends at most maxRecoveredBytes of frames, covering only those sent', async () => {
    const since = () => Promise.resolve(recovered([11, 12, 13]));
    const join = await joinFrames({ since, history: undefined, maxRecoveredBytes: frame(11).length * 2, log })('r', 10);
    expect(join.lastSeq).toBe(12);
    expect(parse(join.frames).at(-1)).toEqual({ v: 1, type: 'recovered', complete: false, count: 2 });
  });

  it('answers a failed read with UNAVAILABLE and joins live', async () => {
    const since = () => Promise.reject(new Error('no JetStream'));
    const join = await joinFrames({ since, history: undefined, maxRecoveredBytes: 1000, log })('r', 10);
    expect(join.lastSeq).toBe(0);
    expect(parse(join.frames)).toEqual([
      { v: 1, type: 'error', code: 'UNAVAILABLE', message: 'recovery is not available right now' },
    ]);
  });
});
