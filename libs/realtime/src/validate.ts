import type { z } from 'zod';
import { accepted, rejected, type Result } from './result.js';

/**
 * Parses `input` with `schema`; the first problem becomes an INVALID_ARGUMENT rejection naming the field
 * (its dotted path, e.g. "text") and saying what is wrong with it.
 */
export function validate<T>(schema: z.ZodType<T>, input: unknown): Result<T> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return accepted(parsed.data);
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.');
  return rejected('INVALID_ARGUMENT', issue?.message ?? 'invalid input', field === '' ? undefined : field);
}
