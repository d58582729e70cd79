import { LIVE_BUCKET, decodeLiveEntry, type LiveEntry } from '@onair/contracts';
import { keepWatching, Kvm, type NatsConnection } from '@onair/nats-kit';
import type { Logger } from '@onair/runtime';

/** What a {@link watchLiveRooms} watch tells its owner. */
export interface LiveRoomsListener {
  /** A watch (re)opened: its entries follow, then {@link initialized}. `maxAgeMs`: the bucket's max age (0: none). */
  reset(maxAgeMs: number): void;
  /**
   * A room's entry: its value (undefined when the key was deleted or purged, or the value is unreadable) and when it
   * was written (NATS server clock, unix epoch ms).
   */
  entry(room: string, entry: LiveEntry | undefined, updatedAtMs: number): void;
  /** Every entry the bucket held when the watch opened has been told (or `initialWaitMs` passed). */
  initialized(): void;
}

/** Options of {@link watchLiveRooms}. */
export interface LiveRoomsWatchOptions {
  nc: NatsConnection;
  listener: LiveRoomsListener;
  log: Logger;
  /** Pause before opening the bucket again when it is missing or the watch ended, ms. @default 2000 */
  retryMs?: number;
  /** Bound on waiting for the entries the bucket held when the watch opened, ms. @default 5000 */
  initialWaitMs?: number;
}

/** A running watch of the "live" bucket. */
export interface LiveRoomsWatch {
  stop(): void;
}

/**
 * Watches the "live" KV bucket (a JetStream ordered consumer: its last value per room, then every change; no
 * polling) and tells `listener`. The bucket is only opened, never created (ingest owns its settings), so until ingest
 * has created it the watch retries every `retryMs`; so it does when the watch ends.
 */
export function watchLiveRooms({
  nc,
  listener,
  log,
  retryMs = 2000,
  initialWaitMs = 5000,
}: LiveRoomsWatchOptions): LiveRoomsWatch {
  const watchLog = log.child({ component: 'live-watch', bucket: LIVE_BUCKET });
  return keepWatching({
    log: watchLog,
    retryMs,
    watchOnce: async (track) => {
      const kv = await new Kvm(nc).open(LIVE_BUCKET);
      const { ttl, values } = await kv.status();
      const iterator = await kv.watch();
      track(iterator);
      listener.reset(ttl);
      watchLog.info({ maxAgeMs: ttl, entries: values }, 'watching');
      let initialized = false;
      const initialize = (): void => {
        if (initialized) return;
        initialized = true;
        clearTimeout(bound);
        listener.initialized();
      };
      const bound = setTimeout(initialize, initialWaitMs);
      if (values === 0) initialize();
      try {
        for await (const e of iterator) {
          const value = e.operation === 'PUT' ? decodeLiveEntry(e.string()) : undefined;
          if (e.operation === 'PUT' && !value) watchLog.warn({ room: e.key }, 'unreadable live entry');
          listener.entry(e.key, value, e.created.getTime());
          if (e.delta === 0) initialize();
        }
      } finally {
        clearTimeout(bound);
      }
    },
  });
}
