import { z } from 'zod';
import { colorSchema, textSchema, type MessageKind, type RoomMessage } from '@onair/realtime';

/**
 * Where a danmaku is drawn: scrolling right to left (Bilibili mode 1), pinned at the top (mode 5), pinned at the
 * bottom (mode 4), or scrolling left to right (`reverse`, Bilibili mode 6).
 */
export const DANMAKU_MODES = ['scroll', 'top', 'bottom', 'reverse'] as const;

/** One of {@link DANMAKU_MODES}. */
export type DanmakuMode = (typeof DANMAKU_MODES)[number];

/**
 * How large a danmaku is drawn, in Bilibili's font sizes: `small` 18 px, `normal` 25 px, `large` 36 px (the
 * `fontsize` of Bilibili's danmaku XML `p` attribute and its send API). Clients scale them with the video.
 */
export const DANMAKU_SIZES = ['small', 'normal', 'large'] as const;

/** One of {@link DANMAKU_SIZES}. */
export type DanmakuSize = (typeof DANMAKU_SIZES)[number];

/** Colour of a danmaku whose post names none. */
export const DEFAULT_COLOR = '#ffffff';

/** Size of a danmaku whose post names none. */
export const DEFAULT_SIZE: DanmakuSize = 'normal';

/** What a viewer posts: `{"type":"danmaku","text":...,"mode"?:...,"color"?:...,"size"?:...}`, validated. */
export interface DanmakuPost {
  readonly text: string;
  readonly mode: DanmakuMode;
  /** "#rrggbb", lower case. */
  readonly color: string;
  readonly size: DanmakuSize;
}

/** A danmaku as every viewer of the room receives it (protocol v1). */
export interface Danmaku extends RoomMessage {
  readonly type: 'danmaku';
  readonly mode: DanmakuMode;
  readonly color: string;
  readonly size: DanmakuSize;
  /** ms since the room's current publish started when the danmaku was accepted; -1 when the room is not live. */
  readonly streamTimeMs: number;
}

/** Zod schema of a danmaku post; `mode` defaults to scroll, `color` to white, `size` to normal. */
export function danmakuPostSchema(maxTextLength: number): z.ZodType<DanmakuPost> {
  return z.object({
    text: textSchema('text', maxTextLength),
    mode: z.enum(DANMAKU_MODES, { error: 'mode must be scroll, top, bottom or reverse' }).default('scroll'),
    color: colorSchema.default(DEFAULT_COLOR),
    size: z.enum(DANMAKU_SIZES, { error: 'size must be small, normal or large' }).default(DEFAULT_SIZE),
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
      size: post.size,
      streamTimeMs: streamTimeMs(stamp.room, stamp.sentAtMs),
    }),
    stream: 'DANMAKU',
    subjectPrefix: 'danmaku.room',
    historyOnJoin: false,
  };
}
