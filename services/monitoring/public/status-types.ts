// The JSON the dashboard reads: the `snapshot` and `status` events of `GET /api/events` (src/status/status-feed.ts)
// and `GET /api/alerts`. Only the fields the page shows are declared.

/** One polled target (src/status/status-report.ts ServiceStatus). */
export interface ServiceStatus {
  name: string;
  address: string;
  instance: string | null;
  health: 'SERVING' | 'NOT_SERVING' | 'UNREACHABLE';
  lastSeenMs: number | null;
  uptimeMs: number | null;
  error?: string;
  /** The instance's NATS connection; null when it uses none. */
  nats: { connected: boolean; sinceMs: number } | null;
}

/** One rendition of a live stream. */
export interface RenditionStatus {
  name: string;
  bitrateKbps: number;
  fps: number;
  width: number;
  height: number;
  codecs: string;
  viewers: number;
}

/** How the publisher's media arrives at ingest. */
export interface IngestStatus {
  keyframeIntervalMs: number;
  measuredFps: number;
  declaredFps: number;
  measuredBitrateKbps: number;
  declaredBitrateKbps: number;
  driftMs: number;
  lateParts: number;
  reconnects: number;
}

/** One live room. */
export interface StreamStatus {
  room: string;
  publishStartedAtMs: number;
  renditions: RenditionStatus[];
  ingest: IngestStatus | null;
  viewers: number;
  danmakuPerSecond: number;
  chatPerSecond: number;
  danmakuSockets: number;
  chatSockets: number;
  danmakuRateLimitedPerSecond: number;
  /** When the room's thumbnail was made, unix epoch ms; null while it has none. */
  thumbnailAtMs: number | null;
}

/** The status report. */
export interface StatusReport {
  generatedAtMs: number;
  services: ServiceStatus[];
  streams: StreamStatus[];
}

/** One rendition's points, oldest first. */
export interface RenditionHistory {
  name: string;
  bitrateKbps: number[];
  fps: number[];
  viewers: number[];
}

/** One room's points, oldest first. */
export interface RoomHistory {
  room: string;
  viewers: number[];
  danmakuPerSecond: number[];
  chatPerSecond: number[];
  renditions: RenditionHistory[];
}

/** The `snapshot` event. */
export interface StatusSnapshot {
  report: StatusReport;
  history: { intervalMs: number; capacity: number; rooms: RoomHistory[] };
}

/** The `status` event. */
export interface StatusUpdate {
  report: StatusReport;
  sampled: boolean;
}

/** One alert of `GET /api/alerts`. */
export interface Alert {
  rule: string;
  severity: string;
  labels: Record<string, string>;
  startsAtMs: number;
  /** When it resolved, unix epoch ms; null while firing. */
  endsAtMs: number | null;
  summary: string;
}

/** The body of `GET /api/alerts`. */
export interface Alerts {
  active: Alert[];
  history: Alert[];
}
