import type { TargetHealth, TargetState } from '../poller/target-state.js';
import { aggregateStreams, type StreamStatus } from './aggregate-streams.js';

/** One polled target in `GET /api/status`. */
export interface ServiceStatus {
  /** The target's name from MONITORING_TARGETS, e.g. "chat". */
  name: string;
  /** "host:port" polled. */
  address: string;
  /** Instance id the target reported in GetStats; null until it answered once. */
  instance: string | null;
  health: TargetHealth;
  /** When the target last answered a poll, unix epoch ms; null when it never has. */
  lastSeenMs: number | null;
  /** How long the instance has been running, ms; null unless the latest poll got its stats. */
  uptimeMs: number | null;
  /** Why the latest poll failed, in part or whole; absent when it fully succeeded. */
  error?: string;
  /** The instance's NATS connection as the latest poll reported it; null when it uses none or did not answer. */
  nats: NatsStatus | null;
}

/** A service's NATS connection (onair.telemetry.v1.NatsStatus). */
export interface NatsStatus {
  connected: boolean;
  /** Since when it is connected or not, unix epoch ms. */
  sinceMs: number;
}

/** One live room in `GET /api/status`: what the services report, and its thumbnail's age. */
export interface StreamReport extends StreamStatus {
  /** When the room's thumbnail (`GET /api/rooms/<room>/thumbnail.jpg`) was made, unix epoch ms; null when none. */
  thumbnailAtMs: number | null;
}

/** The body of `GET /api/status`. */
export interface StatusReport {
  /** When the report was built, unix epoch ms. */
  generatedAtMs: number;
  /** Every target, in MONITORING_TARGETS order. */
  services: ServiceStatus[];
  /** Every live room, sorted by id. */
  streams: StreamReport[];
}

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
 * thumbnail was made (unix epoch ms), null when it has none.
 */
export function buildStatusReport(
  states: readonly TargetState[],
  nowMs: number,
  thumbnailAtMs: (room: string) => number | null = () => null,
): StatusReport {
  const fresh = states.flatMap((s) => (s.stats && s.statsFresh ? [s.stats] : []));
  return {
    generatedAtMs: nowMs,
    services: states.map((s) => serviceStatus(s, nowMs)),
    streams: aggregateStreams(fresh).map((s) => ({ ...s, thumbnailAtMs: thumbnailAtMs(s.room) })),
  };
}
