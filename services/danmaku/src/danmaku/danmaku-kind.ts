import { z } from 'zod';
import { colorSchema, textSchema, type MessageKind, type RoomMessage } from '@onair/realtime';
import type { DanmakuPlacement } from './stream-time.js';

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

/**
 * What a viewer posts: `{"type":"danmaku","text":...,"mode"?:...,"color"?:...,"size"?:...,"playheadMs"?:...}`,
 * validated.
 */
export interface DanmakuPost {
  readonly text: string;
  readonly mode: DanmakuMode;
  /** "#rrggbb", lower case. */
  readonly color: string;
  readonly size: DanmakuSize;
  /**
   * The poster's playhead: the wall-clock time (unix epoch ms) of the frame shown, from EXT-X-PROGRAM-DATE-TIME
   * (hls.js `playingDate`); absent when the player does not know it. Only used to place the danmaku (streamTimeOf).
   */
  readonly playheadMs?: number | undefined;
}

/** A danmaku as every viewer of the room receives it (protocol v1). */
export interface Danmaku extends RoomMessage {
  readonly type: 'danmaku';
  readonly mode: DanmakuMode;
  readonly color: string;
  readonly size: DanmakuSize;
  /**
   * Where on the publish's media timeline the poster saw it, ms since the publish started (see streamTimeOf); -1
   * when the room is not live.
   */
  readonly streamTimeMs: number;
  /** The room's publish (live entry `publishId`) when the danmaku was accepted; absent when the room is not live. */
  readonly publishId?: string;
}

/** Zod schema of a danmaku post; `mode` defaults to scroll, `color` to white, `size` to normal. */
export function danmakuPostSchema(maxTextLength: number): z.ZodType<DanmakuPost> {
  return z.object({
    text: textSchema('text', maxTextLength),
    mode: z.enum(DANMAKU_MODES, { error: 'mode must be scroll, top, bottom or reverse' }).default('scroll'),
    color: colorSchema.default(DEFAULT_COLOR),
    size: z.enum(DANMAKU_SIZES, { error: 'size must be small, normal or large' }).default(DEFAULT_SIZE),
    playheadMs: z
      .number({ error: 'playheadMs must be a number' })
      .int({ error: 'playheadMs must be an integer (unix epoch ms)' })
      .nonnegative({ error: 'playheadMs must not be negative' })
      .optional(),
  });
}

/**
 * The danmaku message kind: validation of posts and the delivered danmaku, stamped with its publish and stream
 * time, kept in JetStream DANMAKU on `danmaku.room.<room>` (viewers get no history on join). The poster's
 * `playheadMs` only places the danmaku; it is not delivered.
 * @param place the publish and stream time of a danmaku of `room` accepted at wall-clock `atMs` (ms) from a
 *   poster at `playheadMs` (see streamTimeOf)
 */
export function danmakuKind(
  maxTextLength: number,
  place: (room: string, atMs: number, playheadMs: number | undefined) => DanmakuPlacement,
): MessageKind<DanmakuPost, Danmaku> {
  return {
    type: 'danmaku',
    schema: danmakuPostSchema(maxTextLength),
    shape: (stamp, post) => {
      const { publishId, streamTimeMs } = place(stamp.room, stamp.sentAtMs, post.playheadMs);
      return {
        ...stamp,
        type: 'danmaku',
        text: post.text,
        mode: post.mode,
        color: post.color,
        size: post.size,
        streamTimeMs,
        ...(publishId === undefined ? {} : { publishId }),
      };
    },
    stream: 'DANMAKU',
    subjectPrefix: 'danmaku.room',
    historyOnJoin: false,
  };
}
