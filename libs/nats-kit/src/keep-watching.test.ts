import { createLogger } from '@onair/runtime';
import { describe, expect, it, vi } from 'vitest';
import { keepWatching, type StoppableEntries } from './keep-watching.js';

const log = createLogger({ service: 'test', level: 'silent' });

/** Entries that end when stopped, as a KV watch's iterator does. */
function entries(): StoppableEntries & { ended: Promise<void>; stopped: boolean } {
  let end: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const current = {
    ended,
    stopped: false,
    stop() {
      current.stopped = true;
      end();
    },
  };
  return current;
}

describe('keepWatching', () => {
  it('opens the watch again after it failed or ended, until stopped', async () => {
    const opened: ReturnType<typeof entries>[] = [];
    const watchOnce = vi.fn(async (track: (e: StoppableEntries) => void) => {
      if (watchOnce.mock.calls.length === 1) throw new Error('bucket not found');
      const current = entries();
      opened.push(current);
      track(current);
      if (opened.length === 1) return;
      await current.ended;
    });
    const watch = keepWatching({ watchOnce, log, retryMs: 5 });
    await vi.waitFor(() => expect(opened).toHaveLength(2));
    watch.stop();
    expect(opened[1]?.stopped).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(watchOnce).toHaveBeenCalledTimes(3);
  });

  it('stops at once while waiting to retry', async () => {
    const watchOnce = vi.fn(async () => {
      throw new Error('bucket not found');
    });
    const watch = keepWatching({ watchOnce, log, retryMs: 60_000 });
    await vi.waitFor(() => expect(watchOnce).toHaveBeenCalledTimes(1));
    watch.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(watchOnce).toHaveBeenCalledTimes(1);
  });
});
