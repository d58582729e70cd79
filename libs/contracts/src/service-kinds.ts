/**
 * The kinds of Onair service: what each reports as `service` in Telemetry.GetStats (onair.telemetry.v1), names its
 * environment prefix (`INGEST_`…) and is called by in logs and metrics.
 */
export const SERVICE_KINDS = {
  INGEST: 'ingest',
  RELAY: 'relay',
  DANMAKU: 'danmaku',
  CHAT: 'chat',
  MONITORING: 'monitoring',
} as const;

/** One of {@link SERVICE_KINDS}' values. */
export type ServiceKind = (typeof SERVICE_KINDS)[keyof typeof SERVICE_KINDS];
