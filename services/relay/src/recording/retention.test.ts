import { describe, expect, it } from 'vitest';
import { overLimits, type StoredRecording } from './retention.js';

const DAY_MS = 86_400_000;
const NOW = 100 * DAY_MS;
const rec = (publishId: string, startedAtMs: number, bytes: number, durationMs: number | undefined = 1000) =>
  ({ room: 'demo', publishId, startedAtMs, durationMs, bytes }) satisfies StoredRecording;

describe('overLimits', () => {
  const old = rec('old', NOW - 10 * DAY_MS, 100);
  const mid = rec('mid', NOW - 5 * DAY_MS, 100);
  const recent = rec('recent', NOW - DAY_MS, 100);
  const writing = { ...rec('writing', NOW - 20 * DAY_MS, 500), durationMs: undefined };

  it.each([
    ['no limits', { maxAgeMs: 0, maxBytes: 0 }, [old, mid, recent], []],
    ['by age', { maxAgeMs: 7 * DAY_MS, maxBytes: 0 }, [old, mid, recent], ['old']],
    ['by size, oldest first', { maxAgeMs: 0, maxBytes: 150 }, [old, mid, recent], ['old', 'mid']],
    ['by age then size', { maxAgeMs: 7 * DAY_MS, maxBytes: 100 }, [old, mid, recent], ['old', 'mid']],
    ['never the one being written', { maxAgeMs: DAY_MS, maxBytes: 100 }, [writing, old, recent], ['old', 'recent']],
  ])('%s', (_name, limits, stored, expected) => {
    expect(overLimits(stored, limits, NOW).map((r) => r.publishId)).toEqual(expected);
  });
});
