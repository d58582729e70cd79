import { LIVE_BUCKET, type LiveEntry } from '@onair/contracts';
import { keepWatching, Kvm, type NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';
import type { LiveClock } from './live-clock.js';

/** Options of {@link watchLive}. */
export interface LiveWatchOptions {
  nc: NatsConnection;
  clock: LiveClock;
  /** Told of every live entry read (also each re-put of one), e.g. to record where the publish started. */
  onPublish?: (room: string, publish: LiveEntry) => void;
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
export function watchLive({ nc, clock, onPublish, log, retryMs = 2000 }: LiveWatchOptions): LiveWatcher {
  const watchLog = log.child({ component: 'live-watcher', bucket: LIVE_BUCKET });
  return keepWatching({
    log: watchLog,
    retryMs,
    watchOnce: async (track) => {
      const kv = await new Kvm(nc).open(LIVE_BUCKET);
      const { ttl } = await kv.status();
      const iterator = await kv.watch();
      track(iterator);
      clock.reset(ttl);
      watchLog.info({ maxAgeMs: ttl }, 'watching');
      for await (const entry of iterator) {
        const value = entry.operation === 'PUT' ? entry.string() : null;
        const publish = clock.apply(entry.key, value, entry.created.getTime());
        if (publish) onPublish?.(entry.key, publish);
      }
    },
  });
}
