import { z } from 'zod';
import type { ErrorCode } from '@onair/runtime';
import { roomIdSchema, textSchema, validate, type Result } from '@onair/realtime';
import { decimalToColor } from './color.js';
import { DEFAULT_COLOR, DEFAULT_SIZE, type DanmakuMode, type DanmakuPost } from '../danmaku/danmaku-kind.js';

/** A DPlayer v3 post, validated: where it goes, who posts it and what. */
export interface DplayerPost {
  readonly room: string;
  readonly publishId: string;
  /** The viewer token: the `Authorization` bearer token, else the body's `token` (stock DPlayer); never logged. */
  readonly token: string;
  /** Text, mode and colour; DPlayer has no size, so `normal`. */
  readonly post: DanmakuPost;
  /** The player's playhead when posting (DPlayer's `time`), ms on the publish's media timeline. */
  readonly streamTimeMs: number;
}

/** DPlayer `type` (number, or the names of `dp.danmaku.draw`) → danmaku mode (danmaku-formats.md §3.4, §3.6). */
const TYPE_MODES: Readonly<Record<string, DanmakuMode>> = {
  '0': 'scroll',
  '1': 'top',
  '2': 'bottom',
  right: 'scroll',
  top: 'top',
  bottom: 'bottom',
};

/** A publish id as the live bucket and recordings name it: UUID-like, no dots or slashes. */
const PUBLISH_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** `#rgb` or `#rrggbb` → `#rrggbb` lower case. */
function expandHex(color: string): string | undefined {
  if (/^#[0-9a-fA-F]{6}$/.test(color)) return color.toLowerCase();
  if (/^#[0-9a-fA-F]{3}$/.test(color)) return `#${[...color.slice(1)].map((c) => c + c).join('')}`.toLowerCase();
  return undefined;
}

function bodySchema(maxTextChars: number) {
  return z.object({
    id: z.string({ error: 'id must be a string' }),
    token: z.string({ error: 'token must be a string' }).optional(),
    time: z.number({ error: 'time must be a number of seconds' }).finite().nonnegative('time must not be negative'),
    text: textSchema('text', maxTextChars),
    color: z
      .union([z.number(), z.string()], { error: 'color must be a decimal RGB integer or #rrggbb' })
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return DEFAULT_COLOR;
        const color = typeof value === 'number' ? decimalToColor(value) : expandHex(value);
        if (color === undefined) ctx.addIssue({ code: 'custom', message: 'color must be 0..16777215 or #rrggbb' });
        return color ?? DEFAULT_COLOR;
      }),
    type: z
      .union([z.number(), z.string()], { error: 'type must be 0, 1 or 2' })
      .optional()
      .transform((value, ctx) => {
        const mode = value === undefined ? 'scroll' : TYPE_MODES[String(value)];
        if (mode === undefined)
          ctx.addIssue({ code: 'custom', message: 'type must be 0 (scroll), 1 (top) or 2 (bottom)' });
        return mode ?? 'scroll';
      }),
  });
}

function rejected(code: ErrorCode, message: string, field?: string): Result<never> {
  return { ok: false, rejection: field === undefined ? { code, message } : { code, message, field } };
}

/**
 * Validates a DPlayer v3 post, `POST {api}v3/` with JSON `{id, author, time, text, color, type, token?}`
 * (DPlayer src/js/danmaku.js `send`; danmaku-formats.md §3.4), where `id` is `<room>.<publishId>`, `time` the
 * playhead in seconds, `color` a decimal RGB888 integer (or `#rrggbb`), `type` 0 scroll, 1 top, 2 bottom.
 * The credential is the `Authorization: Bearer <token>` header (RFC 6750 §2.1) when the request has one, else the
 * body's `token` (RFC 6750 §2.2 in spirit: what a stock DPlayer sends from its `danmaku.token` option). Either way it
 * stays out of URLs; the body is never logged. `author` is ignored: the poster's name comes from the token.
 * Expected failures are values: UNAUTHENTICATED without a token (or with an `Authorization` header that is not a
 * bearer token), INVALID_ARGUMENT naming the field at fault.
 * @param body the parsed JSON body
 * @param authorization the request's `Authorization` header, if any
 * @param maxTextChars the room's longest danmaku text, characters
 */
export function parseDplayerPost(
  body: unknown,
  authorization: string | undefined,
  maxTextChars: number,
): Result<DplayerPost> {
  const bearer = authorization === undefined ? undefined : /^Bearer +(.+)$/i.exec(authorization)?.[1]?.trim();
  if (authorization !== undefined && !bearer)
    return rejected('UNAUTHENTICATED', 'the Authorization header must carry a Bearer token');
  const parsed = validate(bodySchema(maxTextChars), body);
  if (!parsed.ok) return parsed;
  const { id, time, text, color, type } = parsed.value;
  const token = bearer ?? parsed.value.token?.trim();
  if (!token) return rejected('UNAUTHENTICATED', 'a token is required: Authorization: Bearer, or token in the body');
  const dot = id.indexOf('.');
  const room = id.slice(0, dot);
  const publishId = id.slice(dot + 1);
  if (dot < 0 || !roomIdSchema.safeParse(room).success || !PUBLISH_ID_PATTERN.test(publishId))
    return rejected('INVALID_ARGUMENT', 'id must be <room>.<publishId>', 'id');
  return {
    ok: true,
    value: {
      room,
      publishId,
      token,
      post: { text, mode: type, color, size: DEFAULT_SIZE },
      streamTimeMs: Math.round(time * 1000),
    },
  };
}
