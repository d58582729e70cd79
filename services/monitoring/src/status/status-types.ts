// The JSON monitoring serves: `GET /api/status`, `GET /api/moderation` and the events of `GET /api/events`. Declared
// once, here, with no imports: the server builds these shapes and the dashboard (public/) imports them type-only.

/** A target's health as monitoring sees it. */
export type TargetHealth = 'SERVING' | 'NOT_SERVING' | 'UNREACHABLE';

/** A service's NATS connection (onair.telemetry.v1.NatsStatus). */
export interface NatsStatus {
  connected: boolean;
  /** Since when it is connected or not, unix epoch ms. */
  sinceMs: number;
}

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

/** One rendition of a live stream, as its ingest measures it. */
export interface RenditionStatus {
  name: string;
  /** Measured media bit rate over the last 10 s, kbit/s. */
  bitrateKbps: number;
  /** Measured frames per second over the last 10 s. */
  fps: number;
  /** Frame size, pixels (0 for audio-only). */
  width: number;
  height: number;
  /** RFC 6381 codecs string, e.g. "avc1.64001f,mp4a.40.2". */
  codecs: string;
  /** HLS viewers whose latest request was of this rendition, summed over every relay instance. */
  viewers: number;
}

/**
 * How a live room's media arrives at its ingest (onair.telemetry.v1.IngestHealth), for the alert rules and the
 * dashboard's ingest panel.
 */
export interface IngestStatus {
  /** Interval between the last two video keyframes, ms; 0 before the second. */
  keyframeIntervalMs: number;
  /** Video frames per second over the last 10 s. */
  measuredFps: number;
  /** onMetaData framerate; 0 when not declared. */
  declaredFps: number;
  /** Audio and video payload over the last 10 s, kbit/s. */
  measuredBitrateKbps: number;
  /** onMetaData videodatarate + audiodatarate, kbit/s; 0 when not declared. */
  declaredBitrateKbps: number;
  /** Media time minus wall-clock time since the publisher's first message, ms (negative: slower than real time). */
  driftMs: number;
  /** Source parts listed more than a second after their media time. */
  lateParts: number;
  /** Publishers that continued this publish after a reconnect or a replace. */
  reconnects: number;
  /** Wall clock of the publisher's last audio or video message, unix epoch ms; 0 before the first. */
  lastMediaAtMs: number;
}

/** One live room, merged from every service that knows it. */
export interface StreamStatus {
  room: string;
  /** Always true: only rooms an ingest reports live are listed. */
  live: boolean;
  /** Publish start, unix epoch ms. */
  publishStartedAtMs: number;
  renditions: RenditionStatus[];
  /** HLS viewers, summed over every relay instance (origins and edges). */
  viewers: number;
  /** Accepted danmaku per second, summed over danmaku instances. */
  danmakuPerSecond: number;
  /** Accepted chat messages per second, summed over chat instances. */
  chatPerSecond: number;
  /** Open danmaku WebSockets, summed over danmaku instances. */
  danmakuSockets: number;
  /** Open chat WebSockets, summed over chat instances. */
  chatSockets: number;
  /** Danmaku refused with RATE_LIMITED per second, summed over danmaku instances. */
  danmakuRateLimitedPerSecond: number;
  /** What the ingest measures of the publisher's media; null when it reported none. */
  ingest: IngestStatus | null;
}

/** A live room's record setting, from ingest's RoomsService (onair.rooms.v1.Room `recording` and `record`). */
export interface RecordState {
  /** True when the origin relays record the current publish (the setting as it started). */
  recording: boolean;
  /** The room's record setting: whether its next publish will be recorded. */
  next: boolean;
}

/** One live room in `GET /api/status`: what the services report, its thumbnail's age and its record state. */
export interface StreamReport extends StreamStatus {
  /** When the room's thumbnail (`GET /api/rooms/<room>/thumbnail.jpg`) was made, unix epoch ms; null when none. */
  thumbnailAtMs: number | null;
  /** The room's record state; null until ingest's RoomsService answered for it (or when there is no ingest target). */
  record: RecordState | null;
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

/** One rendition's recent points, oldest first, one per history interval. */
export interface RenditionHistory {
  name: string;
  /** Measured bit rate, kbit/s. */
  bitrateKbps: number[];
  /** Measured frames per second. */
  fps: number[];
  /** HLS viewers of the rendition. */
  viewers: number[];
}

/** One live room's recent points, oldest first, one per history interval. */
export interface RoomHistory {
  room: string;
  viewers: number[];
  danmakuPerSecond: number[];
  chatPerSecond: number[];
  renditions: RenditionHistory[];
}

/** The history sent in the SSE `snapshot` event, so a new dashboard draws whole sparklines at once. */
export interface HistorySnapshot {
  /** Time between two points, ms. */
  intervalMs: number;
  /** Points kept per series at most (the window divided by the interval). */
  capacity: number;
  /** Every live room, sorted by id like the report's streams. */
  rooms: RoomHistory[];
}

/** What the dashboard gets first from the status feed: the current report and every series' history. */
export interface StatusSnapshot {
  report: StatusReport;
  history: HistorySnapshot;
}

/** What the dashboard gets after a poll round changed the report (the SSE `status` event). */
export interface StatusUpdate {
  report: StatusReport;
  /** True when the history took a point from this report: the dashboard appends it to its sparklines. */
  sampled: boolean;
}

/** A service whose moderation actions monitoring collects. */
export type ModerationService = 'chat' | 'danmaku';

/** One moderation action (an onair.moderation.v1.AuditEntry), as `GET /api/moderation` and the dashboard show it. */
export interface ModerationAction {
  /** The service whose room it was taken in. */
  service: ModerationService;
  room: string;
  /** When it was carried out, unix epoch ms. */
  atMs: number;
  /**
   * The action: "delete", "clear", "timeout", "ban", "unban", "slow", "followers", "subscribers", "guests",
   * "block_term", "unblock_term", "approve", "deny" or "overload".
   */
  action: string;
  /** The action's setting, e.g. "600 s" for a timeout, "on"/"off" for a switch, "mask" for a blocked term; "" when none. */
  detail: string;
  /** Who acted: the actor's name, else its user id. */
  actor: string;
  /** What it acted on: a user id, a message id or a term; "" for a room-wide action. */
  target: string;
  /** Why, as the moderator gave it; "" when none. */
  reason: string;
}

/** The body of `GET /api/moderation` and of the SSE `moderation` event (then only the actions new since the last). */
export interface ModerationActions {
  /** Oldest first. */
  actions: ModerationAction[];
}

/** The SSE `snapshot` event of `GET /api/events`: the status feed's snapshot and the recent moderation actions. */
export interface DashboardSnapshot extends StatusSnapshot {
  /** The recent moderation actions of live rooms, oldest first. */
  moderation: ModerationAction[];
}
