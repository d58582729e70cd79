import { z } from 'zod';
import { grpcTlsSpec } from '@onair/grpc-kit';
import { boolField, logLevelField, field, portField, secret, withCheck, type ConfigOf } from '@onair/runtime';
import { alertRulesSchema, DEFAULT_ALERT_RULES } from './alerts/alert-rules.js';
import { DEFAULT_TARGETS, parseTargets, targetsSchema } from './poller/targets.js';

/** Monitoring's configuration: one field per `MONITORING_*` variable. */
export const configSpec = {
  host: field(z.string().min(1), 'MONITORING_HOST', '0.0.0.0', 'Address the HTTP and gRPC servers bind to.'),
  httpPort: portField(
    'MONITORING_HTTP_PORT',
    3000,
    'HTTP port: dashboard `/`, `/api/status`, `/api/alerts`, `/api/moderation`, `/api/events`, `/metrics`, `/healthz`, admin actions `/api/admin/…`.',
  ),
  grpcPort: portField('MONITORING_GRPC_PORT', 50055, 'gRPC port: grpc.health.v1.Health and Telemetry.GetStats.'),
  targets: field(
    targetsSchema,
    'MONITORING_TARGETS',
    parseTargets(DEFAULT_TARGETS),
    'gRPC addresses to poll, comma-separated `name=host:port` (IPv6 as `[::1]:50051`). A host name stands for every address it resolves to (each replica in Compose or behind a Kubernetes headless Service), re-resolved every MONITORING_DISCOVERY_MS; a name may repeat, an address may not.',
    DEFAULT_TARGETS,
  ),
  pollMs: field(
    z.coerce.number().int().min(100).max(3_600_000),
    'MONITORING_POLL_MS',
    2000,
    'Poll interval per target, ms.',
  ),
  pollTimeoutMs: field(
    z.coerce.number().int().min(10).max(60_000),
    'MONITORING_POLL_TIMEOUT_MS',
    1500,
    'Deadline of each Health.Check and GetStats call, ms.',
  ),
  discoveryMs: field(
    z.coerce.number().int().min(100).max(3_600_000),
    'MONITORING_DISCOVERY_MS',
    5000,
    'How often the host names of MONITORING_TARGETS are resolved again to find replicas that came or went, ms.',
  ),
  historyMs: field(
    z.coerce.number().int().min(1000).max(86_400_000),
    'MONITORING_HISTORY_MS',
    600_000,
    "How far back the dashboard's sparklines reach, ms: one point per MONITORING_POLL_MS per series, held in memory.",
  ),
  sseMaxClients: field(
    z.coerce.number().int().min(1).max(10_000),
    'MONITORING_SSE_MAX_CLIENTS',
    50,
    'Concurrent dashboard event streams (`GET /api/events`) at most; one more is answered 503.',
  ),
  sseMaxBufferBytes: field(
    z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024),
    'MONITORING_SSE_MAX_BUFFER_BYTES',
    1_048_576,
    'Bytes a dashboard event stream may have unsent (a client reading too slowly); past it the client is dropped, bytes.',
  ),
  sseHeartbeatMs: field(
    z.coerce.number().int().min(1000).max(300_000),
    'MONITORING_SSE_HEARTBEAT_MS',
    15_000,
    'Interval of the heartbeat comment on every dashboard event stream, ms.',
  ),
  alertRules: field(
    alertRulesSchema,
    'MONITORING_ALERT_RULES',
    DEFAULT_ALERT_RULES,
    'Changes to the alert rules, JSON: rule name → any of `enabled`, `threshold`, `forMs`, `severity` ' +
      '(`warning`/`critical`), e.g. `{"stream_stalled":{"threshold":3000},"danmaku_rate_limited":{"enabled":false}}`. ' +
      'Rules and defaults: see the alerts section of services/monitoring/README.md.',
    '(defaults)',
  ),
  alertWebhookUrl: withCheck(
    field(
      z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
      'MONITORING_ALERT_WEBHOOK_URL',
      '',
      'Where each alert that fires or resolves is POSTed as JSON, signed with MONITORING_ALERT_WEBHOOK_SECRET; ' +
        'retried with backoff. Unset: no webhook.',
      '(unset)',
    ),
    (url, config) => (url && !config.alertWebhookSecret ? 'needs MONITORING_ALERT_WEBHOOK_SECRET' : undefined),
  ),
  alertWebhookSecret: secret(
    field(
      z.string(),
      'MONITORING_ALERT_WEBHOOK_SECRET',
      '',
      'Key of the HMAC-SHA256 signature of every alert webhook request, sent as ' +
        '"X-Onair-Signature: sha256=<hex>" over "<X-Onair-Timestamp>.<raw body>".',
      '(unset)',
    ),
  ),
  thumbnails: boolField(
    'MONITORING_THUMBNAILS',
    true,
    'Make a thumbnail of every live room (`GET /api/rooms/<room>/thumbnail.jpg`) from the relay at MONITORING_RELAY_URL.',
  ),
  relayUrl: field(
    z.url({ protocol: /^https?$/ }),
    'MONITORING_RELAY_URL',
    'http://127.0.0.1:8080',
    'Base URL of the relay whose LL-HLS the thumbnails are decoded from (the origin relay).',
  ),
  thumbnailMs: field(
    z.coerce.number().int().min(1000).max(3_600_000),
    'MONITORING_THUMBNAIL_MS',
    10_000,
    "How often each live room's thumbnail (a JPEG of its latest keyframe, one short ffmpeg decode) is made again, ms.",
  ),
  thumbnailTimeoutMs: field(
    z.coerce.number().int().min(100).max(60_000),
    'MONITORING_THUMBNAIL_TIMEOUT_MS',
    5000,
    'Deadline of each request to the relay and of each ffmpeg decode of a thumbnail, ms.',
  ),
  ffmpegPath: field(z.string().min(1), 'MONITORING_FFMPEG_PATH', 'ffmpeg', 'ffmpeg binary: a name on PATH or a path.'),
  adminToken: secret(
    field(
      z.string(),
      'MONITORING_ADMIN_TOKEN',
      '',
      'Token the admin actions (`POST /api/admin/rooms/<room>/end`, `/rotate-key`, `/record`) require as ' +
        '"Authorization: Bearer <token>" (a long random value, e.g. `openssl rand -hex 32`). Unset: they answer 403.',
      '(unset)',
    ),
  ),
  ingestAdminToken: secret(
    field(
      z.string(),
      'MONITORING_INGEST_ADMIN_TOKEN',
      '',
      "Ingest's INGEST_ADMIN_TOKEN, sent to the first `ingest` target of MONITORING_TARGETS when an admin action " +
        'calls its RoomsService. Unset: no token is sent (enough for an ingest on loopback without a token, or one ' +
        "that trusts monitoring's mTLS certificate).",
      '(unset)',
    ),
  ),
  chatServiceToken: secret(
    field(
      z.string(),
      'MONITORING_CHAT_SERVICE_TOKEN',
      '',
      "Chat's CHAT_SERVICE_TOKEN, sent to every `chat` target of MONITORING_TARGETS when monitoring reads the live " +
        "rooms' moderation actions (ModerationService.GetAuditLog). Unset: no token is sent (enough for a chat on " +
        "loopback without a token, or one that trusts monitoring's mTLS certificate through CHAT_GRPC_TLS_TRUSTED).",
      '(unset)',
    ),
  ),
  danmakuServiceToken: secret(
    field(
      z.string(),
      'MONITORING_DANMAKU_SERVICE_TOKEN',
      '',
      "Danmaku's DANMAKU_SERVICE_TOKEN, sent to every `danmaku` target as MONITORING_CHAT_SERVICE_TOKEN is to chat. " +
        'Unset: no token is sent (loopback without a token, or DANMAKU_GRPC_TLS_TRUSTED naming monitoring).',
      '(unset)',
    ),
  ),
  moderationPollMs: field(
    z.coerce.number().int().min(100).max(3_600_000),
    'MONITORING_MODERATION_POLL_MS',
    3000,
    'How often the moderation actions of each live room are read from every chat and danmaku target, ms.',
  ),
  moderationHistory: field(
    z.coerce.number().int().min(1).max(100_000),
    'MONITORING_MODERATION_HISTORY',
    200,
    "Moderation actions kept (the dashboard's Moderation panel and `GET /api/moderation`) at most, the oldest dropped.",
  ),
  ...grpcTlsSpec('MONITORING_'),
  logLevel: logLevelField('MONITORING_LOG_LEVEL'),
};

/** Monitoring's validated, frozen configuration. */
export type Config = ConfigOf<typeof configSpec>;
