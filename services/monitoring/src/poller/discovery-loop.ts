import type { Logger } from '@onair/runtime';
import { discoverTargets, systemLookup, type Lookup } from './target-discovery.js';
import type { Target } from './targets.js';

/** A running re-resolution of the configured targets. */
export interface DiscoveryLoop {
  start(): void;
  /** Stops scheduling and waits for the round in flight. */
  stop(): Promise<void>;
}

/**
 * Resolves `configured` every `intervalMs` ({@link discoverTargets}) and hands each round's targets to `apply`
 * (the poller), one round at a time. A round that fails is logged and the next one tries again.
 */
export function targetDiscovery(
  configured: readonly Target[],
  intervalMs: number,
  apply: (targets: Target[]) => Promise<void>,
  log: Logger,
  resolve: Lookup = systemLookup,
): DiscoveryLoop {
  const discoveryLog = log.child({ component: 'discovery' });
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = (): void => {
    round = discoverTargets(configured, resolve)
      .then(apply)
      .catch((err: unknown) => discoveryLog.warn({ err }, 'discovery round failed'))
      .then(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  return {
    start() {
      timer = setTimeout(tick, intervalMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
