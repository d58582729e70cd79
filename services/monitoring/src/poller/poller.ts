import type { Logger } from '@onair/runtime';
import { createGrpcProbe, type TargetProbe } from './target-probe.js';
import { initialState, nextState, TARGET_HEALTH, type TargetState } from './target-state.js';
import type { Target } from './targets.js';

/** Options of {@link createPoller}. */
export interface PollerOptions {
  targets: readonly Target[];
  /** Interval between the starts of two polls of one target, ms. */
  pollMs: number;
  /** Deadline of each call of a poll, ms. */
  timeoutMs: number;
  log: Logger;
  /** Opens the probe of a target. @default createGrpcProbe */
  openProbe?: (target: Target) => TargetProbe;
  /** Clock, unix epoch ms. @default Date.now */
  now?: () => number;
  /** Called after each poll of any target settled (its state is the new one). @default does nothing */
  onPolled?: () => void;
}

/** Polls every target on its own schedule and keeps each one's latest {@link TargetState}. */
export interface Poller {
  /** Starts polling; resolves once every target's first poll has settled (each bounded by the deadline). */
  start(): Promise<void>;
  /** Stops scheduling, waits for polls in flight (bounded by the deadline) and closes the channels. */
  stop(): Promise<void>;
  /** The latest state of every target, in list order. */
  states(): readonly TargetState[];
  /**
   * Polls `targets` from now on (replicas found by discovery): a target whose address is new starts its own loop,
   * one whose address is gone stops (its poll in flight settles), the others go on with their state.
   */
  setTargets(targets: readonly Target[]): Promise<void>;
}

interface Watch {
  state(): TargetState;
  /** Settles when the target's first poll has. */
  readonly first: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Polls one target: one poll at a time, the next one `pollMs` after the previous one began (or at once
 * when a poll took longer). Each target has its own loop, so a slow or dead target delays no other.
 */
function watchTarget(target: Target, options: Required<Omit<PollerOptions, 'targets'>>): Watch {
  const { pollMs, timeoutMs, now } = options;
  const log = options.log.child({ target: target.name, address: target.address });
  const probe = options.openProbe(target);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let state = initialState(target);

  const pollOnce = async (): Promise<void> => {
    const [health, stats] = await Promise.allSettled([probe.checkHealth(timeoutMs), probe.getStats(timeoutMs)]);
    const previous = state;
    state = nextState(previous, { health, stats }, now());
    const { health: current, error } = state;
    log.debug({ health: current, error }, 'polled');
    if (current === previous.health) return;
    const failure = [health, stats].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (current === TARGET_HEALTH.SERVING)
      log.info({ health: current, previous: previous.health }, 'target health changed');
    else log.warn({ health: current, previous: previous.health, err: failure?.reason }, 'target health changed');
  };

  const loop = (): void => {
    if (stopped) return;
    const began = now();
    inFlight = pollOnce()
      .catch((err: unknown) => log.error({ err }, 'poll failed'))
      .then(() => {
        if (!stopped) options.onPolled();
        if (!stopped) timer = setTimeout(loop, Math.max(0, pollMs - (now() - began)));
      });
  };

  loop();
  return {
    state: () => state,
    first: inFlight,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      probe.close();
    },
  };
}

/** Creates a {@link Poller} of `targets` over gRPC (grpc.health.v1.Health.Check and Telemetry.GetStats). */
export function createPoller({
  targets,
  pollMs,
  timeoutMs,
  log,
  openProbe = (target) => createGrpcProbe(target, pollMs),
  now = Date.now,
  onPolled = () => {},
}: PollerOptions): Poller {
  const pollerLog = log.child({ component: 'poller' });
  const options = { pollMs, timeoutMs, log: pollerLog, openProbe, now, onPolled };
  let current = targets;
  let watches = new Map<string, Watch>();
  let started = false;
  return {
    async start() {
      pollerLog.info({ targets: current.length, pollMs, timeoutMs }, 'opened');
      started = true;
      watches = new Map(current.map((t) => [t.address, watchTarget(t, options)]));
      await Promise.all([...watches.values()].map((w) => w.first));
    },
    async setTargets(next) {
      const kept = new Map<string, Watch>();
      for (const target of next) {
        const watch = watches.get(target.address);
        if (watch) kept.set(target.address, watch);
        else if (started) {
          pollerLog.info({ target: target.name, address: target.address }, 'target added');
          kept.set(target.address, watchTarget(target, options));
        }
      }
      const gone = [...watches].filter(([address]) => !kept.has(address));
      for (const [address] of gone) pollerLog.info({ address }, 'target removed');
      [current, watches] = [next, kept];
      await Promise.all(gone.map(([, w]) => w.stop()));
    },
    async stop() {
      pollerLog.info('closing');
      started = false;
      await Promise.all([...watches.values()].map((w) => w.stop()));
      pollerLog.info('closed');
    },
    states: () => current.map((t) => watches.get(t.address)?.state() ?? initialState(t)),
  };
}
