import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LatencyHistogram } from '../realtime/latency-histogram.mjs';
import { startLineProcess } from '../realtime/load.mjs';

const CLIENT_SCRIPT = fileURLToPath(new URL('load-client.mjs', import.meta.url));
/** Bound on opening every socket, ms. */
const OPEN_TIMEOUT_MS = 600_000;
/** Handshakes each load process has under way at once. */
const OPEN_CONCURRENCY = 100;
/**
 * Nice value of the counting processes: on the shared load CPU the scheduler then runs the sample viewers' process
 * first when it wakes, so that their timing is the servers', not that of the load's own queue (nice(2)).
 */
const COUNTING_NICE = 10;

/**
 * @typedef {object} ProcessStatus what one load-client.mjs counted so far (its `status()`).
 * @property {number} open viewers open.
 * @property {Record<string, number>} closes viewers the server closed after their welcome, by close code.
 * @property {number} frames text frames its viewers read; `bytes` their payload bytes.
 * @property {number} bytes
 * @property {number} items room frames (danmaku) in them (see viewer-book.mjs).
 * @property {number} otherFrames frames without a seq (presence, room_state).
 * @property {Record<string, number>} errors error frames viewers got, by code.
 * @property {import('./viewer-book.mjs').SampleCounts[]} samples each sample viewer's checks.
 * @property {{ viewers: number, fewestItems: number, mostItems: number, orderViolations: number }} counted the
 *   counting viewers: the fewest and most items one got, frames whose first seq was not above the one before.
 * @property {{ sent: Record<string, number>, errors: Record<string, number>, skipped: number, sendLag:
 *   import('../realtime/latency-histogram.mjs').LatencySummary }} posters (the first process only).
 * @property {{ activeMs: number, idleMs: number }} eventLoop performance.eventLoopUtilization() so far.
 */

/**
 * @typedef {object} LoadStatus every load process's status, and the sample viewers' latencies together.
 * @property {ProcessStatus[]} processes
 * @property {LatencyHistogram} latency receive − send of every measured post every sample viewer got, µs.
 */

/**
 * @typedef {object} Load
 * @property {number[]} pids one per process, the first holding the posters and the sample viewers.
 * @property {(urls: string[], viewers: Array<{ instance: number, sample: boolean }>) => Promise<{ open: number,
 *   failed: string[], failedCount: number }>} open opens the viewers: the samples in the first process, the j-th
 *   counting viewer in counting process j mod n.
 * @property {(posters: Array<{ url: string, token: string }>) => Promise<void>} posters opens the posters.
 * @property {(rate: number, phase: string) => Promise<void>} pace see posters.mjs.
 * @property {() => Promise<LoadStatus>} status
 * @property {() => Promise<void>} stop ends every process.
 */

/** Adds the bins load-client.mjs sent (`histogramBins`) to `h`. */
function addBins(h, bins) {
  for (const [i, n] of bins.fine) h.fine[i] += n;
  for (const [i, n] of bins.coarse) h.coarse[i] += n;
  h.beyond += bins.beyond;
  h.count += bins.count;
  h.sumUs += bins.sumUs;
  h.maxUs = Math.max(h.maxUs, bins.maxUs);
}

/**
 * Starts the load processes (load-client.mjs), each pinned to `cpu` with its open-files limit raised: one for the
 * posters and the sample viewers, and `processes` for the counting viewers, niced ({@link COUNTING_NICE}).
 * @param {{ processes: number, cpu: number, cpuProfileDir?: string }} options
 * @returns {Load}
 */
export function startLoad({ processes, cpu, cpuProfileDir }) {
  const procs = Array.from({ length: processes + 1 }, () => startLineProcess(CLIENT_SCRIPT, { cpu, cpuProfileDir }));
  for (const counting of procs.slice(1)) setPriority(counting.pid, COUNTING_NICE);
  const [first] = procs;
  /** The viewers each process opens: the samples in the first, the counting ones in turn in the others. */
  const placed = (viewers) => {
    const lists = procs.map(() => []);
    let counting = 0;
    for (const v of viewers) {
      const spec = [v.instance, v.sample ? 1 : 0];
      if (v.sample) lists[0].push(spec);
      else lists[1 + (counting++ % processes)].push(spec);
    }
    return lists;
  };
  return {
    pids: procs.map((p) => p.pid),
    async open(urls, viewers) {
      const lists = placed(viewers);
      const answers = await Promise.all(
        procs.map((p, k) =>
          p.ask(
            {
              op: 'open',
              urls,
              viewers: lists[k],
              concurrency: OPEN_CONCURRENCY,
            },
            OPEN_TIMEOUT_MS,
          ),
        ),
      );
      return {
        open: answers.reduce((sum, a) => sum + a.open, 0),
        failed: answers.flatMap((a) => a.failed),
        failedCount: answers.reduce((sum, a) => sum + a.failedCount, 0),
      };
    },
    posters: async (posters) => void (await first.ask({ op: 'posters', posters })),
    pace: async (rate, phase) => void (await first.ask({ op: 'pace', rate, phase })),
    async status() {
      const answers = await Promise.all(procs.map((p) => p.ask({ op: 'status' })));
      const latency = new LatencyHistogram();
      for (const answer of answers) addBins(latency, answer.latency);
      return { processes: answers, latency };
    },
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
    },
  };
}
