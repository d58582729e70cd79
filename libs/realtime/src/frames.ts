import { z } from 'zod';
import type { Poster } from './identity.js';
import type { RoomPresence } from './presence-message.js';
import type { Rejection, Result } from './result.js';
import { validate } from './validate.js';

/** Version of the JSON message schema (v1); every server frame carries it as `v`, clients may send it. */
export const PROTOCOL_VERSION = 1;

/** What every message delivered to a room carries (a danmaku, a chat message), as viewers receive it. */
export interface RoomMessage {
  readonly v: typeof PROTOCOL_VERSION;
  /** Frame type, e.g. "danmaku" or "message". */
  readonly type: string;
  /**
   * Unique id (UUID v4). Without a client key it is also the JetStream message id (Nats-Msg-Id) under
   * which the server stores the message, so its own retried stores within the duplicate window keep one copy.
   */
  readonly id: string;
  readonly room: string;
  /** Display name of the sender, from its token (or server-given for a guest). */
  readonly name: string;
  /** The sender's user id: the token's `sub`, `guest:<conn>` for a guest, `service:<name>` for a gRPC caller. */
  readonly userId: string;
  readonly text: string;
  /** Server wall clock when the post was received, unix epoch ms. */
  readonly sentAtMs: number;
  /**
   * Sequence of the message in the capture stream, once stored: on every delivered frame and read message,
   * so a client that reconnects says `since` the last one it saw (recovery).
   */
  readonly seq?: number;
  /**
   * The sender's highest role when it moderates (`moderator`, `broadcaster` or `admin`), absent otherwise: clients may
   * show it, and overload sampling always keeps such messages.
   */
  readonly badge?: string;
}

/** A client frame after JSON parsing: an object with a string `type` and the type's own fields. */
export interface ClientFrame {
  readonly type: string;
  readonly [field: string]: unknown;
}

const envelopeSchema = z.looseObject({
  type: z.string({ error: 'type must be a string' }),
  v: z.literal(PROTOCOL_VERSION, { error: `v must be ${PROTOCOL_VERSION}` }).optional(),
});

/** The text of a frame a client sent (RFC 6455 §5.6: UTF-8), from whichever buffer form the socket gives it in. */
export function clientFrameText(data: Buffer | ArrayBuffer | Buffer[]): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** Parses one text frame from a client: JSON (RFC 8259), an object with a string `type`, `v` absent or 1. */
export function parseClientFrame(text: string): Result<ClientFrame> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, rejection: { code: 'INVALID_ARGUMENT', message: 'frame is not valid JSON' } };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, rejection: { code: 'INVALID_ARGUMENT', message: 'frame must be a JSON object' } };
  }
  return validate(envelopeSchema, json);
}

/** Longest token a hello may carry, characters (as the verifier's MAX_TOKEN_CHARS). */
const HELLO_TOKEN_MAX_CHARS = 8192;

/**
 * Zod schema of the client's `{"type":"hello","token"?:<JWT>,"since"?:<seq>}` frame: the first frame of every
 * connection, and again whenever the client has a fresh token. `token` (a JWT, RFC 7519) is needed to post
 * unless the room allows guests; `since` is the last `seq` the client saw (recovery).
 */
export const helloSchema = z.looseObject({
  token: z
    .string({ error: 'token must be a string' })
    .min(1, { error: 'token must not be empty' })
    .max(HELLO_TOKEN_MAX_CHARS, { error: `token must be at most ${HELLO_TOKEN_MAX_CHARS} characters` })
    .optional(),
  since: z
    .number({ error: 'since must be a number' })
    .int({ error: 'since must be an integer' })
    .min(0, { error: 'since must not be negative' })
    .optional(),
});

/** A hello that passed {@link helloSchema}. */
export type Hello = z.infer<typeof helloSchema>;

/** Limits a viewer is told in the welcome frame. */
export interface ClientLimits {
  /** Longest text, characters. */
  readonly maxTextLength: number;
  /** Sustained frames per second a connection may send. */
  readonly ratePerSec: number;
  /** Frames a connection may send at once before the sustained rate applies. */
  readonly rateBurst: number;
  /** Largest frame, bytes; a larger one closes the connection with 1009. */
  readonly maxFrameBytes: number;
}

/** Content of the welcome frame, sent when a viewer has joined after its hello (and again after each later hello). */
export interface Welcome {
  readonly room: string;
  /** Connection id, as in the server's logs. */
  readonly conn: string;
  /** Who the connection posts as: the token's user, a guest, or null (reading only). */
  readonly user: Pick<Poster, 'userId' | 'name' | 'roles' | 'guest'> | null;
  readonly limits: ClientLimits;
}

/** `{"v":1,"type":"welcome",...}` as JSON text. */
export function welcomeFrame(welcome: Welcome): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'welcome', ...welcome });
}

/**
 * `{"v":1,"type":"error","code":...,"message":...,"field"?:...,"key"?:...}` as JSON text; `key` is the
 * idempotency key of the post the error answers, when it had one.
 */
export function errorFrame(rejection: Rejection, key?: string): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'error', ...rejection, key });
}

/** `{"v":1,"type":"history","messages":[...]}` as JSON text; messages oldest first. */
export function historyFrame(messages: readonly RoomMessage[]): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'history', messages });
}

/**
 * `{"v":1,"type":"recovered","complete":...,"count":...}` as JSON text: ends the `count` frames a viewer that
 * said hello with `since` got again; `complete` is false when some of them are gone (retention, or too many).
 */
export function recoveredFrame(complete: boolean, count: number): string {
  return JSON.stringify({ v: PROTOCOL_VERSION, type: 'recovered', complete, count });
}

/**
 * A stored frame (a JSON object's text) with `"seq":<seq>` inserted as its first field, without parsing or
 * re-serialising it; undefined when `text` is not a JSON object's text.
 */
export function withSeq(text: string, seq: number): string | undefined {
  if (!text.startsWith('{')) return undefined;
  const rest = text.slice(1);
  const empty = rest.trimStart().startsWith('}');
  return `{"seq":${seq}${empty ? rest.trimStart() : `,${rest}`}`;
}

const SEQ_PREFIX = /^\{"seq":(\d+)[,}]/;

/** The `seq` a frame made by {@link withSeq} starts with; undefined for other frames. */
export function frameSeq(frame: string): number | undefined {
  const match = SEQ_PREFIX.exec(frame);
  return match ? Number(match[1]) : undefined;
}

/**
 * `{"v":1,"type":"presence","room":...,"viewers":N,"users"?:[{"userId":...,"name":...}]}` as JSON text: the room's
 * viewers over all instances, and its identified users when few enough.
 */
export function presenceFrame(room: string, presence: RoomPresence): string {
  return JSON.stringify({
    v: PROTOCOL_VERSION,
    type: 'presence',
    room,
    viewers: presence.viewers,
    users: presence.users,
  });
}

/** True when `value` has the fields of a {@link RoomMessage} of `type` (a stored message read back). */
export function isRoomMessage(value: unknown, type: string): value is RoomMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return m.type === type && typeof m.id === 'string' && typeof m.room === 'string' && typeof m.sentAtMs === 'number';
}
