import type { telemetry } from '@onair/proto';
import type { HealthStatus } from '@onair/grpc-kit';
import { OnairError } from '@onair/runtime';
import type { TargetHealth } from '../status/status-types.js';
import type { Target } from './targets.js';

/** A target's health as monitoring sees it. */
export const TARGET_HEALTH = {
  /** Health.Check answered SERVING. */
  SERVING: 'SERVING',
  /** Health.Check answered, but not SERVING (starting, draining, or no health service). */
  NOT_SERVING: 'NOT_SERVING',
  /** No answer within the deadline, or the connection failed. */
  UNREACHABLE: 'UNREACHABLE',
} as const satisfies Record<TargetHealth, TargetHealth>;

export type { TargetHealth } from '../status/status-types.js';

/** What monitoring knows of one target after its latest poll. */
export interface TargetState {
  readonly target: Target;
  readonly health: TargetHealth;
  /** When the target last answered a poll, unix epoch ms; null when it never has. */
  readonly lastSeenMs: number | null;
  /** Why the latest poll failed, in part or whole; null when it fully succeeded. */
  readonly error: string | null;
  /** The last GetStats answer (kept across failures; see `statsFresh`); null when none yet. */
  readonly stats: telemetry.GetStatsResponse__Output | null;
  /** True when `stats` came from the latest poll, i.e. describes the target as it is now. */
  readonly statsFresh: boolean;
}

/** The state of a target that was never polled: unreachable until it answers. */
export function initialState(target: Target): TargetState {
  return {
    target,
    health: TARGET_HEALTH.UNREACHABLE,
    lastSeenMs: null,
    error: 'not polled yet',
    stats: null,
    statsFresh: false,
  };
}

/** Outcome of one poll's two calls, as settled promises. */
export interface PollOutcome {
  readonly health: PromiseSettledResult<HealthStatus>;
  readonly stats: PromiseSettledResult<telemetry.GetStatsResponse__Output>;
}

function reason(result: PromiseSettledResult<unknown>): string | null {
  if (result.status === 'fulfilled') return null;
  const err: unknown = result.reason;
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*Resolution note:\s*$/, '');
}

/** True when a call failed without an answer from the target (connection refused, deadline exceeded). */
function unanswered(result: PromiseSettledResult<unknown>): boolean {
  if (result.status === 'fulfilled') return false;
  const err: unknown = result.reason;
  return !(err instanceof OnairError) || err.code === 'UNAVAILABLE';
}

/**
 * Folds one poll into a target's state (grpc/doc/health-checking.md): a Health.Check answer decides
 * SERVING / NOT_SERVING; when neither call got an answer (UNAVAILABLE, deadline) the target is UNREACHABLE;
 * any other failure (e.g. UNIMPLEMENTED: no health service) still counts as an answer, NOT_SERVING.
 * The target counts as seen at `nowMs` unless it is UNREACHABLE.
 */
export function nextState(previous: TargetState, outcome: PollOutcome, nowMs: number): TargetState {
  const { health, stats } = outcome;
  let next: TargetHealth;
  if (health.status === 'fulfilled')
    next = health.value === 'SERVING' ? TARGET_HEALTH.SERVING : TARGET_HEALTH.NOT_SERVING;
  else next = unanswered(health) && unanswered(stats) ? TARGET_HEALTH.UNREACHABLE : TARGET_HEALTH.NOT_SERVING;
  const healthError = reason(health);
  const statsError = reason(stats);
  let error: string | null = null;
  if (next === TARGET_HEALTH.UNREACHABLE) error = healthError;
  else if (healthError !== null || statsError !== null) {
    error = [healthError && `Health.Check: ${healthError}`, statsError && `GetStats: ${statsError}`]
      .filter(Boolean)
      .join('; ');
  }
  return {
    target: previous.target,
    health: next,
    lastSeenMs: next === TARGET_HEALTH.UNREACHABLE ? previous.lastSeenMs : nowMs,
    error,
    stats: stats.status === 'fulfilled' ? stats.value : previous.stats,
    statsFresh: stats.status === 'fulfilled',
  };
}
