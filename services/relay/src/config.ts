import { z } from 'zod';
import { logLevelField, field, portField, type ConfigOf } from '@onair/runtime';

/** "host:port", "[v6]:port"; the form gRPC client targets take. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

const ms = (min: number, max: number): z.ZodType<number> => z.coerce.number().int().min(min).max(max);

/** The relay's configuration: one field per `RELAY_*` variable, with its default and meaning. */
export const configSpec = {
  host: field(z.string().min(1), 'RELAY_HOST', '0.0.0.0', 'Bind address of the HTTP and gRPC servers.'),
  httpPort: portField('RELAY_HTTP_PORT', 8080, 'HTTP port: HLS under /hls, /healthz, /metrics.'),
  grpcPort: portField('RELAY_GRPC_PORT', 50052, 'gRPC port: MediaService for edge relays, health, Telemetry.'),
  upstream: field(
    z.string().regex(HOST_PORT, 'expected host:port'),
    'RELAY_UPSTREAM',
    '127.0.0.1:50051',
    "MediaService to follow (host:port): ingest's gRPC port, or another relay's to run as an edge.",
  ),
  upstreamPollMs: field(ms(50, 60_000), 'RELAY_UPSTREAM_POLL_MS', 1000, 'Interval of ListLiveStreams polls, ms.'),
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
  logLevel: logLevelField('RELAY_LOG_LEVEL'),
};

/** The relay's validated, frozen configuration. */
export type Config = ConfigOf<typeof configSpec>;
