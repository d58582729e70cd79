import { startCpuWindow } from './cpu-meter.mjs';
import { probeHealth } from './health-probe.mjs';

/** The servers (both chat instances and nats-server) share CPU 0; the load has CPU 1 to itself. */
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;
/** The one room every part posts into. */
export const ROOM = 'bench';

/** A progress line on stderr. */
export const log = (msg) => console.error(`[realtime] ${msg}`);

/**
 * Sockets for the load: `count` of them, alternately on each instance (socket i on instance i mod n), each with a
 * token of its own user `<prefix>-<i>`, in `roomOf(i)`.
 * @param {import('./chat-stack.mjs').ChatStack} stack
 * @param {number} count
 * @param {string} prefix
 * @param {(i: number) => string} [roomOf] @default every socket in {@link ROOM}
 * @returns {Promise<Array<{ url: string, token: string }>>}
 */
export async function socketsOver(stack, count, prefix, roomOf = () => ROOM) {
  const { instances } = stack;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => ({
      url: `${instances[i % instances.length].wsUrl}?room=${roomOf(i)}`,
      token: await stack.token(`${prefix}-${i}`),
    })),
  );
}

/**
 * Logs the pids of a part's processes (to tell the `--cpu-prof` profiles apart: they are named after the pid).
 * @param {import('./chat-stack.mjs').ChatStack} stack
 * @param {import('./load.mjs').Load} load
 */
export function logPids(stack, load) {
  const instances = stack.instances.map((instance) => `${instance.name} ${instance.pid}`);
  log(`pids: ${[...instances, `nats-server ${stack.natsPid}`, `load ${load.pid}`].join(', ')}`);
}

/**
 * @typedef {object} MeasuredWindow
 * @property {import('./cpu-meter.mjs').CpuWindow} cpu every instance's, nats-server's and the load's CPU.
 * @property {number} loadEventLoopPct the load's event loop busy share, % (near 100: the load was the limit).
 * @property {number} spanS time between the two readings of the counters and the load's counts, s (each reading's
 *   time is the middle of its requests); rates of those are over this.
 * @property {Record<string, Record<string, number>>} counters each instance's /metrics counters over the window
 *   (none when the instance did not answer /metrics within 60 s at the start or the end).
 * @property {Record<string, number[]>} healthMs each instance's /healthz answer times over the window, ms.
 * @property {import('./load.mjs').LoadStatus} startStatus the load's counts at the window's start.
 * @property {import('./load.mjs').LoadStatus} endStatus the load's counts at its end.
 */

/**
 * Starts a measured window: CPU of every process, the instances' counters and /healthz answer times, the load's
 * counts.
 * @param {import('./chat-stack.mjs').ChatStack} stack
 * @param {import('./load.mjs').Load} load
 * @returns {Promise<{ end: () => Promise<MeasuredWindow> }>}
 */
export async function windowOf(stack, load) {
  const pids = { nats: stack.natsPid, load: load.pid };
  for (const instance of stack.instances) pids[instance.name] = instance.pid;
  const reading = async () => {
    const before = performance.now();
    const [counters, status] = await Promise.all([
      // An instance too busy to answer within the bound has no counters for the window (reported as "–").
      Promise.all(stack.instances.map((instance) => instance.counters().catch(() => undefined))),
      load.status(),
    ]);
    return { atMs: (before + performance.now()) / 2, counters, status };
  };
  const start = await reading();
  const endCpu = startCpuWindow(pids);
  const probes = stack.instances.map((instance) => probeHealth(instance.healthUrl));
  return {
    async end() {
      const cpu = endCpu();
      const end = await reading();
      const healthMs = await Promise.all(probes.map((stop) => stop()));
      const { activeMs, idleMs } = end.status.eventLoop;
      const active = activeMs - start.status.eventLoop.activeMs;
      const idle = idleMs - start.status.eventLoop.idleMs;
      const delta = (i) =>
        start.counters[i] && end.counters[i]
          ? Object.fromEntries(Object.entries(end.counters[i]).map(([k, v]) => [k, v - start.counters[i][k]]))
          : {};
      return {
        cpu,
        loadEventLoopPct: (100 * active) / (active + idle),
        spanS: (end.atMs - start.atMs) / 1000,
        counters: Object.fromEntries(stack.instances.map((instance, i) => [instance.name, delta(i)])),
        healthMs: Object.fromEntries(stack.instances.map((instance, i) => [instance.name, healthMs[i]])),
        startStatus: start.status,
        endStatus: end.status,
      };
    },
  };
}
