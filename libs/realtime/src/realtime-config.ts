import { z } from 'zod';
import { logLevelField, field, portField, type ConfigOf, type ConfigSpec } from '@onair/runtime';

/** Defaults that differ between the realtime services. */
export interface RealtimeConfigDefaults {
  /** Environment prefix, e.g. "CHAT_". */
  prefix: string;
  httpPort: number;
  grpcPort: number;
  /** Longest message text, characters. */
  maxTextLength: number;
  /** Sustained frames per second per connection. */
  ratePerSec: number;
  /** Frames a connection may send at once. */
  rateBurst: number;
  /** Messages kept per room for history reads. */
  historySize: number;
  /** What the history is for, in the doc of `<prefix>HISTORY_SIZE`. */
  historyDoc: string;
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Parses a duration such as "500ms", "30s", "15m", "24h" or "7d" (or a bare number of ms) to ms; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[(match[2] ?? 'ms') as keyof typeof UNIT_MS];
}

/**
 * ms of a duration that {@link parseDuration} accepts.
 * @throws RangeError when malformed (a validated configuration never is).
 */
export function durationMs(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new RangeError(`not a duration: ${text}`);
  return ms;
}

const durationSchema: z.ZodType<string> = z
  .string()
  .trim()
  .refine((text) => (parseDuration(text) ?? 0) >= 1000, {
    error: 'expected a duration of at least 1s such as 30m, 24h or 7d',
  });

const int = (min: number, max: number): z.ZodType<number> => z.coerce.number().int().min(min).max(max);

/** The configuration every realtime service reads, one field per `<prefix>*` variable. */
export function realtimeConfigSpec(d: RealtimeConfigDefaults) {
  const p = d.prefix;
  return {
    host: field(z.string().min(1), `${p}HOST`, '0.0.0.0', 'Bind address of the HTTP/WebSocket and gRPC servers.'),
    httpPort: portField(`${p}HTTP_PORT`, d.httpPort, 'HTTP port: WebSocket endpoint /ws, /healthz, /metrics.'),
    grpcPort: portField(`${p}GRPC_PORT`, d.grpcPort, 'gRPC port: service API, health, Telemetry.'),
    natsUrl: field(z.string().min(1), `${p}NATS_URL`, 'nats://127.0.0.1:4222', 'NATS server URLs, comma-separated.'),
    maxTextLength: field(
      int(1, 10_000),
      `${p}MAX_TEXT_LENGTH`,
      d.maxTextLength,
      'Longest message text after trimming, characters.',
    ),
    ratePerSec: field(
      z.coerce.number().positive().max(10_000),
      `${p}RATE_PER_SEC`,
      d.ratePerSec,
      'Sustained frames per second a connection may send.',
    ),
    rateBurst: field(
      int(1, 10_000),
      `${p}RATE_BURST`,
      d.rateBurst,
      'Frames a connection may send at once; 10× rate and burst closes it (1008).',
    ),
    maxFrameBytes: field(
      int(256, 1_048_576),
      `${p}MAX_FRAME_BYTES`,
      4096,
      'Largest WebSocket frame, bytes; a larger one closes the socket (1009).',
    ),
    historySize: field(int(1, 10_000), `${p}HISTORY_SIZE`, d.historySize, d.historyDoc),
    retention: field(
      durationSchema,
      `${p}RETENTION`,
      '7d',
      'Max age of stored messages (JetStream max_age): ms, s, m, h or d, e.g. 24h.',
    ),
    logLevel: logLevelField(`${p}LOG_LEVEL`),
  } satisfies ConfigSpec;
}

/** A realtime service's validated, frozen configuration. */
export type RealtimeConfig = ConfigOf<ReturnType<typeof realtimeConfigSpec>>;
