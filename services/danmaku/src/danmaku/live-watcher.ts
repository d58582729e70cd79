import { LIVE_BUCKET } from '@onair/contracts';
import { Kvm, type NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { LiveClock } from './live-clock.js';

/** Options of {@link watchLive}. */
export interface LiveWatchOptions {
  nc: NatsConnection;
  clock: LiveClock;
  log: Logger;
  /** Pause before opening the bucket again when it is missing or the watch ended, ms. @default 2000 */
  retryMs?: number;
}

/** A running watch of the "live" bucket. */
export interface LiveWatcher {
  stop(): void;
}

/**
 * Feeds `clock` from the "live" KV bucket in the background: its current entries first, then every
 * change. The bucket is only opened, never created — ingest owns its settings (max age) — so until ingest
 * has created it every room reads as not live and the watch retries every `retryMs`.
 */
export function watchLive({ nc, clock, log, retryMs = 2000 }: LiveWatchOptions): LiveWatcher {
  const watchLog = log.child({ component: 'live-watcher' });
  let stopped = false;
  let entries: { stop(): void } | undefined;
  let wake: () => void = () => undefined;

  const watchOnce = async (): Promise<void> => {
    const kv = await new Kvm(nc).open(LIVE_BUCKET);
    const { ttl } = await kv.status();
    const iterator = await kv.watch();
    entries = iterator;
    clock.reset(ttl);
    watchLog.info({ bucket: LIVE_BUCKET, maxAgeMs: ttl }, 'watching');
    for await (const entry of iterator) {
      clock.apply(entry.key, entry.operation === 'PUT' ? entry.string() : null, entry.created.getTime());
    }
  };

  void (async () => {
    let reported = false;
    while (!stopped) {
      try {
        await watchOnce();
        if (!stopped) watchLog.warn('watch ended');
      } catch (err) {
        if (!stopped && !reported) watchLog.info({ err, bucket: LIVE_BUCKET }, 'bucket not available yet');
        reported = true;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    watchLog.info('closed');
  })();

  return {
    stop() {
      watchLog.info('closing');
      stopped = true;
      entries?.stop();
      wake();
    },
  };
}
