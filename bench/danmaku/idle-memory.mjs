import { setTimeout as sleep } from 'node:timers/promises';
import { rssBytes } from '../ll-hls/proc.mjs';
import { log, LOAD_CPU, ROOM, startDanmakuStack } from './danmaku-stack.mjs';
import { INSPECT_ARG, openInspector } from './inspector.mjs';
import { startLoad } from './load.mjs';

/** Wait before each reading, so that joins, presence and timers have settled, ms. */
const SETTLE_MS = 6000;

/**
 * @typedef {object} MemoryReading
 * @property {number} vmRss VmRSS of /proc/<pid>/status, bytes.
 * @property {import('./inspector.mjs').MemoryUsage} usage process.memoryUsage() after a full GC, bytes.
 */

/**
 * @typedef {object} IdleMemoryResult
 * @property {{ sockets: number, loadProcesses: number }} options
 * @property {MemoryReading} before the instance with no socket.
 * @property {MemoryReading} after the instance with `sockets` idle sockets that said hello and were welcomed.
 * @property {string[]} warnings
 */

/**
 * Memory per idle socket: one danmaku instance (pinned to CPU 0, with the inspector open on loopback), read after a
 * full GC before and after `sockets` readers joined room `bench` (hello, welcome) and stayed idle.
 * @param {{ sockets: number, loadProcesses: number }} options
 * @returns {Promise<IdleMemoryResult>}
 */
export async function measureIdleMemory(options) {
  const { sockets, loadProcesses } = options;
  log('idle memory: starting nats-server and one danmaku instance with the inspector');
  const stack = await startDanmakuStack({ instances: 1, nodeArgs: [INSPECT_ARG] });
  const load = startLoad({ processes: loadProcesses, cpu: LOAD_CPU });
  const [instance] = stack.instances;
  const inspector = await openInspector(instance.output);
  try {
    const read = async () => {
      await sleep(SETTLE_MS);
      const usage = await inspector.memoryAfterGc();
      return { vmRss: rssBytes(instance.pid), usage };
    };
    const before = await read();
    log(`idle memory: opening ${sockets} idle viewers`);
    const specs = Array.from({ length: sockets }, () => ({ instance: 0, sample: false }));
    const opened = await load.open([`${instance.wsUrl}?room=${ROOM}`], specs);
    if (opened.failedCount > 0)
      throw new Error(`${opened.failedCount} of ${sockets} viewers failed: ${opened.failed.join('; ')}`);
    const after = await read();
    return { options, before, after, warnings: stack.warnings() };
  } finally {
    inspector.close();
    await load.stop();
    await stack.stop();
  }
}
