import { setTimeout as sleep } from 'node:timers/promises';
import { startChatStack } from './chat-stack.mjs';
import { startLoad } from './load.mjs';
import { LOAD_CPU, log, logPids, ROOM, SERVER_CPU, socketsOver, windowOf } from './part.mjs';

/** The highest CHAT_RATE_PER_SEC chat's configuration takes: the per-connection limit stays out of the way. */
const RATE_PER_SEC = 10_000;
/** Bound on waiting for the posts outstanding at the end to come back, ms. */
const SETTLE_MS = 10_000;

/** How the posters are spread over rooms. */
const ROOM_LAYOUTS = {
  /** Every poster in a room of its own: each message is delivered once, back to its poster (the post path). */
  own: (i) => `${ROOM}-${i}`,
  /** Every poster in the one room: each instance also reads and delivers every other poster's messages. */
  one: () => ROOM,
};

/**
 * @typedef {object} ThroughputSetup
 * @property {string} id its name in `--only`.
 * @property {number} instances chat instances, all on CPU 0.
 * @property {number} natsCpu
 * @property {keyof typeof ROOM_LAYOUTS} layout
 * @property {string} title
 */

/** @type {ThroughputSetup[]} The setups part 2 measures, in turn, each on a fresh stack. */
export const THROUGHPUT_SETUPS = [
  {
    id: 'own',
    instances: 2,
    natsCpu: SERVER_CPU,
    layout: 'own',
    title: 'two instances + nats-server on CPU 0, a room per poster',
  },
  {
    id: 'one',
    instances: 2,
    natsCpu: SERVER_CPU,
    layout: 'one',
    title: 'two instances + nats-server on CPU 0, every poster in one room',
  },
  {
    id: 'solo',
    instances: 1,
    natsCpu: LOAD_CPU,
    layout: 'own',
    title: 'one instance alone on CPU 0, nats-server on CPU 1 beside the load, a room per poster',
  },
];

/**
 * @typedef {object} ThroughputOptions
 * @property {ThroughputSetup} setup
 * @property {number} postersPerInstance
 * @property {number} window posts each poster keeps outstanding.
 * @property {number} seconds
 * @property {number} warmUpS
 * @property {string} [cpuProfileDir]
 */

/**
 * @typedef {object} ThroughputResult
 * @property {ThroughputOptions} options
 * @property {Record<string, string>} limits the CHAT_RATE_* set.
 * @property {string[]} instances the instances' names; poster i is on instance i mod n.
 * @property {number} posters posting sockets in all.
 * @property {import('./cpu-meter.mjs').CpuWindow} cpu
 * @property {number} loadEventLoopPct
 * @property {Record<string, Record<string, number>>} counters each instance's /metrics counters over the window.
 * @property {import('./load.mjs').LoadStatus} startStatus
 * @property {import('./load.mjs').LoadStatus} endStatus
 * @property {number} leftOutstanding posts still not back `SETTLE_MS` after the flood stopped.
 * @property {string[]} warnings
 */

/**
 * Part 2, one setup: `postersPerInstance` posting sockets on each instance, each keeping `window` posts outstanding
 * (a post is done when its message comes back, or an error frame answers it), with the per-connection limit raised
 * out of the way (CHAT_RATE_PER_SEC 10,000, CHAT_RATE_BURST ≥ `window`, which also lets that many posts wait for
 * their acks). `warmUpS`, then `seconds` measured.
 * @param {ThroughputOptions} options
 * @returns {Promise<ThroughputResult>}
 */
export async function measureThroughput(options) {
  const { setup, postersPerInstance, window, seconds, warmUpS, cpuProfileDir } = options;
  const limits = { CHAT_RATE_PER_SEC: String(RATE_PER_SEC), CHAT_RATE_BURST: String(Math.max(5, window)) };
  log(`throughput, ${setup.title}: starting`);
  const stack = await startChatStack({
    instances: setup.instances,
    cpu: SERVER_CPU,
    natsCpu: setup.natsCpu,
    env: limits,
    cpuProfileDir,
  });
  const load = startLoad({ cpu: LOAD_CPU, cpuProfileDir });
  try {
    logPids(stack, load);
    const posters = postersPerInstance * stack.instances.length;
    const opened = await load.open(await socketsOver(stack, posters, 'poster', ROOM_LAYOUTS[setup.layout]));
    if (opened.failed.length > 0) throw new Error(`${opened.failed.length} posters failed: ${opened.failed[0]}`);
    const all = Array.from({ length: posters }, (_, i) => i);
    log(`throughput: ${posters} posters, ${window} outstanding each, warm-up ${warmUpS} s`);
    await load.flood(all, window, 'w');
    await sleep(warmUpS * 1000);
    const measured = await windowOf(stack, load);
    await load.flood(all, window, 'm');
    log(`throughput: measuring for ${seconds} s`);
    await sleep(seconds * 1000);
    const result = await measured.end();
    await load.flood(all, 0, 'c');
    const settleStart = performance.now();
    let status = await load.status();
    while (status.outstanding > 0 && performance.now() - settleStart < SETTLE_MS) {
      await sleep(200);
      status = await load.status();
    }
    return {
      options,
      limits,
      instances: stack.instances.map((i) => i.name),
      posters,
      ...result,
      leftOutstanding: status.outstanding,
      warnings: stack.warnings(),
    };
  } finally {
    await load.stop();
    await stack.stop();
  }
}
