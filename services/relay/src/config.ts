import { z } from 'zod';
import { grpcTlsSpec } from '@onair/grpc-kit';
import { logLevelField, field, portField, withCheck, type ConfigOf } from '@onair/runtime';

/** "host:port" or "[v6]:port". */
const HOST_PORT = /(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}/;
/** "v4:port" or "[v6]:port". */
const IP_PORT = /(\d{1,3}(\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):\d{1,5}/;
/**
 * The gRPC targets (gRPC doc/naming.md) an upstream may be: `host:port`, `dns:///host:port` (every address of a
 * name) or `ipv4:`/`ipv6:` with a comma-separated list of addresses.
 */
const UPSTREAM_TARGET = new RegExp(
  `^(${HOST_PORT.source}|dns:///${HOST_PORT.source}|ipv[46]:${IP_PORT.source}(,${IP_PORT.source})*)$`,
);

/** An http(s) URL without path, query or fragment beyond `/`: a public origin the watch page connects to. */
const publicOrigin = z
  .string()
  .regex(/^https?:\/\/[^/?#\s]+\/?$/, 'expected http(s)://host[:port]')
  .transform((url) => url.replace(/\/$/, ''));
/** An http(s) URL, or empty. */
const optionalUrl = z.union([z.literal(''), z.string().regex(/^https?:\/\/\S+$/, 'expected an http(s) URL')]);

const ms = (min: number, max: number): z.ZodType<number> => z.coerce.number().int().min(min).max(max);

/** The relay's configuration: one field per `RELAY_*` variable, with its default and meaning. */
export const configSpec = {
  host: field(z.string().min(1), 'RELAY_HOST', '0.0.0.0', 'Bind address of the HTTP and gRPC servers.'),
  httpPort: portField(
    'RELAY_HTTP_PORT',
    8080,
    'HTTP port: HLS under /hls, the watch page under /watch, /healthz, /metrics.',
  ),
  grpcPort: portField('RELAY_GRPC_PORT', 50052, 'gRPC port: MediaService for edge relays, health, Telemetry.'),
  httpsPort: portField(
    'RELAY_HTTPS_PORT',
    8443,
    'HTTPS port (HTTP/2 and HTTP/1.1 over TLS), served when RELAY_TLS_CERT_FILE and RELAY_TLS_KEY_FILE are set.',
  ),
  tlsCertFile: withCheck(
    field(
      z.string(),
      'RELAY_TLS_CERT_FILE',
      '',
      'PEM certificate (chain) of the HTTPS listener; unset: no HTTPS.',
      '(unset)',
    ),
    (file, config) => (config.tlsKeyFile ? undefined : file ? 'set RELAY_TLS_KEY_FILE too' : undefined),
  ),
  tlsKeyFile: withCheck(
    field(z.string(), 'RELAY_TLS_KEY_FILE', '', 'PEM private key of the HTTPS listener.', '(unset)'),
    (file, config) => (config.tlsCertFile ? undefined : file ? 'set RELAY_TLS_CERT_FILE too' : undefined),
  ),
  upstream: field(
    z.string().regex(UPSTREAM_TARGET, 'expected host:port, dns:///host:port or ipv4:a:port,b:port'),
    'RELAY_UPSTREAM',
    '127.0.0.1:50051',
    "MediaService to follow: ingest's gRPC port, or another relay's to run as an edge (host:port). An edge may " +
      'name several origins, `dns:///origin:50052` (every address of the name) or `ipv4:10.0.0.1:50052,10.0.0.2:50052`: ' +
      'calls go round robin over those answering, and a subscription broken by a dying origin resumes on another.',
  ),
  follow: field(
    z.enum(['all', 'on-demand']),
    'RELAY_FOLLOW',
    'all',
    'Which rooms to follow: "all" that are live upstream (an origin), or "on-demand", a room only while it is ' +
      'asked for (an edge: one upstream subscription per room however many viewers, let go when idle).',
  ),
  natsUrl: withCheck(
    field(
      z.string(),
      'RELAY_NATS_URL',
      '',
      'NATS server URL(s), comma-separated (RELAY_FOLLOW=all only): follow each live room from the ingest the "live" ' +
        'KV bucket names for it (INGEST_GRPC_ADVERTISE_ADDRESS; RELAY_UPSTREAM for entries naming none), watching ' +
        'the bucket, so several ingest replicas can take publishes behind one RTMP address. Unset: poll RELAY_UPSTREAM.',
      '(unset)',
    ),
    (url, config) => (url && config.follow !== 'all' ? 'valid only with RELAY_FOLLOW=all' : undefined),
  ),
  upstreamPollMs: field(
    ms(50, 60_000),
    'RELAY_UPSTREAM_POLL_MS',
    1000,
    'Interval of ListLiveStreams polls, ms (RELAY_FOLLOW=all); with RELAY_NATS_URL, how often followed rooms are ' +
      "checked against the bucket's max age (an expired entry leaves no delete marker).",
  ),
  firstRequestWaitMs: field(
    ms(0, 60_000),
    'RELAY_FIRST_REQUEST_WAIT_MS',
    5000,
    'How long the first request for a room not followed yet waits for its stream, ms (RELAY_FOLLOW=on-demand).',
  ),
  idleMs: field(
    ms(1000, 3_600_000),
    'RELAY_IDLE_MS',
    30_000,
    'A room nobody asked for this long is let go, ms (RELAY_FOLLOW=on-demand).',
  ),
  windowSegments: field(
    z.coerce.number().int().min(1).max(100),
    'RELAY_WINDOW_SEGMENTS',
    6,
    'Complete segments kept per rendition (the live playlist window).',
  ),
  endedLingerMs: field(
    ms(0, 600_000),
    'RELAY_ENDED_LINGER_MS',
    30_000,
    'How long an ended stream keeps serving its last window with #EXT-X-ENDLIST before 404, ms.',
  ),
  recordingsDir: field(
    z.string(),
    'RELAY_RECORDINGS_DIR',
    'recordings',
    'Directory of recordings (RELAY_FOLLOW=all with RELAY_NATS_URL: an origin): each publish whose live entry says ' +
      '`record` is written there as `<room>/<publishId>/`, served under /vod and listed by /api/recordings. A ' +
      'relative path is resolved from the working directory; empty: nothing is recorded.',
  ),
  recordingsMaxAgeMs: field(
    z.coerce.number().int().min(0),
    'RELAY_RECORDINGS_MAX_AGE_MS',
    604_800_000,
    'A recording that ended longer ago than this is deleted, ms (default 7 days); 0: kept whatever its age.',
  ),
  recordingsMaxBytes: field(
    z.coerce.number().int().min(0),
    'RELAY_RECORDINGS_MAX_BYTES',
    0,
    'Recordings are deleted, oldest first, while they hold more than this in all, bytes (the one being written is ' +
      'never deleted); 0: no limit.',
  ),
  recordingsCheckMs: field(
    ms(100, 3_600_000),
    'RELAY_RECORDINGS_CHECK_MS',
    60_000,
    'Interval of the retention checks of the recordings directory, ms (also checked at start).',
  ),
  watchDanmakuUrl: field(
    publicOrigin,
    'RELAY_WATCH_DANMAKU_URL',
    'http://localhost:8081',
    "The danmaku service's public HTTP origin as viewers' browsers reach it: the watch page (/watch/<room>) opens " +
      'its WebSocket (ws: or wss: on the same host) and reads replay danmaku there.',
  ),
  watchChatUrl: field(
    publicOrigin,
    'RELAY_WATCH_CHAT_URL',
    'http://localhost:8082',
    "The chat service's public HTTP origin as viewers' browsers reach it: the watch page opens its WebSocket there.",
  ),
  watchSignInUrl: field(
    optionalUrl,
    'RELAY_WATCH_SIGNIN_URL',
    '',
    "A platform's sign-in endpoint: the watch page GETs it with the browser's cookies (credentials: include) and " +
      'posts with the `token` of a 200 JSON answer `{"token":"…"}`; it must answer CORS for the relay\'s origin. ' +
      'Empty: viewers paste a token.',
    '(unset)',
  ),
  watchDevJwtSecretFile: field(
    z.string(),
    'RELAY_WATCH_DEV_JWT_SECRET_FILE',
    '',
    'Development only (npm start sets it): the JWT secret file danmaku and chat verify tokens with; the watch page ' +
      'then offers a sign-in that gets a token for any name from GET /watch/dev-token.json. Never set it in production.',
    '(unset)',
  ),
  ...grpcTlsSpec('RELAY_'),
  logLevel: logLevelField('RELAY_LOG_LEVEL'),
};

/** The relay's validated, frozen configuration. */
export type Config = ConfigOf<typeof configSpec>;
