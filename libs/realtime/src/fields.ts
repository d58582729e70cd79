import { ROOM_ID_PATTERN } from '@onair/contracts';
import { z } from 'zod';

/** Zod schema of a room id ({@link ROOM_ID_PATTERN}). */
export const roomIdSchema = z.string({ error: 'room must be a string' }).regex(ROOM_ID_PATTERN, {
  error: 'room must be 1 to 64 characters of a-z, 0-9 and -',
});

/** Longest display name, characters (Unicode code points). */
export const NAME_MAX_CHARS = 64;

const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Zod schema of user text: a string, trimmed, then 1 to `maxChars` characters (Unicode code points, so
 * an emoji or a CJK character counts once), with no control character (Unicode category Cc, which
 * includes line breaks and tabs). Messages name the field as `label`.
 */
export function textSchema(label: string, maxChars: number): z.ZodType<string> {
  return z
    .string({ error: `${label} must be a string` })
    .trim()
    .superRefine((value, ctx) => {
      const length = [...value].length;
      if (length === 0) ctx.addIssue({ code: 'custom', message: `${label} must not be empty` });
      else if (length > maxChars)
        ctx.addIssue({ code: 'custom', message: `${label} must be at most ${maxChars} characters` });
      else if (CONTROL_CHARACTER.test(value))
        ctx.addIssue({ code: 'custom', message: `${label} must not contain control characters` });
    });
}

/** Zod schema of a display name: {@link textSchema} with at most {@link NAME_MAX_CHARS} characters. */
export const nameSchema = textSchema('name', NAME_MAX_CHARS);

/** A post's idempotency key: 1 to 64 characters of A-Z, a-z, 0-9, "_" and "-" (a UUID, a counter, a nanoid). */
export const POST_KEY_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Zod schema of a post's idempotency key ({@link POST_KEY_PATTERN}). */
export const postKeySchema = z.string({ error: 'key must be a string' }).regex(POST_KEY_PATTERN, {
  error: 'key must be 1 to 64 characters of A-Z, a-z, 0-9, _ and -',
});

/** Zod schema of a colour "#rrggbb" (CSS Color 4 §5.2 hex notation, 6 digits only), normalised to lower case. */
export const colorSchema = z
  .string({ error: 'color must be a string' })
  .regex(/^#[0-9a-fA-F]{6}$/, { error: 'color must be #rrggbb' })
  .transform((value) => value.toLowerCase());
