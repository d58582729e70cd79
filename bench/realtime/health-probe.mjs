import { setTimeout as sleep } from 'node:timers/promises';
import { httpGet } from '../ll-hls/http-get.mjs';

/** Time between two probes of one instance, ms. */
const PROBE_INTERVAL_MS = 500;
/** A probe not answered within this long counts as this long, ms. */
const PROBE_TIMEOUT_MS = 60_000;

/**
 * Probes `url` (an instance's /healthz) every 500 ms, one GET at a time, noting how long each took to answer: an
 * instance's own work for it is tiny, so a slow answer is time its event loop spent on something else first.
 * @param {string} url
 * @returns {() => Promise<number[]>} stops probing once the probe under way has ended; resolves to the answer times,
 *   ms (a probe that failed or timed out counts as {@link PROBE_TIMEOUT_MS}).
 */
export function probeHealth(url) {
  const timesMs = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const start = performance.now();
      try {
        await httpGet(url, { timeoutMs: PROBE_TIMEOUT_MS });
        timesMs.push(performance.now() - start);
      } catch {
        timesMs.push(PROBE_TIMEOUT_MS);
      }
      await sleep(PROBE_INTERVAL_MS);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return timesMs;
  };
}
