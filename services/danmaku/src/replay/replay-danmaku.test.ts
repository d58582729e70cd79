import { describe, expect, it } from 'vitest';
import { OnairError } from '@onair/runtime';
import { replayDanmakuFrom, type ReplayMessage, type ReplaySource } from './replay-danmaku.js';

const P1 = '11111111-1111-4111-8111-111111111111';
const P2 = '22222222-2222-4222-8222-222222222222';
const START = 1_000_000;

/** A stored danmaku of `publishId` at stream time `t`, posted `t` ms after START unless told. */
function stored(seq: number, publishId: string | undefined, t: number, sentAtMs = START + t): ReplayMessage {
  const d = { v: 1, type: 'danmaku', id: `id-${seq}`, room: 'demo', text: `at ${t}`, sentAtMs, streamTimeMs: t };
  return { seq, text: JSON.stringify(publishId === undefined ? d : { ...d, publishId }) };
}

/** A danmaku imported into `publishId` at stream time `t`, with its seq in the import stream. */
function imported(seq: number, publishId: string, t: number): ReplayMessage {
  const d = { v: 1, type: 'danmaku', id: `bilibili:${seq}`, room: 'demo', text: `imported at ${t}`, sentAtMs: 1 };
  return { seq, text: JSON.stringify({ ...d, streamTimeMs: t, publishId, imported: true, importedBy: 'mod-1' }) };
}

/**
 * A source holding `messages` for room "demo", publish P1 starting at START, and `imports` imported into it; counts
 * the messages read.
 */
function source(messages: ReplayMessage[], imports: ReplayMessage[] = []): ReplaySource & { read: number } {
  const src = {
    read: 0,
    publishStartMs: async (_room: string, publishId: string) => (publishId === P1 ? START : undefined),
    async *messages() {
      for (const m of messages) {
        src.read++;
        yield m;
      }
    },
    async *imported(_room: string, publishId: string) {
      for (const m of publishId === P1 ? imports : []) {
        src.read++;
        yield m;
      }
    },
  };
  return src;
}

const texts = (items: Array<{ streamTimeMs: number; seq: number }>) => items.map((d) => [d.streamTimeMs, d.seq]);

describe('replayDanmakuFrom', () => {
  // Stored order is not stream-time order: playheads differ.
  const messages = [
    stored(1, P1, 5000),
    stored(2, P1, 1000),
    { seq: 3, text: 'not json' },
    stored(4, undefined, -1),
    stored(5, P1, 3000),
    stored(6, P1, 3000),
    stored(7, P1, 9000),
    { seq: 8, text: JSON.stringify({ v: 1, type: 'chat', publishId: P1, streamTimeMs: 1 }) },
  ];

  it('returns the publish danmaku oldest first by stream time, then seq', async () => {
    const page = await replayDanmakuFrom(source(messages))('demo', P1, {});
    expect(texts(page.items)).toEqual([
      [1000, 2],
      [3000, 5],
      [3000, 6],
      [5000, 1],
      [9000, 7],
    ]);
    expect(page.items[0]).toMatchObject({ id: 'id-2', text: 'at 1000', publishId: P1, seq: 2 });
    expect(page).toMatchObject({ next: null, truncated: false });
  });

  it('pages with the cursor until next is null, each danmaku once', async () => {
    const replay = replayDanmakuFrom(source(messages));
    const pages: number[][][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await replay('demo', P1, { limit: 2, after });
      pages.push(texts(page.items));
      if (page.next === null) break;
      after = page.next;
    }
    expect(pages).toEqual([
      [
        [1000, 2],
        [3000, 5],
      ],
      [
        [3000, 6],
        [5000, 1],
      ],
      [[9000, 7]],
    ]);
  });

  it('keeps a range [fromMs, toMs)', async () => {
    const page = await replayDanmakuFrom(source(messages))('demo', P1, { fromMs: 3000, toMs: 9000 });
    expect(texts(page.items)).toEqual([
      [3000, 5],
      [3000, 6],
      [5000, 1],
    ]);
  });

  it('stops reading a grace minute after the first danmaku of a later publish', async () => {
    const later = START + 100_000;
    const src = source([
      stored(1, P1, 1000),
      stored(2, P2, 0, later),
      stored(3, P1, 99_000, later + 1000),
      stored(4, P2, 60_000, later + 60_000),
      stored(5, P1, 99_500, later + 60_001),
    ]);
    const page = await replayDanmakuFrom(src)('demo', P1, {});
    expect(texts(page.items)).toEqual([
      [1000, 1],
      [99_000, 3],
    ]);
    expect(src.read).toBe(4);
  });

  it('merges the imported danmaku by stream time, live before imported at one time, and pages through both', async () => {
    const imports = [imported(2, P1, 3000), imported(1, P1, 500), imported(7, P1, 9000)];
    const replay = replayDanmakuFrom(source(messages, imports));
    const all = await replay('demo', P1, {});
    expect(all.items.map((d) => [d.streamTimeMs, d.seq, d.imported ?? false])).toEqual([
      [500, 1, true],
      [1000, 2, false],
      [3000, 5, false],
      [3000, 6, false],
      [3000, 2, true],
      [5000, 1, false],
      [9000, 7, false],
      [9000, 7, true],
    ]);
    expect(all.items[0]).toMatchObject({ id: 'bilibili:1', importedBy: 'mod-1', publishId: P1 });
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await replay('demo', P1, { limit: 3, after });
      seen.push(...page.items.map((d) => `${d.streamTimeMs}-${d.imported ? 'i' : ''}${d.seq}`));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(['500-i1', '1000-2', '3000-5', '3000-6', '3000-i2', '5000-1', '9000-7', '9000-i7']);
  });

  it('says truncated when the read hits its bound', async () => {
    const page = await replayDanmakuFrom(source(messages), 3)('demo', P1, {});
    expect(texts(page.items)).toEqual([
      [1000, 2],
      [5000, 1],
    ]);
    expect(page.truncated).toBe(true);
  });

  it('counts the imported danmaku in the bound', async () => {
    const src = source([stored(1, P1, 1000)], [imported(1, P1, 0), imported(2, P1, 10)]);
    const page = await replayDanmakuFrom(src, 2)('demo', P1, {});
    expect(page.items.map((d) => d.id)).toEqual(['bilibili:1', 'id-1']);
    expect(page.truncated).toBe(true);
  });

  it.each([
    ['Bad Room', P1, {}, 'room'],
    ['demo', 'not-a-uuid', {}, 'publish'],
    ['demo', 'ABCDEF01-1111-4111-8111-111111111111', {}, 'publish'],
    ['demo', P1, { fromMs: -1 }, 'fromMs'],
    ['demo', P1, { toMs: 1.5 }, 'toMs'],
    ['demo', P1, { limit: 0 }, 'limit'],
    ['demo', P1, { limit: 1001 }, 'limit'],
    ['demo', P1, { after: '12' }, 'after'],
  ])('refuses room %s publish %s %j naming %s', async (room, publishId, query, field) => {
    const err = await replayDanmakuFrom(source(messages))(room, publishId, query).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnairError);
    expect(err).toMatchObject({ code: 'INVALID_ARGUMENT', field });
  });

  it('answers NOT_FOUND for a publish it does not know', async () => {
    const err = await replayDanmakuFrom(source(messages))('demo', P2, {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOT_FOUND' });
  });
});
