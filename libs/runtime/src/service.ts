import { ConfigError, loadConfig, type ConfigOf, type ConfigSpec, type LOG_LEVELS } from './config.js';
import { createLogger, type Logger } from './logger.js';

/** Ports a service bound, by name: `{ httpPort, grpcPort }`, the OS's choice where the config asked for 0. */
export type BoundPorts = Readonly<Record<string, number>>;

/** A service's components, wired by its composition root (`createApp`), with one lifecycle. */
export interface ServiceApp<P extends BoundPorts = BoundPorts> {
  /** Starts every component; resolves once all listen. @throws the first component's failure. */
  start(): Promise<void>;
  /** The ports bound by {@link ServiceApp.start}. @throws Error before start() resolved. */
  ports(): P;
  /**
   * Stops gracefully, in the one order every service follows: first everything that serves clients, in parallel
   * (health NOT_SERVING, stop accepting, answer or close what is in flight), then what those used (NATS drained,
   * child processes ended). Resolves once all is stopped; a no-op before start. See {@link stopInOrder}.
   */
  stop(): Promise<void>;
}

/** What {@link serviceApp} wraps: a start that resolves to the bound ports, and a stop. */
export interface AppParts<P extends BoundPorts> {
  start(): Promise<P>;
  stop(): Promise<void>;
}

/**
 * A {@link ServiceApp} over `parts`: `ports()` answers once `start()` resolved, and `stop()` before a start is a
 * no-op, so a composition root only says how to start and stop.
 * @param name the service, named in the error of an early `ports()` call.
 */
export function serviceApp<P extends BoundPorts>(name: string, parts: AppParts<P>): ServiceApp<P> {
  let bound: P | undefined;
  let starting: Promise<P> | undefined;
  return {
    async start() {
      starting ??= parts.start();
      bound = await starting;
    },
    ports() {
      if (!bound) throw new Error(`${name} has not started`);
      return bound;
    },
    async stop() {
      if (!starting) return;
      await starting.catch(() => undefined);
      await parts.stop();
    },
  };
}

/** A service as `runService` runs it: its name, configuration spec and composition root. */
export interface ServiceDefinition<S extends ConfigSpec> {
  /** The service kind, e.g. "ingest"; its variables carry the prefix `INGEST_` and its log lines `service`. */
  name: string;
  /** Its configuration; every service has a `logLevel` field. */
  configSpec: S;
  /** Builds the app from the validated configuration; constructs components, starts nothing. */
  createApp: (config: ConfigOf<S>, log: Logger) => ServiceApp;
}

/** Options of {@link runService}; the defaults are the process's. */
export interface RunServiceOptions {
  env?: NodeJS.ProcessEnv;
  /** Hard bound on a graceful stop, ms. @default 10000 */
  stopTimeoutMs?: number;
  /** Where log lines go. @default stdout */
  destination?: NodeJS.WritableStream;
  /** Ends the process. @default process.exit */
  exit?: (code: number) => void;
  /** Where SIGINT and SIGTERM arrive. @default process */
  signals?: Pick<NodeJS.Process, 'on'>;
}

/** The environment prefix of a service: its name upper-cased, then "_" ("ingest" → "INGEST_"). */
export function envPrefix(name: string): string {
  return `${name.toUpperCase()}_`;
}

/**
 * Runs a service: loads and validates its configuration (`<NAME>_*` variables), builds the root pino logger,
 * creates and starts the app, logs `started` with the bound ports, then on SIGINT or SIGTERM stops it (see
 * {@link ServiceApp.stop}) under one hard timeout and exits. Exit codes: 0 after a clean stop; 1 when the
 * configuration is invalid (logged once, `fatal`, naming every bad variable and never a secret's value), the start
 * fails (logged once, `fatal`, after stopping what had started), or the stop fails or times out.
 */
export async function runService<S extends ConfigSpec>(
  definition: ServiceDefinition<S>,
  {
    env = process.env,
    stopTimeoutMs = 10_000,
    destination,
    exit = (code) => process.exit(code),
    signals = process,
  }: RunServiceOptions = {},
): Promise<void> {
  const { name, configSpec, createApp } = definition;
  let loaded;
  try {
    loaded = loadConfig(configSpec, envPrefix(name), env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    createLogger({ service: name, destination }).fatal({ problems: err.problems }, 'invalid configuration');
    return exit(1);
  }
  const { config, unknown } = loaded;
  const level = (config as { logLevel?: (typeof LOG_LEVELS)[number] }).logLevel ?? 'info';
  const log = createLogger({ service: name, level, destination });
  if (unknown.length > 0) log.warn({ unknown }, 'unknown configuration variables');
  const app = createApp(config, log);
  try {
    await app.start();
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await app.stop().catch((stopErr: unknown) => log.error({ err: stopErr }, 'stop after failed start failed'));
    return exit(1);
  }
  log.info({ ...app.ports() }, 'started');
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      log.error({ stopTimeoutMs }, 'stop timed out');
      exit(1);
    }, stopTimeoutMs);
    timer.unref();
    app.stop().then(
      () => {
        clearTimeout(timer);
        log.info('stopped');
        exit(0);
      },
      (err: unknown) => {
        clearTimeout(timer);
        log.error({ err }, 'stop failed');
        exit(1);
      },
    );
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
}

/**
 * Stops in phases: the stops of a phase run in parallel, a phase starts once the one before has settled, and
 * every phase runs even when an earlier one failed.
 * @throws AggregateError naming every stop that failed, once all phases ran.
 */
export async function stopInOrder(phases: ReadonlyArray<ReadonlyArray<() => Promise<void>>>): Promise<void> {
  const failures: unknown[] = [];
  for (const phase of phases) {
    const results = await Promise.allSettled(phase.map((stop) => stop()));
    for (const r of results) if (r.status === 'rejected') failures.push(r.reason);
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} component(s) failed to stop`);
}
