import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { grpcTlsSpec } from '@onair/grpc-kit';
import {
  boolField,
  logLevelField,
  field,
  portField,
  secret,
  withCheck,
  type ConfigOf,
  type ConfigSpec,
} from '@onair/runtime';
import { postLimitFields } from './post-limits-config.js';
import {
  createTokenVerifier,
  MIN_SECRET_BYTES,
  publicKeyAlgorithm,
  type TokenKeySource,
  type TokenVerifier,
} from './token-verifier.js';

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
  /** Whether identical messages of one batch window go out once with a count (danmaku), by default. */
  mergeIdentical: boolean;
  /** Messages per second of a room a viewer gets at most before sampling (0: all), by default. */
  densityPerSec: number;
  /** What else to say in the doc of `<prefix>RETENTION` (e.g. what relies on it). @default nothing */
  retentionDoc?: string;
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

/** Hosts a JWKS may be fetched from over plain http. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

function isJwksUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

const jwksUrlSchema: z.ZodType<string> = z
  .string()
  .trim()
  .refine(isJwksUrl, { error: 'expected an https:// URL, or http:// on localhost, 127.0.0.1 or [::1]' });

/** The config fields that name where token keys come from; at most one may be set. */
const KEY_SOURCE_FIELDS = ['jwtSecret', 'jwtSecretFile', 'jwtPublicKeyFile', 'jwtJwksUrl'] as const;

function keySourceCount(config: Readonly<Record<string, unknown>>): number {
  return KEY_SOURCE_FIELDS.filter((key) => config[key] !== '').length;
}

/** The shared secret a secret file holds: its text without the trailing line break. */
function readSecretFile(file: string): string {
  return readFileSync(file, 'utf8').replace(/\r?\n$/, '');
}

/** Why a secret file cannot verify tokens, or undefined when it can; never quotes the file's content. */
function secretFileProblem(file: string): string | undefined {
  try {
    const bytes = Buffer.byteLength(readSecretFile(file));
    return bytes < MIN_SECRET_BYTES ? `${file} holds fewer than ${MIN_SECRET_BYTES} bytes` : undefined;
  } catch (err) {
    return `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

/** Why a public key file cannot verify tokens, or undefined when it can. */
function publicKeyFileProblem(file: string): string | undefined {
  try {
    publicKeyAlgorithm(readFileSync(file, 'utf8'));
    return undefined;
  } catch (err) {
    return `cannot verify tokens with ${file}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** The `<prefix>JWT_*` fields: where the keys that sign viewer tokens come from, and what tokens must name. */
function tokenFields(p: string) {
  const sources = `${p}JWT_SECRET, ${p}JWT_SECRET_FILE, ${p}JWT_PUBLIC_KEY_FILE or ${p}JWT_JWKS_URL`;
  const onlyOne = (_: string, config: Readonly<Record<string, unknown>>): string | undefined =>
    keySourceCount(config) > 1 ? `set only one of ${sources}` : undefined;
  const needsSource = (_: string, config: Readonly<Record<string, unknown>>): string | undefined =>
    keySourceCount(config) === 0 ? `set ${sources} too` : undefined;
  return {
    jwtSecret: secret(
      withCheck(
        field(
          z.string().min(MIN_SECRET_BYTES, { error: `expected at least ${MIN_SECRET_BYTES} characters` }),
          `${p}JWT_SECRET`,
          '',
          `Shared secret viewer tokens are signed with (HS256 only), ${MIN_SECRET_BYTES}+ characters, e.g. ` +
            `\`openssl rand -hex 32\`. Set at most one of ${sources}; none: no token is verified.`,
          '(unset)',
        ),
        onlyOne,
      ),
    ),
    jwtSecretFile: withCheck(
      field(
        z.string(),
        `${p}JWT_SECRET_FILE`,
        '',
        `File holding the shared secret (as ${p}JWT_SECRET; a trailing line break is ignored), e.g. a Docker secret.`,
        '(unset)',
      ),
      (file, config) => onlyOne(file, config) ?? secretFileProblem(file),
    ),
    jwtPublicKeyFile: withCheck(
      field(
        z.string(),
        `${p}JWT_PUBLIC_KEY_FILE`,
        '',
        'PEM public key (SPKI) viewer tokens are verified with; its type is the one algorithm taken: RSA ' +
          '(2048+ bits) RS256, EC P-256 ES256, Ed25519 EdDSA.',
        '(unset)',
      ),
      (file, config) => onlyOne(file, config) ?? publicKeyFileProblem(file),
    ),
    jwtJwksUrl: withCheck(
      field(
        jwksUrlSchema,
        `${p}JWT_JWKS_URL`,
        '',
        'JWK Set (RFC 7517) URL of the keys viewer tokens are verified with (RS256, ES256, EdDSA): https, or http ' +
          'on localhost, 127.0.0.1 or [::1]. Cached 10 min; a token with an unknown kid fetches it again, at most ' +
          'every 30 s.',
        '(unset)',
      ),
      onlyOne,
    ),
    jwtIssuer: withCheck(
      field(z.string(), `${p}JWT_ISSUER`, '', 'The iss viewer tokens must carry. Unset: not checked.', '(unset)'),
      needsSource,
    ),
    jwtAudience: withCheck(
      field(
        z.string(),
        `${p}JWT_AUDIENCE`,
        '',
        'The aud viewer tokens must carry (alone or in a list). Unset: not checked.',
        '(unset)',
      ),
      needsSource,
    ),
  } satisfies ConfigSpec;
}

/** The configuration every realtime service reads, one field per `<prefix>*` variable. */
export function realtimeConfigSpec(d: RealtimeConfigDefaults) {
  const p = d.prefix;
  return {
    host: field(z.string().min(1), `${p}HOST`, '0.0.0.0', 'Bind address of the HTTP/WebSocket and gRPC servers.'),
    httpPort: portField(`${p}HTTP_PORT`, d.httpPort, 'HTTP port: WebSocket endpoint /ws, /healthz, /metrics.'),
    grpcPort: portField(`${p}GRPC_PORT`, d.grpcPort, 'gRPC port: service API, ModerationService, health, Telemetry.'),
    natsUrl: field(z.string().min(1), `${p}NATS_URL`, 'nats://127.0.0.1:4222', 'NATS server URLs, comma-separated.'),
    natsReplicas: field(
      int(1, 5),
      `${p}NATS_REPLICAS`,
      1,
      'Copies of every JetStream stream and KV bucket this service creates, in a NATS cluster (at most its number ' +
        'of servers; 3 survives the loss of one). An existing stream or bucket with fewer is raised to it.',
    ),
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
    ...postLimitFields(p),
    maxFrameBytes: field(
      int(256, 1_048_576),
      `${p}MAX_FRAME_BYTES`,
      4096,
      'Largest WebSocket frame, bytes; a larger one closes the socket (1009).',
    ),
    batchWindowMs: field(
      int(0, 100),
      `${p}BATCH_WINDOW_MS`,
      50,
      "How long a room's frames gather before going to each viewer as one `batch` frame, ms (a frame after a quiet " +
        'window goes at once); 0: every frame on its own.',
    ),
    mergeIdentical: boolField(
      `${p}MERGE_IDENTICAL`,
      d.mergeIdentical,
      'Whether messages of one batch window with identical text go to viewers once, the first with `"count":n`; a ' +
        'moderator may set it per room (`overload` action).',
    ),
    densityPerSec: field(
      int(0, 100_000),
      `${p}DENSITY_PER_SEC`,
      d.densityPerSec,
      "Messages per second of one room a viewer's screen gets at most: above it a busy room's messages are sampled " +
        "evenly, moderators' and the broadcaster's kept, each sender still getting its own; 0: no sampling. A " +
        'moderator may set it per room (`overload` action).',
    ),
    maxBehindMs: field(
      int(1000, 600_000),
      `${p}MAX_BEHIND_MS`,
      10_000,
      'A viewer whose socket has not taken its room frames for this long is closed (1013), ms; meanwhile its ' +
        'oldest waiting frames are dropped past 1 MiB.',
    ),
    historySize: field(int(1, 10_000), `${p}HISTORY_SIZE`, d.historySize, d.historyDoc),
    retention: field(
      durationSchema,
      `${p}RETENTION`,
      '7d',
      `Max age of stored messages (JetStream max_age): ms, s, m, h or d, e.g. 24h.${d.retentionDoc ? ` ${d.retentionDoc}` : ''}`,
    ),
    ...tokenFields(p),
    guests: boolField(
      `${p}GUESTS`,
      false,
      'Whether a new room lets viewers without a token post (under a server-given guest name); moderators change it per room.',
    ),
    serviceToken: secret(
      field(
        z.string(),
        `${p}SERVICE_TOKEN`,
        '',
        'Bearer token the gRPC calls that post or moderate must carry (`authorization: Bearer <token>`), ' +
          'compared in constant time; an admin viewer token is taken too. Unset: loopback callers only.',
        '(unset)',
      ),
    ),
    ...grpcTlsSpec(p),
    logLevel: logLevelField(`${p}LOG_LEVEL`),
  } satisfies ConfigSpec;
}

/** A realtime service's validated, frozen configuration. */
export type RealtimeConfig = ConfigOf<ReturnType<typeof realtimeConfigSpec>>;

/**
 * The verifier of viewer tokens the `<prefix>JWT_*` variables describe (reads the secret or public key file).
 * @returns undefined when no key source is set.
 * @throws Error when the secret or public key file cannot be read or used (a validated configuration checked it at load).
 */
export async function tokenVerifierFromConfig(config: RealtimeConfig): Promise<TokenVerifier | undefined> {
  let key: TokenKeySource;
  if (config.jwtSecret !== '') key = { secret: config.jwtSecret };
  else if (config.jwtSecretFile !== '') key = { secret: readSecretFile(config.jwtSecretFile) };
  else if (config.jwtPublicKeyFile !== '') key = { publicKeyPem: await readFile(config.jwtPublicKeyFile, 'utf8') };
  else if (config.jwtJwksUrl !== '') key = { jwksUrl: new URL(config.jwtJwksUrl) };
  else return undefined;
  return createTokenVerifier({
    key,
    ...(config.jwtIssuer === '' ? {} : { issuer: config.jwtIssuer }),
    ...(config.jwtAudience === '' ? {} : { audience: config.jwtAudience }),
  });
}
