import { z } from 'zod';
import { colorSchema, textSchema, type MessageKind, type RoomMessage } from '@onair/realtime';

/** Where a danmaku is drawn: scrolling right to left, pinned at the top, or pinned at the bottom. */
export const DANMAKU_MODES = ['scroll', 'top', 'bottom'] as const;

/** One of {@link DANMAKU_MODES}. */
export type DanmakuMode = (typeof DANMAKU_MODES)[number];

/** Colour of a danmaku whose post names none. */
export const DEFAULT_COLOR = '#ffffff';

/** What a viewer posts: `{"type":"danmaku","text":...,"mode"?:...,"color"?:...}`, validated. */
export interface DanmakuPost {
  readonly text: string;
  readonly mode: DanmakuMode;
  /** "#rrggbb", lower case. */
  readonly color: string;
}

/** A danmaku as every viewer of the room receives it (protocol v1). */
export interface Danmaku extends RoomMessage {
  readonly type: 'danmaku';
  readonly mode: DanmakuMode;
  readonly color: string;
  /** ms since the room's current publish started when the danmaku was accepted; -1 when the room is not live. */
  readonly streamTimeMs: number;
}

/** Zod schema of a danmaku post; `mode` defaults to scroll, `color` to white. */
export function danmakuPostSchema(maxTextLength: number): z.ZodType<DanmakuPost> {
  return z.object({
    text: textSchema('text', maxTextLength),
    mode: z.enum(DANMAKU_MODES, { error: 'mode must be scroll, top or bottom' }).default('scroll'),
    color: colorSchema.default(DEFAULT_COLOR),
  });
}

/**
 * The danmaku message kind: validation of posts and the delivered danmaku, stamped with its stream time, kept in
 * JetStream DANMAKU on `danmaku.room.<room>` (viewers get no history on join).
 * @param streamTimeMs stream time of `room` at wall-clock `atMs` (see LiveClock)
 */
export function danmakuKind(
  maxTextLength: number,
  streamTimeMs: (room: string, atMs: number) => number,
): MessageKind<DanmakuPost, Danmaku> {
  return {
    type: 'danmaku',
    schema: danmakuPostSchema(maxTextLength),
    shape: (stamp, post) => ({
      ...stamp,
      type: 'danmaku',
      text: post.text,
      mode: post.mode,
      color: post.color,
      streamTimeMs: streamTimeMs(stamp.room, stamp.sentAtMs),
    }),
    stream: 'DANMAKU',
    subjectPrefix: 'danmaku.room',
    historyOnJoin: false,
  };
}
