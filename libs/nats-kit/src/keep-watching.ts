import type { Logger } from '@onair/runtime';

/** What a watch {@link keepWatching} runs reads from: a KV watch or any other iterator that can be stopped. */
export interface StoppableEntries {
  stop(): void;
}

/** Options of {@link keepWatching}. */
export interface KeepWatchingOptions {
  /**
   * Opens the watch and reads it to its end; hands `track` what it reads, so that stopping ends the read. Throws
   * when the watch cannot be opened (e.g. the bucket does not exist yet).
   */
  watchOnce: (track: (entries: StoppableEntries) => void) => Promise<void>;
  /** The watch's logger (its bindings name the bucket). */
  log: Logger;
  /** Pause before opening the watch again after it failed or ended, ms. */
  retryMs: number;
}

/** A watch that {@link keepWatching} keeps open. */
export interface KeptWatch {
  /** Ends the watch being read and opens none again. */
  stop(): void;
}

/**
 * Runs `watchOnce` in the background, and again `retryMs` after it throws or ends, until stopped: how a service
 * follows a KV bucket that another service creates (the first failure is logged at info as "bucket not available
 * yet", later ones not; an end of the watch at warn).
 */
export function keepWatching({ watchOnce, log, retryMs }: KeepWatchingOptions): KeptWatch {
  let stopped = false;
  let entries: StoppableEntries | undefined;
  let wake: () => void = () => undefined;
  const track = (current: StoppableEntries): void => {
    entries = current;
    if (stopped) current.stop();
  };

  void (async () => {
    let reported = false;
    while (!stopped) {
      try {
        await watchOnce(track);
        if (!stopped) log.warn('watch ended');
      } catch (err) {
        if (!stopped && !reported) log.info({ err }, 'bucket not available yet');
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
    log.info('closed');
  })();

  return {
    stop() {
      log.info('closing');
      stopped = true;
      entries?.stop();
      wake();
    },
  };
}
