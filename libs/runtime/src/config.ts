import { z } from 'zod';

/** One configuration field: its schema, the environment variable it is read from, its default and doc. */
export interface ConfigField<T> {
  readonly schema: z.ZodType<T>;
  readonly env: string;
  readonly default: T;
  readonly doc: string;
  /** How the default is written in docs when `String(default)` would not read well (parsed objects). */
  readonly defaultText?: string;
  /** A secret (token, key): its value is never written in an error or a log line. See {@link secret}. */
  readonly secret?: boolean;
  /**
   * A rule across fields, run once every field parsed (see {@link withCheck}): why the value does not fit the rest
   * of the configuration, or undefined when it does.
   */
  check?(value: T, config: Readonly<Record<string, unknown>>): string | undefined;
}

/** A service's configuration spec: field name → field. */
export type ConfigSpec = Record<string, ConfigField<unknown>>;

/** The typed, frozen configuration a spec describes. */
export type ConfigOf<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends ConfigField<infer T> ? T : never;
};

/** Thrown by {@link loadConfig} when variables fail validation; the message names every bad variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Declares a field; `schema` parses the variable's string (use `z.coerce` for numbers). A default whose
 * `String()` does not read well (a parsed list) takes its original text in `defaultText`.
 */
export function field<T>(
  schema: z.ZodType<T>,
  env: string,
  defaultValue: T,
  doc: string,
  defaultText?: string,
): ConfigField<T> {
  return defaultText === undefined
    ? { schema, env, default: defaultValue, doc }
    : { schema, env, default: defaultValue, doc, defaultText };
}

/** `f` as a secret: a value that fails validation is named by its variable only, never echoed. */
export function secret<T>(f: ConfigField<T>): ConfigField<T> {
  return { ...f, secret: true };
}

/**
 * `f` with a rule across fields: `check` sees the field's value and the whole parsed configuration, and returns
 * the problem (reported as `<ENV>: <problem>`) or undefined. It runs only when every field parsed, and only for a
 * value that was set (not the default).
 */
export function withCheck<T>(
  f: ConfigField<T>,
  check: (value: T, config: Readonly<Record<string, unknown>>) => string | undefined,
): ConfigField<T> {
  return { ...f, check };
}

/** Integer port field, 0 to 65535 (0 asks the OS for a free port). */
export function portField(env: string, defaultValue: number, doc: string): ConfigField<number> {
  return field(z.coerce.number().int().min(0).max(65535), env, defaultValue, doc);
}

/** Boolean field that accepts true/false/1/0/yes/no. */
export function boolField(env: string, defaultValue: boolean, doc: string): ConfigField<boolean> {
  const schema = z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
  return field(schema as unknown as z.ZodType<boolean>, env, defaultValue, doc);
}

/** pino levels, most severe first; "silent" logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The log level field every service has (`<PREFIX>LOG_LEVEL`, default "info"). */
export function logLevelField(env: string): ConfigField<(typeof LOG_LEVELS)[number]> {
  return field(z.enum(LOG_LEVELS), env, 'info', `pino log level: ${LOG_LEVELS.join(', ')}.`);
}

/** Result of {@link loadConfig}. */
export interface LoadedConfig<S extends ConfigSpec> {
  config: ConfigOf<S>;
  /** Variables that carry the prefix but match no field (probably typos); the caller logs them. */
  unknown: string[];
}

/**
 * Reads a spec from the environment: defaults, then variables, then validation.
 * @param prefix variables starting with it that no field reads are reported in `unknown`, e.g. "INGEST_".
 * @throws ConfigError naming each variable that failed, with its value's problem.
 */
export function loadConfig<S extends ConfigSpec>(
  spec: S,
  prefix: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadedConfig<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  const set: Array<[string, ConfigField<unknown>]> = [];
  for (const [key, f] of Object.entries(spec)) {
    const raw = env[f.env];
    if (raw === undefined || raw === '') {
      out[key] = f.default;
      continue;
    }
    const parsed = f.schema.safeParse(raw);
    if (parsed.success) {
      out[key] = parsed.data;
      set.push([key, f]);
    } else {
      const shown = f.secret ? f.env : `${f.env}=${JSON.stringify(raw)}`;
      problems.push(`${shown}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    }
  }
  if (problems.length === 0) {
    for (const [key, f] of set) {
      const problem = f.check?.(out[key], out);
      if (problem !== undefined) problems.push(`${f.env}: ${problem}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join(', ')}`, problems);
  const known = new Set(Object.values(spec).map((f) => f.env));
  const unknown = Object.keys(env).filter((k) => k.startsWith(prefix) && !known.has(k));
  return { config: Object.freeze(out) as ConfigOf<S>, unknown };
}

/** How a field's default reads in docs. @throws Error for an object default without `defaultText` (a bug). */
function defaultText(f: ConfigField<unknown>): string {
  if (f.defaultText !== undefined) return f.defaultText;
  if (typeof f.default === 'object' && f.default !== null) {
    throw new Error(`config field ${f.env}: an object default needs its defaultText`);
  }
  return String(f.default);
}

/**
 * Renders a spec as a Markdown table (variable · default · meaning) for the README.
 * @throws Error when a field with an object default has no `defaultText`.
 */
export function describeConfig(spec: ConfigSpec): string {
  const rows = Object.values(spec).map((f) => `| \`${f.env}\` | \`${defaultText(f)}\` | ${f.doc} |`);
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
