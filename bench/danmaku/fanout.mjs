import { setTimeout as sleep } from 'node:timers/promises';
import { startCpuWindow } from '../realtime/cpu-meter.mjs';
import { probeHealth } from '../realtime/health-probe.mjs';
import { log, LOAD_CPU, readSeries, ROOM, startDanmakuStack } from './danmaku-stack.mjs';
import { startLoad } from './load.mjs';

/** The wait after the window ends when every sample viewer has every measured post, or nothing arrives for this long. */
const QUIET_MS = 3000;

/**
 * @typedef {object} FanoutOptions
 * @property {number} instances 1 or 2 danmaku instances (socket i on instance i mod n, poster j likewise).
 * @property {number} sockets viewers in the room.
 * @property {number} samples of which sample viewers (parse every frame, time and check it).
 * @property {number} rate posts per second in all.
 * @property {number} posters posting sockets.
 * @property {number} seconds measured window, s.
 * @property {number} warmUpS posting before the window, s.
 * @property {number} drainS longest wait for the measured posts after the window, s.
 * @property {number} loadProcesses load processes sharing the load CPU.
 * @property {string | undefined} cpuProfileDir
 * @property {number | undefined} windowMs danmaku's batch window, ms (unset: its default).
 */

/**
 * @typedef {object} FanoutResult
 * @property {FanoutOptions} options
 * @property {import('../realtime/cpu-meter.mjs').CpuWindow} cpu instances', nats-server's and each load process's
 *   CPU over the window (names "danmaku-1", "nats", "load-1", …).
 * @property {number[]} loadEventLoopPct each load process's event loop busy share over the window, %.
 * @property {number} spanS time between the two readings, s.
 * @property {Record<string, Record<string, number>>} series each instance's /metrics series over the window.
 * @property {Record<string, number[]>} healthMs each instance's /healthz answer times over the window, ms.
 * @property {import('./load.mjs').LoadStatus} start the load's counts at the window's start.
 * @property {import('./load.mjs').LoadStatus} end at its end.
 * @property {import('./load.mjs').LoadStatus} final once the wait after it ended.
 * @property {number} drainedS how long the wait after the window took, s.
 * @property {string[]} warnings the instances' warn-level log lines.
 */

/** Viewer specs: viewer i on instance i mod n; the first `samples` are sample viewers. */
function viewerSpecs({ sockets, samples, instances }) {
  return Array.from({ length: sockets }, (_, i) => ({ instance: i % instances, sample: i < samples }));
}

const sum = (values) => values.reduce((a, b) => a + b, 0);
/** Measured posts that reached the slowest sample viewer. */
const fewestSampled = (status) => Math.min(...status.processes.flatMap((p) => p.samples.map((s) => s.measured)));

/**
 * One run: `sockets` readers in room `bench` over `instances` danmaku instances on CPU 0, `posters` posting `rate`
 * danmaku per second in all; `warmUpS`, then `seconds` measured, then posting on (tagged `c`) until every sample
 * viewer has every measured post, nothing arrived for 3 s, or `drainS` passed.
 * @param {FanoutOptions} options
 * @returns {Promise<FanoutResult>}
 */
export async function measureFanout(options) {
  const { instances, sockets, rate, posters, seconds, warmUpS, drainS, loadProcesses, cpuProfileDir, windowMs } =
    options;
  log(`fan-out, ${instances} instance(s): starting nats-server and danmaku`);
  const stack = await startDanmakuStack({ instances, cpuProfileDir, windowMs });
  const load = startLoad({ processes: loadProcesses, cpu: LOAD_CPU, cpuProfileDir });
  /** Stops of the /healthz probes: also on a failure, whose pending probes would keep the process alive. */
  let probes = [];
  try {
    const names = stack.instances.map((i) => i.name);
    log(
      `pids: ${[...stack.instances.map((i) => `${i.name} ${i.pid}`), `nats ${stack.natsPid}`].join(', ')}, load ${load.pids.join(' ')}`,
    );
    const urls = stack.instances.map((i) => `${i.wsUrl}?room=${ROOM}`);
    log(`opening ${sockets} viewers in ${loadProcesses} load process(es)`);
    const opened = await load.open(urls, viewerSpecs(options));
    if (opened.failedCount > 0)
      throw new Error(`${opened.failedCount} of ${sockets} viewers failed: ${opened.failed.join('; ')}`);
    await load.posters(
      await Promise.all(
        Array.from({ length: posters }, async (_, j) => ({
          url: urls[j % instances],
          token: await stack.token(`poster-${j}`),
        })),
      ),
    );
    log(`posting ${rate}/s, warm-up ${warmUpS} s`);
    await load.pace(rate, 'w');
    await sleep(warmUpS * 1000);
    const pids = { nats: stack.natsPid };
    for (const instance of stack.instances) pids[instance.name] = instance.pid;
    load.pids.forEach((pid, k) => (pids[`load-${k + 1}`] = pid));
    const reading = async () => {
      const before = performance.now();
      const [series, status] = await Promise.all([Promise.all(stack.instances.map(readSeries)), load.status()]);
      return { atMs: (before + performance.now()) / 2, series, status };
    };
    const first = await reading();
    const endCpu = startCpuWindow(pids);
    probes = stack.instances.map((instance) => probeHealth(instance.healthUrl));
    await load.pace(rate, 'm');
    log(`measuring for ${seconds} s`);
    await sleep(seconds * 1000);
    await load.pace(rate, 'c');
    const cpu = endCpu();
    const last = await reading();
    const healthMs = await Promise.all(probes.map((stop) => stop()));
    log('waiting for the measured posts to reach the sample viewers');
    const drainStart = performance.now();
    let final = last.status;
    let lastItems = -1;
    let lastProgress = performance.now();
    const sentMeasured = () => final.processes[0].posters.sent.m ?? 0;
    while (fewestSampled(final) < sentMeasured()) {
      if (performance.now() - drainStart > drainS * 1000 || performance.now() - lastProgress > QUIET_MS) break;
      await sleep(500);
      final = await load.status();
      const items = sum(final.processes.map((p) => p.items));
      if (items > lastItems) {
        lastItems = items;
        lastProgress = performance.now();
      }
    }
    await load.pace(0, 'c');
    const eventLoopPct = last.status.processes.map((p, k) => {
      const s = first.status.processes[k].eventLoop;
      const active = p.eventLoop.activeMs - s.activeMs;
      return (100 * active) / (active + p.eventLoop.idleMs - s.idleMs);
    });
    const delta = (k) =>
      first.series[k] && last.series[k]
        ? Object.fromEntries(Object.entries(last.series[k]).map(([key, v]) => [key, v - first.series[k][key]]))
        : {};
    return {
      options,
      cpu,
      loadEventLoopPct: eventLoopPct,
      spanS: (last.atMs - first.atMs) / 1000,
      series: Object.fromEntries(names.map((name, k) => [name, delta(k)])),
      healthMs: Object.fromEntries(names.map((name, k) => [name, healthMs[k]])),
      start: first.status,
      end: last.status,
      final,
      drainedS: (performance.now() - drainStart) / 1000,
      warnings: stack.warnings(),
    };
  } finally {
    await Promise.all(probes.map((stop) => stop()));
    await load.stop();
    await stack.stop();
  }
}
