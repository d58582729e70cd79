import { setTimeout as sleep } from 'node:timers/promises';
import { rssBytes } from '../ll-hls/proc.mjs';
import { log, LOAD_CPU, ROOM, startDanmakuStack } from './danmaku-stack.mjs';
import { heapGrowth, summarizeHeapSnapshot } from './heap-summary.mjs';
import { INSPECT_ARG, openInspector } from './inspector.mjs';
import { startLoad } from './load.mjs';

/** Wait before each reading, so that joins, presence and timers have settled, ms. */
const SETTLE_MS = 6000;
/** Kinds of heap objects the heap summary lists. */
const HEAP_TOP = 12;

/**
 * @typedef {object} MemoryReading
 * @property {number} vmRss VmRSS of /proc/<pid>/status, bytes.
 * @property {import('./inspector.mjs').MemoryUsage} usage process.memoryUsage() after a full GC, bytes.
 */

/**
 * @typedef {object} IdleMemoryResult
 * @property {{ sockets: number, loadProcesses: number, heapSummary: boolean }} options
 * @property {MemoryReading} before the instance with no socket.
 * @property {MemoryReading} after the instance with `sockets` idle sockets that said hello and were welcomed.
 * @property {Array<{ kind: string, count: number, bytes: number }>} heapGrowth the kinds of heap objects that grew
 *   most, by bytes (empty without `heapSummary`).
 * @property {string[]} warnings
 */

/**
 * One danmaku instance (pinned to CPU 0, with the inspector open on loopback), read by `read` 6 s after it started
 * and again 6 s after `sockets` readers joined room `bench` (hello, welcome) and stayed idle.
 * @template T
 * @param {{ sockets: number, loadProcesses: number }} options
 * @param {(inspector: import('./inspector.mjs').Inspector, pid: number) => Promise<T>} read
 * @returns {Promise<{ before: T, after: T, warnings: string[] }>}
 */
async function idleRun({ sockets, loadProcesses }, read) {
  const stack = await startDanmakuStack({ instances: 1, nodeArgs: [INSPECT_ARG] });
  const load = startLoad({ processes: loadProcesses, cpu: LOAD_CPU });
  const [instance] = stack.instances;
  const inspector = await openInspector(instance.output);
  try {
    await sleep(SETTLE_MS);
    const before = await read(inspector, instance.pid);
    log(`idle memory: opening ${sockets} idle viewers`);
    const specs = Array.from({ length: sockets }, () => ({ instance: 0, sample: false }));
    const opened = await load.open([`${instance.wsUrl}?room=${ROOM}`], specs);
    if (opened.failedCount > 0)
      throw new Error(`${opened.failedCount} of ${sockets} viewers failed: ${opened.failed.join('; ')}`);
    await sleep(SETTLE_MS);
    const after = await read(inspector, instance.pid);
    return { before, after, warnings: stack.warnings() };
  } finally {
    inspector.close();
    await load.stop();
    await stack.stop();
  }
}

/**
 * Memory per idle socket: an instance read after a full GC (process.memoryUsage(), VmRSS) before and after `sockets`
 * idle readers joined. With `heapSummary`, a second run on a fresh stack takes a heap snapshot each time and sums it
 * by kind of object (apart, because taking a snapshot grows the RSS the first run reads).
 * @param {{ sockets: number, loadProcesses: number, heapSummary: boolean }} options
 * @returns {Promise<IdleMemoryResult>}
 */
export async function measureIdleMemory(options) {
  log('idle memory: starting nats-server and one danmaku instance with the inspector');
  const { before, after, warnings } = await idleRun(options, async (inspector, pid) => ({
    usage: await inspector.memoryAfterGc(),
    vmRss: rssBytes(pid),
  }));
  let growth = [];
  if (options.heapSummary) {
    log('idle memory: again, with heap snapshots');
    const heaps = await idleRun(options, async (inspector) => summarizeHeapSnapshot(await inspector.heapSnapshot()));
    growth = heapGrowth(heaps.before, heaps.after, HEAP_TOP);
  }
  return { options, before, after, heapGrowth: growth, warnings };
}
