import { z } from 'zod';
import { textSchema } from '../fields.js';

/** What a blocked term does to a post that holds it. */
export const TERM_ACTIONS = ['refuse', 'mask', 'hold'] as const;

/**
 * One of {@link TERM_ACTIONS}: `refuse` answers BLOCKED_TERM, `mask` delivers the post with each matched span
 * replaced by `*` (one per code point), `hold` keeps the post for a moderator to approve or deny (HELD_FOR_REVIEW).
 */
export type TermAction = (typeof TERM_ACTIONS)[number];

/** Shortest timeout, seconds. */
export const TIMEOUT_MIN_S = 1;
/** Longest timeout, seconds (14 days). */
export const TIMEOUT_MAX_S = 14 * 24 * 3600;
/** Shortest slow-mode interval, seconds (0 turns slow mode off). */
export const SLOW_MODE_MIN_S = 3;
/** Longest slow-mode interval, seconds. */
export const SLOW_MODE_MAX_S = 120;
/** Longest audit reason, characters (Unicode code points). */
export const REASON_MAX_CHARS = 200;
/** Longest blocked term, characters. */
export const TERM_MAX_CHARS = 100;
/** Longest user id or message id an action names, characters (as a token's `sub`). */
const ID_MAX_CHARS = 128;

/** Highest per-room density or room rate an `overload` action may set, per second (as the config's bounds). */
export const OVERLOAD_MAX_PER_SEC = 100_000;

/**
 * The room's overload control (see RoomOverload): each field given replaces the room's; `reset` first puts every
 * one back to the instance's configuration. At least one field.
 */
export interface OverloadAction {
  action: 'overload';
  densityPerSec?: number;
  mergeIdentical?: boolean;
  roomRatePerSec?: number;
  reset?: boolean;
}

/** The audit reason every action may carry. */
interface Reasoned {
  reason?: string;
}

/**
 * What a moderator, broadcaster or admin asks of a room. Every action may carry `reason` (at most
 * {@link REASON_MAX_CHARS} characters) for the audit log. `seconds` of `timeout` is {@link TIMEOUT_MIN_S} to
 * {@link TIMEOUT_MAX_S}; of `slow` it is {@link SLOW_MODE_MIN_S} to {@link SLOW_MODE_MAX_S}, or 0 for off; `overload`
 * ({@link OverloadAction}) takes whole numbers per second up to {@link OVERLOAD_MAX_PER_SEC}.
 */
export type ModerationAction = Reasoned &
  (
    | { action: 'delete'; id: string }
    | { action: 'clear' }
    | { action: 'timeout'; userId: string; seconds: number }
    | { action: 'ban'; userId: string }
    | { action: 'unban'; userId: string }
    | { action: 'slow'; seconds: number }
    | { action: 'followers'; on: boolean }
    | { action: 'subscribers'; on: boolean }
    | { action: 'guests'; on: boolean }
    | OverloadAction
    | { action: 'block_term'; term: string; termAction: TermAction }
    | { action: 'unblock_term'; term: string }
    | { action: 'approve'; id: string }
    | { action: 'deny'; id: string }
  );

/** The `action` names of {@link ModerationAction}. */
export type ModerationActionName = ModerationAction['action'];

const idSchema = (label: string) =>
  z
    .string({ error: `${label} must be a string` })
    .min(1, { error: `${label} must not be empty` })
    .max(ID_MAX_CHARS, { error: `${label} must be at most ${ID_MAX_CHARS} characters` });

const wholeSeconds = (label: string) =>
  z.number({ error: `${label} must be a number` }).int({ error: `${label} must be whole seconds` });

const onSchema = z.boolean({ error: 'on must be true or false' });

const perSecond = (label: string) =>
  z
    .number({ error: `${label} must be a number` })
    .int({ error: `${label} must be a whole number per second` })
    .min(0, { error: `${label} must not be negative` })
    .max(OVERLOAD_MAX_PER_SEC, { error: `${label} must be at most ${OVERLOAD_MAX_PER_SEC}` });

const base = { reason: textSchema('reason', REASON_MAX_CHARS).optional() };

/** The action names, in the order they are documented. */
const ACTION_NAMES = [
  'delete',
  'clear',
  'timeout',
  'ban',
  'unban',
  'slow',
  'followers',
  'subscribers',
  'guests',
  'overload',
  'block_term',
  'unblock_term',
  'approve',
  'deny',
] as const satisfies readonly ModerationActionName[];

/**
 * Zod schema of a {@link ModerationAction} from a client: the fields of its `action`, bounds checked, text trimmed;
 * messages name the field (for {@link validate}'s INVALID_ARGUMENT).
 */
export const moderationActionSchema: z.ZodType<ModerationAction> = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('delete'), id: idSchema('id'), ...base }),
    z.object({ action: z.literal('clear'), ...base }),
    z.object({
      action: z.literal('timeout'),
      userId: idSchema('userId'),
      seconds: wholeSeconds('seconds')
        .min(TIMEOUT_MIN_S, { error: `seconds must be at least ${TIMEOUT_MIN_S}` })
        .max(TIMEOUT_MAX_S, { error: `seconds must be at most ${TIMEOUT_MAX_S} (14 days)` }),
      ...base,
    }),
    z.object({ action: z.literal('ban'), userId: idSchema('userId'), ...base }),
    z.object({ action: z.literal('unban'), userId: idSchema('userId'), ...base }),
    z.object({
      action: z.literal('slow'),
      seconds: wholeSeconds('seconds').refine((s) => s === 0 || (s >= SLOW_MODE_MIN_S && s <= SLOW_MODE_MAX_S), {
        error: `seconds must be 0 (off) or ${SLOW_MODE_MIN_S} to ${SLOW_MODE_MAX_S}`,
      }),
      ...base,
    }),
    z.object({ action: z.literal('followers'), on: onSchema, ...base }),
    z.object({ action: z.literal('subscribers'), on: onSchema, ...base }),
    z.object({ action: z.literal('guests'), on: onSchema, ...base }),
    z
      .object({
        action: z.literal('overload'),
        densityPerSec: perSecond('densityPerSec').optional(),
        mergeIdentical: z.boolean({ error: 'mergeIdentical must be true or false' }).optional(),
        roomRatePerSec: perSecond('roomRatePerSec').optional(),
        reset: z.boolean({ error: 'reset must be true or false' }).optional(),
        ...base,
      })
      .refine(
        (a) =>
          a.reset === true ||
          a.densityPerSec !== undefined ||
          a.mergeIdentical !== undefined ||
          a.roomRatePerSec !== undefined,
        { error: 'set densityPerSec, mergeIdentical, roomRatePerSec or reset' },
      ),
    z.object({
      action: z.literal('block_term'),
      term: textSchema('term', TERM_MAX_CHARS),
      termAction: z.enum(TERM_ACTIONS, { error: `termAction must be one of ${TERM_ACTIONS.join(', ')}` }),
      ...base,
    }),
    z.object({ action: z.literal('unblock_term'), term: textSchema('term', TERM_MAX_CHARS), ...base }),
    z.object({ action: z.literal('approve'), id: idSchema('id'), ...base }),
    z.object({ action: z.literal('deny'), id: idSchema('id'), ...base }),
  ],
  { error: `action must be one of ${ACTION_NAMES.join(', ')}` },
);
