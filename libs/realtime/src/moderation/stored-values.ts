import { z } from 'zod';
import { TERM_ACTIONS } from './moderation-action.js';
import type { Ban, HeldMessage, RoomSettings, StoredTerm } from './room-state.js';

/** Schemas of the values of the moderation bucket, to read back what an instance (maybe older or newer) wrote. */
export const storedSettingsSchema: z.ZodType<RoomSettings> = z.object({
  slowModeS: z.number().int().min(0),
  mode: z.enum(['everyone', 'followers', 'subscribers']),
  guests: z.boolean(),
  densityPerSec: z.number().int().min(0).optional(),
  mergeIdentical: z.boolean().optional(),
  roomRatePerSec: z.number().int().min(0).optional(),
});

/** A stored {@link Ban}. */
export const storedBanSchema: z.ZodType<Ban> = z.object({
  untilMs: z.number().nullable(),
  byRank: z.number().int(),
  atMs: z.number(),
});

/** A stored {@link StoredTerm}. */
export const storedTermSchema: z.ZodType<StoredTerm> = z.object({
  term: z.string().min(1),
  action: z.enum(TERM_ACTIONS),
});

/** A stored {@link HeldMessage}; the message's own fields pass through. */
export const storedHeldSchema: z.ZodType<HeldMessage> = z.looseObject({
  v: z.literal(1),
  type: z.string(),
  id: z.string(),
  room: z.string(),
  name: z.string(),
  text: z.string(),
  sentAtMs: z.number(),
  userId: z.string(),
});

/** The stored rank of a moderator, broadcaster or admin (see roleRank). */
export const storedStaffSchema = z.object({ rank: z.number().int() });
