import { describe, expect, it } from 'vitest';
import type { telemetry } from '@onair/proto';
import type { HealthStatus } from '@onair/grpc-kit';
import { OnairError } from '@onair/runtime';
import { initialState, nextState, type PollOutcome, type TargetState } from './target-state.js';

const target = { name: 'chat', address: 'chat-0:50054' };
const stats: telemetry.GetStatsResponse__Output = {
  service: 'chat',
  instance: 'c1',
  version: '0.1.0',
  startedAtMs: 100,
  rooms: [],
  nats: null,
};
const ok = <T>(value: T): PromiseFulfilledResult<T> => ({ status: 'fulfilled', value });
const fail = (code: 'UNAVAILABLE' | 'INTERNAL', message: string): PromiseRejectedResult => ({
  status: 'rejected',
  reason: new OnairError(code, message),
});
const seen: TargetState = { target, health: 'SERVING', lastSeenMs: 500, error: null, stats, statsFresh: true };

describe('nextState', () => {
  const cases: Array<[string, TargetState, PollOutcome, Partial<TargetState>]> = [
    [
      'both answered, SERVING',
      initialState(target),
      { health: ok<HealthStatus>('SERVING'), stats: ok(stats) },
      { health: 'SERVING', lastSeenMs: 1_000, error: null, stats, statsFresh: true },
    ],
    [
      'health NOT_SERVING (draining)',
      seen,
      { health: ok<HealthStatus>('NOT_SERVING'), stats: ok(stats) },
      { health: 'NOT_SERVING', lastSeenMs: 1_000, error: null, statsFresh: true },
    ],
    [
      'health SERVICE_UNKNOWN counts as not serving',
      seen,
      { health: ok<HealthStatus>('SERVICE_UNKNOWN'), stats: ok(stats) },
      { health: 'NOT_SERVING' },
    ],
    [
      'neither call answered: unreachable, last seen and stats kept but stale',
      seen,
      { health: fail('UNAVAILABLE', 'connect ECONNREFUSED. Resolution note: '), stats: fail('UNAVAILABLE', 'refused') },
      { health: 'UNREACHABLE', lastSeenMs: 500, error: 'connect ECONNREFUSED.', stats, statsFresh: false },
    ],
    [
      'no health service but stats answered: not serving, seen',
      initialState(target),
      { health: fail('INTERNAL', 'unimplemented'), stats: ok(stats) },
      { health: 'NOT_SERVING', lastSeenMs: 1_000, error: 'Health.Check: unimplemented', statsFresh: true },
    ],
    [
      'health answered but GetStats failed',
      seen,
      { health: ok<HealthStatus>('SERVING'), stats: fail('INTERNAL', 'internal error') },
      { health: 'SERVING', lastSeenMs: 1_000, error: 'GetStats: internal error', stats, statsFresh: false },
    ],
    [
      'health timed out, GetStats answered with an error',
      seen,
      { health: fail('UNAVAILABLE', 'deadline'), stats: fail('INTERNAL', 'boom') },
      { health: 'NOT_SERVING', lastSeenMs: 1_000, error: 'Health.Check: deadline; GetStats: boom' },
    ],
  ];
  it.each(cases)('%s', (_case, previous, outcome, expected) => {
    expect(nextState(previous, outcome, 1_000)).toMatchObject({ target, ...expected });
  });

  it('starts unreachable, never seen, without stats', () => {
    expect(initialState(target)).toEqual({
      target,
      health: 'UNREACHABLE',
      lastSeenMs: null,
      error: 'not polled yet',
      stats: null,
      statsFresh: false,
    });
  });
});
