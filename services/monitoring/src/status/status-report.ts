import type { TargetState } from '../poller/target-state.js';
import { aggregateStreams } from './aggregate-streams.js';
import type { RecordState, ServiceStatus, StatusReport } from './status-types.js';

function serviceStatus(state: TargetState, nowMs: number): ServiceStatus {
  const { target, health, lastSeenMs, error, stats, statsFresh } = state;
  return {
    name: target.name,
    address: target.address,
    instance: stats?.instance ?? null,
    health,
    lastSeenMs,
    uptimeMs: stats && statsFresh ? Math.max(0, nowMs - stats.startedAtMs) : null,
    ...(error === null ? {} : { error }),
    nats: stats?.nats && statsFresh ? { connected: stats.nats.connected, sinceMs: stats.nats.sinceMs } : null,
  };
}

/**
 * Builds the status report from the targets' latest states. Streams are merged only from stats of the
 * latest poll, so a target that stopped answering no longer contributes. `thumbnailAtMs` tells when a room's
 * thumbnail was made (unix epoch ms), null when it has none; `record` a room's record state, null when not known.
 */
export function buildStatusReport(
  states: readonly TargetState[],
  nowMs: number,
  thumbnailAtMs: (room: string) => number | null = () => null,
  record: (room: string) => RecordState | null = () => null,
): StatusReport {
  const fresh = states.flatMap((s) => (s.stats && s.statsFresh ? [s.stats] : []));
  return {
    generatedAtMs: nowMs,
    services: states.map((s) => serviceStatus(s, nowMs)),
    streams: aggregateStreams(fresh).map((s) => ({
      ...s,
      thumbnailAtMs: thumbnailAtMs(s.room),
      record: record(s.room),
    })),
  };
}
