import { randomUUID } from 'node:crypto';
import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerSettings {
  /** Service kind written in every line, e.g. "ingest". */
  service: string;
  /** pino level. @default "info" */
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read lines back. */
  destination?: NodeJS.WritableStream;
}

/** Keys never written in clear: stream keys, tokens, authorisation headers. */
export const REDACTED_PATHS = [
  'streamKey',
  '*.streamKey',
  'stream_key',
  '*.stream_key',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
];

/** One id per process, shared by the root logger and Telemetry.GetStats. */
export const INSTANCE_ID = randomUUID();

/**
 * Creates the process's root pino logger: JSON lines with `service` and `instance` in every line,
 * errors under `err`, secrets redacted. Components take `log.child({ component })`.
 */
export function createLogger({ service, level = 'info', destination }: LoggerSettings): Logger {
  const options: LoggerOptions = {
    level,
    base: { service, instance: INSTANCE_ID },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  return destination ? pino(options, destination as pino.DestinationStream) : pino(options);
}
