import type { Logger } from 'pino';

/** Something with a lifecycle: started once, stopped once. */
export interface Runnable {
  start(): Promise<void>;
  /** Stops gracefully: stop accepting, drain, close. */
  stop(): Promise<void>;
}

/** Options of {@link runUntilSignal}. */
export interface RunOptions {
  /** Hard bound on a graceful stop, ms. @default 10000 */
  stopTimeoutMs?: number;
}

/**
 * Starts `app`, then on SIGINT or SIGTERM stops it under one hard timeout and exits:
 * 0 when the stop was clean, 1 when it failed or timed out. A failed start exits 1.
 */
export async function runUntilSignal(
  app: Runnable,
  log: Logger,
  { stopTimeoutMs = 10_000 }: RunOptions = {},
): Promise<void> {
  try {
    await app.start();
  } catch (err) {
    log.fatal({ err }, 'start failed');
    process.exit(1);
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      log.error({ stopTimeoutMs }, 'stop timed out');
      process.exit(1);
    }, stopTimeoutMs);
    timer.unref();
    app.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/**
 * Runs every stop in parallel and waits for all; rejects with an AggregateError naming the ones that failed.
 */
export async function stopAll(stops: ReadonlyArray<() => Promise<void>>): Promise<void> {
  const results = await Promise.allSettled(stops.map((s) => s()));
  const failures = results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map((r) => r.reason as unknown);
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} component(s) failed to stop`);
}
