import { z } from 'zod';
import { grpcTlsSpec } from '@onair/grpc-kit';
import { boolField, logLevelField, field, portField, secret, withCheck, type ConfigOf } from '@onair/runtime';
import { ROOM_ID_PATTERN } from '@onair/contracts';
import { chosenStreamKeyProblem } from './rooms/stream-key.js';
import { DEFAULT_LADDER, ladderSchema } from './transcode/ladder.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** "host:port" or "[v6]:port". */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

/** The ingest service's configuration: every field with its environment variable, default and meaning. */
export const configSpec = {
  host: field(z.string().min(1), 'INGEST_HOST', '0.0.0.0', 'Bind address of the RTMP, gRPC and HTTP listeners.'),
  rtmpPort: portField('INGEST_RTMP_PORT', 1935, 'RTMP port publishers push to (0 = any free port).'),
  rtmpsPort: portField(
    'INGEST_RTMPS_PORT',
    1936,
    'RTMPS port (RTMP over TLS, rtmps://host:<port>/live), served when INGEST_TLS_CERT_FILE and INGEST_TLS_KEY_FILE ' +
      'are set.',
  ),
  tlsCertFile: withCheck(
    field(
      z.string(),
      'INGEST_TLS_CERT_FILE',
      '',
      'PEM certificate (chain) of the RTMPS listener; unset: no RTMPS.',
      '(unset)',
    ),
    (file, config) => (config.tlsKeyFile ? undefined : file ? 'set INGEST_TLS_KEY_FILE too' : undefined),
  ),
  tlsKeyFile: withCheck(
    field(z.string(), 'INGEST_TLS_KEY_FILE', '', 'PEM private key of the RTMPS listener.', '(unset)'),
    (file, config) => (config.tlsCertFile ? undefined : file ? 'set INGEST_TLS_CERT_FILE too' : undefined),
  ),
  grpcPort: portField(
    'INGEST_GRPC_PORT',
    50051,
    'gRPC port: RoomsService, MediaService, Telemetry, health (0 = any free port).',
  ),
  grpcAdvertiseAddress: field(
    z.union([z.literal(''), z.string().regex(HOST_PORT, 'expected host:port or [v6]:port')]),
    'INGEST_GRPC_ADVERTISE_ADDRESS',
    '',
    "host:port at which other services reach this instance's gRPC (MediaService), written into the live room " +
      'registry so an origin relay with RELAY_NATS_URL follows each room from the instance holding it, e.g. the ' +
      'pod IP and port. Unset: 127.0.0.1 and the bound gRPC port (one machine, as with `npm start`).',
    '(unset: 127.0.0.1:<gRPC port>)',
  ),
  httpPort: portField('INGEST_HTTP_PORT', 9101, 'HTTP port serving Prometheus /metrics (0 = any free port).'),
  natsUrl: field(
    z.string().min(1),
    'INGEST_NATS_URL',
    'nats://127.0.0.1:4222',
    'NATS server URL(s), comma-separated; JetStream must be enabled.',
  ),
  natsReplicas: field(
    int(1, 5),
    'INGEST_NATS_REPLICAS',
    1,
    'Copies of the rooms and live KV buckets in a NATS cluster (at most its number of servers; 3 survives the loss ' +
      'of one). An existing bucket with fewer is raised to it.',
  ),
  rtmpApp: field(
    z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, ".", "_" or "-"'),
    'INGEST_RTMP_APP',
    'live',
    'RTMP application publishers connect to: rtmp://host/<app>/<stream key>.',
  ),
  ladder: field(
    ladderSchema,
    'INGEST_LADDER',
    ladderSchema.parse(DEFAULT_LADDER),
    'Rendition ladder, comma-separated: "source" (the publisher\'s own streams, repackaged) or <name>=<width>x<height>@<kbit/s>k.',
    DEFAULT_LADDER,
  ),
  segmentTargetMs: field(
    int(500, 10_000),
    'INGEST_SEGMENT_TARGET_MS',
    2000,
    'Target segment duration, ms; segments are cut on the first keyframe after it.',
  ),
  partTargetMs: field(
    int(100, 500),
    'INGEST_PART_TARGET_MS',
    334,
    'Part Target Duration of Low-Latency HLS, ms (EXT-X-PART-INF PART-TARGET): every segment is cut into parts of ' +
      'at most this long, the first on a keyframe.',
  ),
  windowSegments: field(
    int(1, 100),
    'INGEST_WINDOW_SEGMENTS',
    1,
    'Complete segments kept per rendition, besides the one being cut, for a MediaService subscriber that joins ' +
      'mid-stream (a relay starting or re-subscribing): what its playlist starts with. Relays keep their own window.',
  ),
  ffmpegPath: field(z.string().min(1), 'INGEST_FFMPEG_PATH', 'ffmpeg', 'ffmpeg binary: a name on PATH or a path.'),
  maxMessageBytes: field(
    int(64 * 1024, 256 * 1024 * 1024),
    'INGEST_MAX_MESSAGE_BYTES',
    8 * 1024 * 1024,
    'Largest RTMP message accepted, bytes; a publisher announcing more is disconnected.',
  ),
  maxConnections: field(
    int(1, 100_000),
    'INGEST_MAX_CONNECTIONS',
    256,
    'Open RTMP connections allowed; connections beyond it are closed at once.',
  ),
  publishPolicy: field(
    z.enum(['replace', 'reject']),
    'INGEST_PUBLISH_POLICY',
    'replace',
    'A publish with a live room\'s key: "replace" hands the stream to the new publisher and closes the old one, ' +
      '"reject" refuses it (NetStream.Publish.BadName).',
  ),
  reconnectGraceMs: field(
    int(0, 300_000),
    'INGEST_RECONNECT_GRACE_MS',
    10_000,
    'How long a stream whose publisher vanished (connection lost, idle) waits for a publish with its key, ms; that ' +
      'publish continues the same HLS stream after a discontinuity. 0 ends the stream at once.',
  ),
  onPublishUrl: field(
    z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
    'INGEST_ON_PUBLISH_URL',
    '',
    'Webhook asked before a publish is accepted (JSON POST: room, publishId, app, remoteAddress, encoder, ' +
      'streamKeyId; never the key): a 2xx answer allows it, anything else or a timeout refuses it. Unset: no hook.',
    '(unset)',
  ),
  onUnpublishUrl: field(
    z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
    'INGEST_ON_UNPUBLISH_URL',
    '',
    'Webhook told when a publish ends (JSON POST: room, publishId, reason, durationMs). Unset: no hook.',
    '(unset)',
  ),
  webhookSecret: secret(
    field(
      z.string(),
      'INGEST_WEBHOOK_SECRET',
      '',
      'Key of the HMAC-SHA256 signature of every webhook body, sent as "X-Onair-Signature: sha256=<hex>". ' +
        'Unset: webhooks go unsigned.',
      '(unset)',
    ),
  ),
  webhookTimeoutMs: field(
    int(100, 30_000),
    'INGEST_WEBHOOK_TIMEOUT_MS',
    3000,
    'How long a webhook may take to answer, ms; on_publish refuses the publish after it.',
  ),
  idleTimeoutMs: field(
    int(1000, 600_000),
    'INGEST_IDLE_TIMEOUT_MS',
    10_000,
    'An RTMP connection that sends nothing for this long is dropped, ms (TCP keepalive is on as well).',
  ),
  adminToken: secret(
    field(
      z.string(),
      'INGEST_ADMIN_TOKEN',
      '',
      'Token RoomsService callers must send as gRPC metadata "authorization: Bearer <token>" (use a long random ' +
        'value, e.g. `openssl rand -hex 32`). Unset: RoomsService answers loopback callers only.',
      '(unset)',
    ),
  ),
  recordNewRooms: boolField(
    'INGEST_RECORD_NEW_ROOMS',
    false,
    'Whether rooms created from now on (CreateRoom, `onair rooms create`, the demo room) are recorded by the origin ' +
      'relays; `onair rooms update <room> --record on|off` changes one room, from its next publish.',
  ),
  demoRoom: field(
    z.union([z.literal(''), z.string().regex(ROOM_ID_PATTERN, '1 to 64 lower-case letters, digits or "-"')]),
    'INGEST_DEMO_ROOM',
    '',
    'Room created at start when missing; its new stream key is logged once as demoStreamKey. Empty: none.',
    '(unset)',
  ),
  demoStreamKey: secret(
    withCheck(
      field(
        z.string(),
        'INGEST_DEMO_STREAM_KEY',
        '',
        'Stream key of the demo room instead of a generated one: "<INGEST_DEMO_ROOM>_<secret>", the secret 32+ ' +
          'letters, digits, - or _ (e.g. `openssl rand -hex 16`). Replaces the stored key at start when it differs.',
        '(unset)',
      ),
      // The key itself is never in the problem.
      (key, config) =>
        typeof config.demoRoom === 'string' && config.demoRoom !== ''
          ? chosenStreamKeyProblem(config.demoRoom, key)
          : 'set INGEST_DEMO_ROOM too, or unset this',
    ),
  ),
  ...grpcTlsSpec('INGEST_'),
  logLevel: logLevelField('INGEST_LOG_LEVEL'),
};

/** The validated, frozen ingest configuration. */
export type Config = ConfigOf<typeof configSpec>;
