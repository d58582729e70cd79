import { PUBLISH_ID_PATTERN, ROOM_ID_PATTERN } from '@onair/contracts';
import { OnairError } from '@onair/runtime';
import type { Danmaku } from '../danmaku/danmaku-kind.js';

/** Danmaku a page holds unless told otherwise. */
export const REPLAY_DEFAULT_LIMIT = 500;
/** Most danmaku a page holds. */
export const REPLAY_MAX_LIMIT = 1000;
/**
 * Most of the room's stored messages one replay call reads from the publish's start (each call reads them again
 * to order the publish by stream time); past it the answer says `truncated`.
 */
export const REPLAY_MAX_SCAN = 100_000;
/**
 * Once a message of a later publish is read, the read goes on this long (by `sentAtMs`, ms) for danmaku of the
 * publish accepted by an instance that had not yet seen the new publish, then stops.
 */
export const NEXT_PUBLISH_GRACE_MS = 60_000;

/** One message of the room read back: its JSON text and its sequence in the DANMAKU stream. */
export interface ReplayMessage {
  readonly seq: number;
  readonly text: string;
}

/** Where a replay reads from (JetStream in the service; see app.ts). */
export interface ReplaySource {
  /** When the publish started, unix epoch ms; undefined when unknown. */
  publishStartMs(room: string, publishId: string): Promise<number | undefined>;
  /**
   * The room's danmaku (events left out: deleted danmaku are gone from the stream) stored at or after
   * `startTimeMs`, in stream order, up to what is stored when the read starts; the read stops when the caller breaks.
   */
  messages(room: string, startTimeMs: number): AsyncIterable<ReplayMessage>;
  /**
   * The danmaku imported into the publish (Bilibili XML import), in stored order, up to what is stored when the read
   * starts; their `seq` counts in the import stream, not in DANMAKU.
   */
  imported(room: string, publishId: string): AsyncIterable<ReplayMessage>;
}

/** What a replay asks for: a range of stream time and a page. */
export interface ReplayQuery {
  /** Only danmaku at or after this stream time, ms. @default 0 */
  fromMs?: number | undefined;
  /** Only danmaku before this stream time, ms. @default no bound */
  toMs?: number | undefined;
  /** The `next` of the previous page: only danmaku after it. */
  after?: string | undefined;
  /** Danmaku in the page, 1–{@link REPLAY_MAX_LIMIT}. @default {@link REPLAY_DEFAULT_LIMIT} */
  limit?: number | undefined;
}

/**
 * A danmaku as a replay returns it: as stored, with its `seq` in the DANMAKU stream, or for an imported one
 * (`imported: true`) in the import stream.
 */
export type ReplayedDanmaku = Danmaku & { readonly seq: number; readonly imported?: true };

/** One page of a replay. */
export interface ReplayPage {
  /** The publish's danmaku in the range, oldest first by stream time (then by `seq`). */
  readonly items: ReplayedDanmaku[];
  /** Cursor of the next page (pass as `after`); null when this page is the last. */
  readonly next: string | null;
  /** True when the read stopped at {@link REPLAY_MAX_SCAN} messages: later danmaku of the publish are missing. */
  readonly truncated: boolean;
}

/**
 * The danmaku of publish `publishId` of `room` in a stream-time range, a page at a time, oldest first by
 * `streamTimeMs`; danmaku deleted by moderation are not there.
 * @throws OnairError INVALID_ARGUMENT naming the field (`room`, `publish`, `fromMs`, `toMs`, `after`, `limit`),
 *   NOT_FOUND when the publish is unknown; JetStream errors.
 */
export type ReplayDanmaku = (room: string, publishId: string, query: ReplayQuery) => Promise<ReplayPage>;

/**
 * A position in a publish's stream-time order: `<streamTimeMs>-<seq>`, or `<streamTimeMs>-i<seq>` for an imported
 * danmaku (whose seq counts in another stream).
 */
const CURSOR = /^(\d{1,15})-(i?)(\d{1,15})$/;

/** Where a danmaku goes in a replay: by stream time, then the live ones before the imported ones, then by seq. */
interface Position {
  readonly t: number;
  readonly imported: boolean;
  readonly seq: number;
}

function before(a: Position, b: Position): boolean {
  if (a.t !== b.t) return a.t < b.t;
  if (a.imported !== b.imported) return b.imported;
  return a.seq < b.seq;
}

const positionOf = (d: ReplayedDanmaku): Position => ({ t: d.streamTimeMs, imported: d.imported === true, seq: d.seq });
const cursorText = (p: Position): string => `${p.t}-${p.imported ? 'i' : ''}${p.seq}`;

function nonNegative(value: number | undefined, field: string): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0))
    throw new OnairError('INVALID_ARGUMENT', `${field} must be a non-negative integer (ms)`, { field });
}

function cursorOf(after: string | undefined): Position | undefined {
  if (after === undefined) return undefined;
  const match = CURSOR.exec(after);
  if (!match)
    throw new OnairError('INVALID_ARGUMENT', 'after must be a cursor from a previous page', { field: 'after' });
  return { t: Number(match[1]), imported: match[2] === 'i', seq: Number(match[3]) };
}

/** The stored message as a (partial) danmaku; undefined when it is not JSON. */
function parsed(m: ReplayMessage): Partial<Danmaku> | undefined {
  try {
    return (JSON.parse(m.text) as Partial<Danmaku> | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `d` is a danmaku of a publish that started after `startMs`: its `sentAtMs - streamTimeMs` (about when
 * its publish started) is later.
 */
function ofLaterPublish(d: Partial<Danmaku>, publishId: string, startMs: number): d is Danmaku {
  return (
    typeof d.publishId === 'string' &&
    d.publishId !== publishId &&
    typeof d.sentAtMs === 'number' &&
    typeof d.streamTimeMs === 'number' &&
    d.sentAtMs - d.streamTimeMs > startMs
  );
}

/**
 * {@link ReplayDanmaku} over `source`. A call reads the room's messages from the publish's start (JetStream
 * `opt_start_time`) until the end of the stream, until {@link NEXT_PUBLISH_GRACE_MS} after the first danmaku of a
 * later publish (one whose `sentAtMs - streamTimeMs` is after this publish's start), or `maxScan` messages, then the
 * danmaku imported into the publish (within the same `maxScan`); it keeps only the page's `limit` + 1 earliest
 * danmaku after the cursor, so its memory is bounded by the page whatever the publish's size. Stream time is not the stored
 * order (playheads differ by up to DANMAKU_PLAYHEAD_MAX_BEHIND_MS), hence the full read per page.
 */
export function replayDanmakuFrom(source: ReplaySource, maxScan = REPLAY_MAX_SCAN): ReplayDanmaku {
  return async (room, publishId, { fromMs, toMs, after, limit = REPLAY_DEFAULT_LIMIT }) => {
    if (!ROOM_ID_PATTERN.test(room))
      throw new OnairError('INVALID_ARGUMENT', 'room must be 1 to 64 characters of a-z, 0-9 and -', { field: 'room' });
    if (!PUBLISH_ID_PATTERN.test(publishId))
      throw new OnairError('INVALID_ARGUMENT', 'publish must be a publish id (lower-case UUID)', { field: 'publish' });
    nonNegative(fromMs, 'fromMs');
    nonNegative(toMs, 'toMs');
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > REPLAY_MAX_LIMIT)
      throw new OnairError('INVALID_ARGUMENT', `limit must be 1 to ${REPLAY_MAX_LIMIT}`, { field: 'limit' });
    const cursor = cursorOf(after);
    const startMs = await source.publishStartMs(room, publishId);
    if (startMs === undefined) throw new OnairError('NOT_FOUND', 'no danmaku are known for this publish');
    const kept: ReplayedDanmaku[] = [];
    const keep = (d: Partial<Danmaku>, seq: number, imported: boolean): void => {
      if (d.type !== 'danmaku' || d.publishId !== publishId || typeof d.streamTimeMs !== 'number') return;
      const at = { t: d.streamTimeMs, imported, seq };
      if (at.t < (fromMs ?? 0) || (toMs !== undefined && at.t >= toMs)) return;
      if (cursor && !before(cursor, at)) return;
      let i = kept.length;
      while (i > 0 && before(at, positionOf(kept[i - 1]!))) i--;
      if (i > limit) return;
      kept.splice(i, 0, imported ? { ...(d as Danmaku), seq, imported: true } : { ...(d as Danmaku), seq });
      if (kept.length > limit + 1) kept.pop();
    };
    let scanned = 0;
    let truncated = false;
    let laterSinceMs: number | undefined;
    for await (const m of source.messages(room, startMs)) {
      if (scanned === maxScan) {
        truncated = true;
        break;
      }
      scanned++;
      const d = parsed(m);
      if (d === undefined) continue;
      if (ofLaterPublish(d, publishId, startMs)) laterSinceMs ??= d.sentAtMs;
      if (laterSinceMs !== undefined && (d.sentAtMs ?? 0) >= laterSinceMs + NEXT_PUBLISH_GRACE_MS) break;
      keep(d, m.seq, false);
    }
    if (!truncated) {
      for await (const m of source.imported(room, publishId)) {
        if (scanned === maxScan) {
          truncated = true;
          break;
        }
        scanned++;
        const d = parsed(m);
        if (d !== undefined) keep(d, m.seq, true);
      }
    }
    const items = kept.slice(0, limit);
    const last = items.at(-1);
    const next = kept.length > limit && last ? cursorText(positionOf(last)) : null;
    return { items, next, truncated };
  };
}
