import { onair } from '@onair/proto';
import type { telemetry } from '@onair/proto';
import {
  call,
  checkHealth,
  createClient,
  createHealthClient,
  deadlineIn,
  type GrpcTls,
  type HealthStatus,
} from '@onair/grpc-kit';
import type { Target } from './targets.js';

/** The two questions monitoring asks a target; both bounded by a deadline. */
export interface TargetProbe {
  /**
   * grpc.health.v1.Health.Check of the whole server ("" service).
   * @throws OnairError UNAVAILABLE when unreachable within `timeoutMs`, another code when the call failed.
   */
  checkHealth(timeoutMs: number): Promise<HealthStatus>;
  /**
   * onair.telemetry.v1.TelemetryService.GetStats.
   * @throws OnairError as {@link TargetProbe.checkHealth}.
   */
  getStats(timeoutMs: number): Promise<telemetry.GetStatsResponse__Output>;
  /** Closes the channels. */
  close(): void;
}

/**
 * Opens a gRPC probe of a target: a health client and a telemetry client on its address.
 * @param reconnectBackoffMs cap on grpc-js' reconnect backoff (default 120 s), so a target that comes back is
 * seen within about one poll interval.
 * @param tls monitoring's mTLS identity; a replica found by DNS is checked against its name (`serverName`).
 */
export function createGrpcProbe(target: Target, reconnectBackoffMs: number, tls?: GrpcTls): TargetProbe {
  const options = {
    'grpc.max_reconnect_backoff_ms': reconnectBackoffMs,
    'grpc.initial_reconnect_backoff_ms': 200,
    ...(target.serverName ? { 'grpc.ssl_target_name_override': target.serverName } : {}),
  };
  const health = createHealthClient(target.address, options, tls);
  const stats = createClient(onair().telemetry.v1.TelemetryService, target.address, options, tls);
  return {
    checkHealth: (timeoutMs) => checkHealth(health, timeoutMs),
    getStats: (timeoutMs) =>
      call<telemetry.GetStatsResponse__Output>((cb) => stats.GetStats({}, { deadline: deadlineIn(timeoutMs) }, cb)),
    close() {
      health.close();
      stats.close();
    },
  };
}
