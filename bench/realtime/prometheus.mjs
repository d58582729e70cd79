import { httpGet } from '../ll-hls/http-get.mjs';

/**
 * Reads counters from a Prometheus text exposition (format 0.0.4): each of `names` summed over its label sets.
 * @param {string} url e.g. "http://127.0.0.1:8082/metrics"
 * @param {readonly string[]} names metric names, e.g. "onair_realtime_messages_accepted_total".
 * @returns {Promise<Map<string, number>>} the names that have samples, with their sums.
 * @throws Error when the GET fails or answers other than 200.
 */
export async function readCounters(url, names) {
  // A generous bound: an overloaded instance answers late (its event loop is busy delivering).
  const { status, body } = await httpGet(url, { timeoutMs: 60_000 });
  if (status !== 200) throw new Error(`GET ${url}: ${status}`);
  const wanted = new Set(names);
  const sums = new Map();
  for (const line of body.toString('utf8').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})? (\S+)/.exec(line);
    if (!match || !wanted.has(match[1])) continue;
    sums.set(match[1], (sums.get(match[1]) ?? 0) + Number(match[2]));
  }
  return sums;
}
