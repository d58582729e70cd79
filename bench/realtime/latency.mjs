import { setTimeout as sleep } from 'node:timers/promises';
import { startChatStack } from './chat-stack.mjs';
import { startLoad } from './load.mjs';
import { LOAD_CPU, log, logPids, SERVER_CPU, socketsOver, windowOf } from './part.mjs';

/** chat's default per-connection limit (CHAT_RATE_PER_SEC, CHAT_RATE_BURST), which the part keeps when it can. */
const DEFAULT_LIMITS = { ratePerSec: 3, burst: 5 };
/** The drain ends when no bench message at all has arrived for this long, ms. */
const QUIET_MS = 5000;

/**
 * @typedef {object} LatencyResult
 * @property {{ viewers: number, rate: number, seconds: number, warmUpS: number, drainS: number }} options
 * @property {Record<string, string>} limits the CHAT_RATE_* set, empty when the defaults were kept.
 * @property {number} perSocketRate posts per second each socket sent.
 * @property {import('./load.mjs').LoadStatus} status the load's counts once the drain ended.
 * @property {number} drainedS how long after the window the last measured delivery was waited for, s.
 * @property {import('./cpu-meter.mjs').CpuWindow} cpu over the measured window.
 * @property {number} loadEventLoopPct the load's event loop busy share over the window, %.
 * @property {Record<string, Record<string, number>>} counters each instance's /metrics counters over the window.
 * @property {string[]} warnings
 */

/**
 * Part 1: `viewers` sockets in one room, alternately on the two instances, every one posting, `rate` posts per second
 * in all (paced by the load). After `warmUpS`, posts are tagged measured for `seconds`, then the load keeps posting
 * (tagged `c`) until every measured message has reached every socket, no message at all arrived for 5 s, or `drainS`
 * passed.
 * @param {{ viewers: number, rate: number, seconds: number, warmUpS: number, drainS: number, cpuProfileDir?: string }}
 *   options
 * @returns {Promise<LatencyResult>}
 */
export async function measureLatency(options) {
  const { viewers, rate, seconds, warmUpS, drainS, cpuProfileDir } = options;
  const perSocketRate = rate / viewers;
  // Every socket posts rate / viewers per second; the server's default limit is kept when that is within it.
  const limits =
    perSocketRate <= DEFAULT_LIMITS.ratePerSec
      ? {}
      : { CHAT_RATE_PER_SEC: String(Math.ceil(2 * perSocketRate)), CHAT_RATE_BURST: String(Math.ceil(perSocketRate)) };
  log(`latency: starting nats-server and two chat instances${limits.CHAT_RATE_PER_SEC ? ' (limits raised)' : ''}`);
  const stack = await startChatStack({ instances: 2, cpu: SERVER_CPU, env: limits, cpuProfileDir });
  const load = startLoad({ cpu: LOAD_CPU, cpuProfileDir });
  try {
    logPids(stack, load);
    log(`latency: opening ${viewers} sockets`);
    const opened = await load.open(await socketsOver(stack, viewers, 'viewer'));
    if (opened.failed.length > 0)
      throw new Error(`${opened.failed.length} of ${viewers} sockets failed: ${opened.failed.slice(0, 5).join('; ')}`);
    log(`latency: posting ${rate}/s, warm-up ${warmUpS} s`);
    await load.pace(rate, 'w');
    await sleep(warmUpS * 1000);
    const window = await windowOf(stack, load);
    await load.pace(rate, 'm');
    log(`latency: measuring for ${seconds} s`);
    await sleep(seconds * 1000);
    await load.pace(rate, 'c');
    const measuredWindow = await window.end();
    log('latency: waiting for the measured messages to arrive');
    const drainStart = performance.now();
    const arrived = (status) => Object.values(status.received).reduce((sum, n) => sum + n, 0);
    let status = await load.status(viewers);
    let lastArrived = arrived(status);
    let lastProgress = performance.now();
    // Until every socket has every measured message, or nothing at all arrived for QUIET_MS, or drainS passed.
    while ((status.received.m ?? 0) < viewers * (status.sent.m ?? 0)) {
      if (performance.now() - drainStart > drainS * 1000 || performance.now() - lastProgress > QUIET_MS) break;
      await sleep(500);
      status = await load.status(viewers);
      if (arrived(status) > lastArrived) {
        lastArrived = arrived(status);
        lastProgress = performance.now();
      }
    }
    await load.pace(0, 'c');
    return {
      options,
      limits,
      perSocketRate,
      status,
      drainedS: (performance.now() - drainStart) / 1000,
      ...measuredWindow,
      warnings: stack.warnings(),
    };
  } finally {
    await load.stop();
    await stack.stop();
  }
}
